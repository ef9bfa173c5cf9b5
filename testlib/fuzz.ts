/**
 * A mutation fuzzer for the translator: real packets built with buildPacket (plus every RFC 7915
 * vector input) as the seed corpus, mutated by bit flips, byte sets, truncation, extension,
 * length-field edits, insertions and deletions, then run through Translator.from4 / from6.
 *
 * Asserted on every run: no exception escapes, no '*.internal-error' verdict (the translator turns
 * a throw into one), every emitted packet passes our validator, and no packet reaches a tenant other
 * than its own: an IPv4 packet caused by IPv6 input goes only to the tenant owning the input's
 * destination (and to an address that tenant owns); one caused by IPv4 input goes back only to the
 * sending tenant; an IPv6 packet caused by tenant t's IPv4 input carries a source of t (prefix,
 * EAM, PLAT) or the translator's own / RFC 6791 address.
 *
 * Deterministic for a seed. `bench/fuzz.ts` runs it on demand; test/property/fuzz.test.ts runs a
 * fixed budget in CI.
 */
import { fileURLToPath } from 'node:url';
import { checkConfig } from '../src/config/index.js';
import { buildFragments, buildPacket, type PacketSpec } from '../src/packet/index.js';
import { HEADROOM, TO_IPV4, TO_IPV6, Translator, Verdict } from '../src/translate/index.js';
import type { TenantTable } from '../src/address/index.js';
import { loadVectorFiles } from './rfc7915-vectors.js';
import { transportAlreadyBad, validatePacket } from './validate.js';

/** The fuzzer's configuration: overlapping plan tenants, a tenant with a prefix and an EAM, RFC 6791 pools. */
export const FUZZ_CONFIG = {
  translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1', amendUdpZeroChecksum: true, rfc6791v4: '198.51.100.8/29', rfc6791v6: 'fd00:6791::/96' },
  plan: { domain: 'fd00:64::/48', tenantBits: 16 },
  tenants: [
    { name: 'blue', id: 1, ipv4: ['10.0.0.0/8'] },
    { name: 'red', id: 2, ipv4: ['10.0.0.0/8'] },
    { name: 'green', prefix: '2001:db8:100::/40', eam: [{ ipv6: '2001:db8:2::/120', ipv4: '192.0.2.0/24' }] },
  ],
};

/** One corpus entry: which side it enters and, for IPv4, the tenant index. */
export interface Seed {
  from: 4 | 6;
  tenant: number;
  bytes: Uint8Array;
}

/** Deterministic 32-bit PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Seed corpus: built packets of every shape the translator handles, plus the RFC 7915 vector inputs. */
export function buildCorpus(table: TenantTable, vectorsDir?: string): Seed[] {
  const out: Seed[] = [];
  const blue = table.indexOf('blue');
  const green = table.indexOf('green');
  const a4 = 0x0a000001;
  const b4 = 0x0a000002;
  const enc = (t: string, v4: string) => {
    const s = table.encode(t, v4);
    const b = new Uint8Array(16);
    const parts = s.split('::');
    const head = parts[0] ? parts[0].split(':') : [];
    const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
    const words = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
    words.forEach((w, i) => {
      const n = parseInt(w, 16);
      b[2 * i] = n >> 8;
      b[2 * i + 1] = n & 0xff;
    });
    return b;
  };
  const a6 = enc('blue', '10.0.0.1');
  const b6 = enc('blue', '10.0.0.2');
  const g6 = enc('green', '192.0.2.7');
  const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff);
  const v4 = (l4: PacketSpec['l4'], extra: Partial<Extract<PacketSpec['ip'], { version: 4 }>> = {}, payload = data(24)): PacketSpec => ({ ip: { version: 4, src: a4, dst: b4, ttl: 64, id: 0x1234, ...extra }, ...(l4 ? { l4 } : {}), payload });
  const v6 = (l4: PacketSpec['l4'], extra: Partial<Extract<PacketSpec['ip'], { version: 6 }>> = {}, payload = data(24)): PacketSpec => ({ ip: { version: 6, src: a6, dst: b6, hopLimit: 64, ...extra }, ...(l4 ? { l4 } : {}), payload });
  const udp = { proto: 'udp' as const, srcPort: 4000, dstPort: 53 };
  const tcp = { proto: 'tcp' as const, srcPort: 4001, dstPort: 443, seq: 1, flags: 0x12, options: Uint8Array.of(2, 4, 5, 0xb4) };
  const add4 = (s: PacketSpec, t = blue) => out.push({ from: 4, tenant: t, bytes: buildPacket(s) });
  const add6 = (s: PacketSpec) => out.push({ from: 6, tenant: -1, bytes: buildPacket(s) });

  add4(v4(udp));
  add4(v4(tcp));
  add4(v4({ ...udp, checksum: 0 }));
  add4(v4({ proto: 'icmpv4', type: 8, code: 0, rest: 0x10001 }));
  add4(v4(udp, { ttl: 1 }));
  add4(v4(udp, { options: Uint8Array.of(131, 7, 4, 10, 0, 0, 2) }));
  add4(v4(udp, { options: Uint8Array.of(7, 7, 4, 0, 0, 0, 0, 1, 1) }));
  add4(v4(udp, { df: true }, data(1500)));
  add4(v4(udp, { df: false }, data(3000)));
  add4(v4(undefined, { protocol: 253 }));
  for (const [type, code, rest] of [
    [3, 3, 0],
    [3, 4, 1400],
    [3, 4, 0],
    [11, 0, 0],
    [12, 0, 8 << 24],
    [3, 2, 0],
  ] as const) {
    add4(v4({ proto: 'icmpv4', type, code, rest, inner: v4(udp, { src: b4, dst: a4 }) }, { src: b4, dst: a4 }));
    add4(v4({ proto: 'icmpv4', type, code, rest, inner: v4(tcp, { src: b4, dst: a4 }), innerLen: 28 }, { src: b4, dst: a4 }));
  }
  add4(v4({ proto: 'icmpv4', type: 3, code: 3, inner: v4(udp, { src: b4, dst: a4 }, data(100)), origDatagramLen: 128 }, { src: b4, dst: a4 }, Uint8Array.of(0x20, 0, 0xde, 0xfa, 0, 4, 1, 1)));
  for (const f of buildFragments(v4(udp, { id: 77 }, data(200)), 64)) out.push({ from: 4, tenant: blue, bytes: f });
  // green: EAM source to a green prefix destination, and EAM to EAM (hairpin).
  add4(v4(udp, { src: 0xc0000207, dst: 0xc0000208 }), green);
  add4(v4(udp, { src: 0xc0000207, dst: 0x0a000001 }), green);

  add6(v6(udp));
  add6(v6(tcp));
  add6(v6({ proto: 'icmpv6', type: 128, code: 0, rest: 0x10001 }));
  add6(v6(udp, { hopLimit: 1 }));
  add6(v6(udp, { ext: [{ type: 0 }, { type: 60 }, { type: 43, segmentsLeft: 0 }] }));
  add6(v6(udp, { ext: [{ type: 43, segmentsLeft: 1 }] }));
  add6(v6(udp, {}, data(1500)));
  add6(v6(udp, { src: g6, dst: enc('green', '192.0.2.9') }));
  for (const [type, code, rest] of [
    [1, 4, 0],
    [2, 0, 1400],
    [3, 0, 0],
    [4, 0, 7],
    [4, 1, 6],
  ] as const) {
    add6(v6({ proto: 'icmpv6', type, code, rest, inner: v6(udp, { src: a6, dst: b6 }) }, { src: b6, dst: a6 }));
    add6(v6({ proto: 'icmpv6', type, code, rest, inner: v6(tcp, { src: a6, dst: b6 }), innerLen: 48 }, { src: new Uint8Array(16).fill(0x20), dst: a6 }));
  }
  add6(v6({ proto: 'icmpv6', type: 1, code: 4, inner: v6(udp, { src: a6, dst: b6 }, data(80)), origDatagramLen: 128 }, { src: b6, dst: a6 }, Uint8Array.of(0x20, 0, 0xde, 0xfa, 0, 4, 1, 1)));
  for (const f of buildFragments(v6(udp, {}, data(200)), 64, 0xabcdef)) out.push({ from: 6, tenant: -1, bytes: f });

  if (vectorsDir !== undefined) {
    for (const { data: file } of loadVectorFiles(vectorsDir)) {
      for (const v of file.vectors) {
        if (JSON.stringify(v.config).includes('"eamHairpin"')) continue;
        const t = v.input.from === 'ipv4' ? table.indexOf(v.input.tenant ?? 'blue') : -1;
        out.push({ from: v.input.from === 'ipv4' ? 4 : 6, tenant: t, bytes: Uint8Array.from(Buffer.from(v.input.packet, 'hex')) });
      }
    }
  }
  return out;
}

// Offsets of length fields worth editing: IPv4 IHL/Total Length, IPv6 Payload Length, and the
// same one ICMP header in (quoted packet), UDP Length, RFC 4884 Length octets.
const LENGTH_OFFSETS16 = [2, 4, 24, 26, 28 + 2, 28 + 4, 48 + 4, 20 + 4, 40 + 4, 48 + 44];
const INTERESTING = [0, 1, 2, 5, 8, 0x20, 0x3f, 0x40, 0x45, 0x60, 0x7f, 0x80, 0xfe, 0xff];

/**
 * Mutate `src` into `out` (at least 70000 octets); returns the new length. 1 to 4 mutations.
 */
export function mutate(src: Uint8Array, out: Uint8Array, rnd: () => number): number {
  let len = src.length;
  out.set(src, 0);
  const n = 1 + (rnd() % 4);
  for (let k = 0; k < n; k++) {
    const op = rnd() % 9;
    const at = len === 0 ? 0 : rnd() % len;
    switch (op) {
      case 0:
      case 1:
        if (len > 0) out[at] = out[at]! ^ (1 << (rnd() & 7));
        break;
      case 2:
        if (len > 0) out[at] = rnd() % 2 ? INTERESTING[rnd() % INTERESTING.length]! : rnd() & 0xff;
        break;
      case 3:
        len = len === 0 ? 0 : rnd() % (len + 1);
        break;
      case 4: {
        const add = 1 + (rnd() % 64);
        if (len + add < out.length) {
          for (let i = 0; i < add; i++) out[len + i] = rnd() & 0xff;
          len += add;
        }
        break;
      }
      case 5: {
        const o = LENGTH_OFFSETS16[rnd() % LENGTH_OFFSETS16.length]!;
        if (o + 1 < len) {
          const old = (out[o]! << 8) | out[o + 1]!;
          const choice = rnd() % 4;
          const v = choice === 0 ? rnd() & 0xffff : choice === 1 ? (old + 1) & 0xffff : choice === 2 ? (old - 1) & 0xffff : (old + ((rnd() % 64) - 32) * 8) & 0xffff;
          out[o] = v >> 8;
          out[o + 1] = v & 0xff;
        }
        break;
      }
      case 6: {
        // IHL nibble or RFC 4884 length octet.
        if (len > 0) out[0] = (out[0]! & 0xf0) | (rnd() & 0x0f);
        break;
      }
      case 7: {
        const add = 1 + (rnd() % 16);
        if (len + add < out.length) {
          out.copyWithin(at + add, at, len);
          for (let i = 0; i < add; i++) out[at + i] = rnd() & 0xff;
          len += add;
        }
        break;
      }
      case 8: {
        const del = Math.min(len - at, 1 + (rnd() % 16));
        out.copyWithin(at, at + del, len);
        len -= del;
        break;
      }
    }
  }
  return len;
}

/** What a fuzz run found. */
export interface FuzzResult {
  count: number;
  exceptions: number;
  internalErrors: number;
  invalidEmits: number;
  crossTenant: number;
  emitted: number;
  /** IPv4 packets delivered to the right tenant but for an address outside its `ipv4` ranges (reported, not a failure). */
  outsideRanges: number;
  outsideExample: string;
  /** Validator messages for invalid emitted packets, counted. */
  invalidReasons: Map<string, number>;
  drops: Map<string, number>;
  /** First failures, for the report: what, the seed index, and the input hex. */
  failures: string[];
}

function in6791v6(pkt: Uint8Array, off: number, prefix: Uint8Array, len: number): boolean {
  for (let bit = 0; bit < len; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((pkt[off + (bit >> 3)]! & m) !== (prefix[bit >> 3]! & m)) return false;
  }
  return true;
}

/** Hex of a packet, cut to 160 octets for reports. */
function short(p: Uint8Array): string {
  const h = Buffer.from(p.subarray(0, 160)).toString('hex');
  return p.length > 160 ? `${h}...(${p.length} octets)` : h;
}

function same16(a: Uint8Array, aOff: number, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[aOff + i] !== b[i]) return false;
  return true;
}

/**
 * Run `count` mutated packets with PRNG seed `seed`. `onProgress` is called every 2^20 packets.
 * @example runFuzz({ count: 200_000, seed: 464 }).invalidEmits // 0
 */
export function runFuzz(opts: {
  count: number;
  seed: number;
  vectorsDir?: string;
  onProgress?: (done: number) => void;
  /**
   * Called with every emitted packet (a view the next input overwrites: copy to keep), for a second
   * opinion (tshark). `transportBad`: the input's own TCP/UDP checksum or length was already wrong,
   * so the translated one may be too (see validate.ts).
   */
  onEmit?: (packet: Uint8Array, label: string, transportBad: boolean) => void;
}): FuzzResult {
  const loaded = checkConfig(FUZZ_CONFIG);
  const table = loaded.table;
  const o = loaded.translator;
  const xlat = new Translator(table, o);
  const v = new Verdict();
  const corpus = buildCorpus(table, opts.vectorsDir);
  const rnd = prng(opts.seed);
  const scratch = new Uint8Array(70000);
  const buf = new Uint8Array(HEADROOM + 70000);
  const dst6 = new Uint8Array(16);
  const r: FuzzResult = { count: 0, exceptions: 0, internalErrors: 0, invalidEmits: 0, crossTenant: 0, emitted: 0, outsideRanges: 0, outsideExample: '', invalidReasons: new Map(), drops: new Map(), failures: [] };
  const fail = (what: string, s: Seed, len: number) => {
    if (r.failures.length < 20) r.failures.push(`#${r.count} seed ${opts.seed} ${what} <- from${s.from} tenant ${s.tenant}: ${short(scratch.subarray(0, len))}`);
  };
  for (let n = 0; n < opts.count; n++) {
    const s = corpus[rnd() % corpus.length]!;
    const len = mutate(s.bytes, scratch, rnd);
    buf.fill(0, 0, HEADROOM);
    buf.set(scratch.subarray(0, len), HEADROOM);
    // Who the input is for, read before translation rewrites the buffer in place.
    let dstTenant = -1;
    if (s.from === 6 && len >= 40) {
      dst6.set(buf.subarray(HEADROOM + 24, HEADROOM + 40));
      dstTenant = table.lookupDst6(dst6, 0);
    }
    // A wrong TCP/UDP checksum in the input stays wrong after an RFC 1624 update: only then may the
    // translated packet's transport checksum fail.
    const l4Bad = transportAlreadyBad(scratch.subarray(0, len));
    r.count++;
    try {
      if (s.from === 4) xlat.from4(s.tenant, buf, HEADROOM, len, v);
      else xlat.from6(buf, HEADROOM, len, v);
    } catch (e) {
      r.exceptions++;
      fail(`exception ${(e as Error).message}`, s, len);
      continue;
    }
    if (v.drop !== null) {
      r.drops.set(v.drop, (r.drops.get(v.drop) ?? 0) + 1);
      if (v.drop.endsWith('.internal-error')) {
        r.internalErrors++;
        fail(v.drop, s, len);
      }
    }
    for (let i = 0; i < v.count; i++) {
      r.emitted++;
      const p = v.packet(i);
      if (opts.onEmit) opts.onEmit(p, `fuzz #${r.count} seed ${opts.seed} from${s.from} emit[${i}]`, l4Bad);
      const bad = validatePacket(p, { skipTransport: l4Bad });
      if (bad !== null) {
        r.invalidEmits++;
        const key = `${bad}${s.from === 6 && (p[9] === 1 || p[6] === 58) ? ' (IPv4 protocol 1 / IPv6 next header 58 carried from the other side untranslated)' : ''}`;
        r.invalidReasons.set(key, (r.invalidReasons.get(key) ?? 0) + 1);
        fail(`emit[${i}] invalid: ${bad} [${short(p)}]`, s, len);
        continue;
      }
      const t = v.tenant[i]!;
      let cross: string | null = null;
      if (v.to[i] === TO_IPV4) {
        const dst = ((p[16]! << 24) | (p[17]! << 16) | (p[18]! << 8) | p[19]!) >>> 0;
        if (s.from === 4 && t !== s.tenant) cross = `IPv4 input of tenant ${s.tenant} emitted to tenant ${t}`;
        else if (s.from === 6 && t !== dstTenant) cross = `IPv6 input for tenant ${dstTenant} emitted to tenant ${t}`;
        else if (!table.ownsV4(t, dst)) {
          // Not a cross-tenant delivery (the destination prefix is t's), but worth counting: t's
          // table says it does not own this address.
          r.outsideRanges++;
          if (r.outsideExample === '') r.outsideExample = `${short(p)} <- ${short(scratch.subarray(0, len))}`;
        }
      } else if (v.to[i] === TO_IPV6) {
        const ours = same16(p, 8, o.ipv6) || in6791v6(p, 8, o.rfc6791v6Addr, o.rfc6791v6Len);
        if (s.from === 4 && !ours && !table.lookupSrc6(s.tenant, p, 8)) cross = `IPv6 packet from tenant ${s.tenant}'s input with a source not of that tenant`;
        if (s.from === 6 && !ours) cross = 'IPv6 packet caused by IPv6 input with a source other than the translator';
      } else {
        cross = `emit[${i}] to ${v.to[i]}`;
      }
      if (cross !== null) {
        r.crossTenant++;
        fail(`emit[${i}] ${cross} [${short(p)}]`, s, len);
      }
    }
    if (opts.onProgress && (r.count & 0xfffff) === 0) opts.onProgress(r.count);
  }
  return r;
}

/** The report printed by bench/fuzz.ts and the CI test. */
export function formatFuzz(r: FuzzResult, seed: number, ms: number): string {
  const lines = [
    `fuzz: ${r.count} packets, seed ${seed}, ${(ms / 1000).toFixed(1)} s (${((ms * 1e6) / Math.max(1, r.count)).toFixed(0)} ns/packet)`,
    `  exceptions ${r.exceptions}, internal errors ${r.internalErrors}, invalid emitted packets ${r.invalidEmits}, cross-tenant deliveries ${r.crossTenant}, emitted ${r.emitted}`,
    `  delivered to the destination's tenant for an IPv4 address outside its ranges: ${r.outsideRanges}${r.outsideExample ? ` (e.g. ${r.outsideExample})` : ''}`,
    ...[...r.invalidReasons.entries()].map(([k, n]) => `  invalid: ${n} x ${k}`),
    '  drop reasons:',
    ...[...r.drops.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `    ${String(n).padStart(10)}  ${k}`),
    ...r.failures.map((f) => `  FAIL ${f}`),
  ];
  return lines.join('\n');
}

/** rfc-vectors/rfc7915 relative to the compiled testlib. */
export const VECTORS_DIR = fileURLToPath(new URL('../../rfc-vectors/rfc7915/', import.meta.url));

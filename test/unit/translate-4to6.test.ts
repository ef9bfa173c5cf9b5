/**
 * RFC 7915 §4 (IPv4 -> IPv6) through Translator.from4. Inputs are built with buildPacket(); the
 * expected IPv6 packets are built independently with buildPacket() from the RFC's rules (never by
 * the translator), so checksums are checked by full recomputation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/index.js';
import { parseIPv4 as v4, parseIPv6 } from '../../src/address/index.js';
import { referenceChecksum, WasmChecksum, type Checksum } from '../../src/checksum/index.js';
import { buildPacket, buildFragments, type PacketSpec } from '../../src/packet/index.js';
import { Translator, Verdict, TO_IPV4, TO_IPV6, HEADROOM, SCRATCH_LEN, DROP_REASONS } from '../../src/translate/index.js';
import { PacketOffload } from '../../src/translate/offload.js';
import { Translate4to6, REASONS_46 } from '../../src/translate/4to6.js';

const A = (s: string): Uint8Array => parseIPv6(s);

const BASE = {
  translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' },
  tenants: [
    { name: 'blue', prefix: '2001:db8:b::/96', ipv4: ['10.0.0.0/8'], plat: '2001:db8:64::/96', eam: [{ ipv4: '192.0.2.0/24', ipv6: '2001:db8:e::/120' }] },
    { name: 'red', prefix: '2001:db8:ed::/96', ipv4: ['10.0.0.0/8'], plat: '2001:db8:64::/96' },
    { name: 'green', ipv4: ['172.16.0.0/12'], plat: '2001:db8:64::/96', eam: [{ ipv4: '172.16.0.1/32', ipv6: '2001:db8:f::1/128' }] },
  ],
};
const BLUE = 0;
const RED = 1;
const GREEN = 2;

const wasm = WasmChecksum.load({ memoryBytes: 4 << 20 });
const wasmScratch = wasm.arena(SCRATCH_LEN);
const wasmPkt = wasm.arena(HEADROOM + 70000);
const CHECKSUMS: [string, Checksum][] = [
  ['reference', referenceChecksum],
  ['wasm', wasm],
];

function translator(over: Record<string, unknown> = {}, cs: Checksum = referenceChecksum): Translator {
  const { table, translator: opts } = checkConfig({ ...BASE, translator: { ...BASE.translator, ...over } });
  return cs === wasm ? new Translator(table, opts, cs, wasmScratch) : new Translator(table, opts, cs);
}

interface Run {
  v: Verdict;
  out: Uint8Array[];
  buf: Uint8Array;
}
function run(pkt: Uint8Array, opts: { tenant?: number; over?: Record<string, unknown>; cs?: Checksum } = {}): Run {
  const cs = opts.cs ?? referenceChecksum;
  const tr = translator(opts.over, cs);
  const buf = cs === wasm ? wasmPkt : new Uint8Array(HEADROOM + pkt.length + 16);
  buf.fill(0xa5);
  buf.set(pkt, HEADROOM);
  const v = new Verdict();
  tr.from4(opts.tenant ?? BLUE, buf, HEADROOM, pkt.length, v);
  const out: Uint8Array[] = [];
  for (let i = 0; i < v.count; i++) out.push(v.packet(i).slice());
  return { v, out, buf };
}

const HOST = v4('10.0.0.1');
const FAR = v4('203.0.113.5');
const HOST6 = A('2001:db8:b::a00:1');
const FAR6 = A('2001:db8:64::cb00:7105');
const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

function udp4(extra: Partial<PacketSpec['ip']> = {}, payload = bytes(37), checksum?: number): Uint8Array {
  return buildPacket({ ip: { version: 4, src: HOST, dst: FAR, ttl: 64, tos: 0xb8, ...extra } as PacketSpec['ip'], l4: { proto: 'udp', srcPort: 1234, dstPort: 53, ...(checksum !== undefined ? { checksum } : {}) }, payload });
}
function udp6(extra: Record<string, unknown> = {}, payload = bytes(37)): Uint8Array {
  return buildPacket({ ip: { version: 6, src: HOST6, dst: FAR6, hopLimit: 63, trafficClass: 0xb8, ...extra } as PacketSpec['ip'], l4: { proto: 'udp', srcPort: 1234, dstPort: 53 }, payload });
}

function assertDrop(r: Run, reason: string, emitted = 0): void {
  assert.equal(r.v.drop, reason);
  assert.equal(r.v.count, emitted);
}

// ---- §4.1 header, §4.5 TCP/UDP ----------------------------------------------------------------

for (const [name, cs] of CHECKSUMS) {
  test(`[${name}] translates UDP in place: header fields, addresses by tenant prefix and PLAT, checksum updated incrementally`, () => {
    const r = run(udp4(), { cs });
    assert.equal(r.v.drop, null);
    assert.equal(r.v.count, 1);
    assert.equal(r.v.to[0], TO_IPV6);
    assert.equal(r.v.tenant[0], BLUE);
    assert.equal(r.v.bufs[0], r.buf, 'written in place');
    assert.equal(r.v.offs[0], HEADROOM + 20 - 40);
    assert.deepEqual(r.out[0], udp6());
  });

  test(`[${name}] translates TCP with options and data; checksum equals a full recompute over the IPv6 pseudo-header`, () => {
    const tcp = { proto: 'tcp' as const, srcPort: 40000, dstPort: 443, seq: 0x01020304, ack: 0x0a0b0c0d, flags: 0x18, window: 501, options: Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2) };
    const p4 = buildPacket({ ip: { version: 4, src: HOST, dst: FAR, ttl: 30, tos: 0x02 }, l4: tcp, payload: bytes(501) });
    const p6 = buildPacket({ ip: { version: 6, src: HOST6, dst: FAR6, hopLimit: 29, trafficClass: 0x02 }, l4: tcp, payload: bytes(501) });
    assert.deepEqual(run(p4, { cs }).out, [p6]);
  });

  test(`[${name}] translates ICMP echo request 8 -> 128 and reply 0 -> 129 with the ICMPv6 checksum over the pseudo-header`, () => {
    for (const [t4, t6] of [[8, 128], [0, 129]] as const) {
      const p4 = buildPacket({ ip: { version: 4, src: HOST, dst: FAR, ttl: 64 }, l4: { proto: 'icmpv4', type: t4, code: 0, rest: 0x12340007 }, payload: bytes(56) });
      const p6 = buildPacket({ ip: { version: 6, src: HOST6, dst: FAR6, hopLimit: 63 }, l4: { proto: 'icmpv6', type: t6, code: 0, rest: 0x12340007 }, payload: bytes(56) });
      assert.deepEqual(run(p4, { cs }).out, [p6]);
    }
  });
}

test('writes Traffic Class zero when copyTrafficClass is off (trafficClass: zero)', () => {
  assert.deepEqual(run(udp4(), { over: { trafficClass: 'zero' } }).out, [udp6({ trafficClass: 0 })]);
});

test('ignores IPv4 options (no source route) and writes the IPv6 header over them', () => {
  const p4 = udp4({ options: Uint8Array.of(1, 1, 1, 1, 7, 7, 4, 0, 0, 0, 0) });
  const r = run(p4);
  assert.deepEqual(r.out, [udp6()]);
  assert.equal(r.v.offs[0], HEADROOM + 32 - 40);
});

test('passes an unknown protocol with its number and payload unchanged', () => {
  const p4 = buildPacket({ ip: { version: 4, src: HOST, dst: FAR, protocol: 253 }, payload: bytes(20) });
  const p6 = buildPacket({ ip: { version: 6, src: HOST6, dst: FAR6, nextHeader: 253, hopLimit: 63 }, payload: bytes(20) });
  assert.deepEqual(run(p4).out, [p6]);
});

test('drops a malformed header and a bad header checksum with named reasons', () => {
  const p = udp4();
  assertDrop(run(p.subarray(0, 30)), '46.truncated');
  const bv = p.slice();
  bv[0] = 0x55;
  assertDrop(run(bv), '46.bad-version');
  const bc = udp4({ checksum: 0x1234 });
  assertDrop(run(bc), '46.bad-header-checksum');
});

// ---- isolation, addresses -----------------------------------------------------------------------

test('drops a packet whose source is outside the tenant ipv4 ranges (isolation)', () => {
  assertDrop(run(udp4({ src: v4('11.0.0.1') })), '46.source-not-owned');
  assertDrop(run(udp4(), { tenant: GREEN }), '46.source-not-owned');
});

test('the same IPv4 source from another tenant gets that tenant prefix (no leak across tenants)', () => {
  const r = run(udp4(), { tenant: RED });
  assert.deepEqual(r.out, [udp6({ src: A('2001:db8:ed::a00:1') })]);
  assert.equal(r.v.tenant[0], RED);
});

test('drops non-unicast destinations and sources', () => {
  for (const d of ['224.0.0.1', '255.255.255.255', '127.0.0.1', '0.0.0.0', '240.0.0.1']) assertDrop(run(udp4({ dst: v4(d) })), '46.bad-destination');
  assertDrop(run(udp4({ src: v4('224.1.1.1') })), '46.bad-source');
});

test('drops when the source has no IPv6 form (tenant without prefix)', () => {
  assertDrop(run(udp4({ src: v4('172.16.0.9') }), { tenant: GREEN }), '46.no-mapping-src');
});

test('uses the tenant EAM for an EAM source (RFC 7757)', () => {
  const r = run(udp4({ src: v4('172.16.0.1') }), { tenant: GREEN });
  assert.deepEqual(r.out, [udp6({ src: A('2001:db8:f::1') })]);
});

// ---- TTL, source route, generated errors ----------------------------------------------------------

function icmp4Error(type: number, code: number, inner: Uint8Array, rest = 0): Uint8Array {
  return buildPacket({ ip: { version: 4, src: v4('192.0.0.1'), dst: HOST, ttl: 64 }, l4: { proto: 'icmpv4', type, code, rest, inner, innerLen: 548 } });
}

for (const [name, cs] of CHECKSUMS) {
  test(`[${name}] drops a packet whose TTL expires and answers Time Exceeded 11/0 from translator.ipv4 to the same tenant`, () => {
    for (const ttl of [1, 0]) {
      const p4 = udp4({ ttl }, bytes(900));
      const r = run(p4, { cs });
      assertDrop(r, '46.ttl-expired', 1);
      assert.equal(r.v.to[0], TO_IPV4);
      assert.equal(r.v.tenant[0], BLUE);
      assert.equal(r.v.generatedError, true);
      assert.equal(r.out[0]!.length, 576, 'RFC 1812: at most 576 octets');
      assert.deepEqual(r.out[0], icmp4Error(11, 0, p4));
    }
  });
}

test('answers no error to an expiring ICMP error, non-first fragment, or the TTL of an unfragmented error', () => {
  const err = buildPacket({ ip: { version: 4, src: HOST, dst: FAR, ttl: 1 }, l4: { proto: 'icmpv4', type: 3, code: 1, inner: udp4({ src: FAR, dst: HOST }) } });
  assertDrop(run(err), '46.ttl-expired');
  const frags = buildFragments({ ip: { version: 4, src: HOST, dst: FAR, ttl: 1, id: 9 }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: bytes(200) }, 96);
  assertDrop(run(frags[1]!), '46.ttl-expired');
  assertDrop(run(frags[0]!), '46.ttl-expired', 1);
});

test('drops a packet with an unexpired source route and answers 3/5', () => {
  const lsrr = Uint8Array.of(131, 7, 4, 10, 0, 0, 2);
  const p4 = udp4({ options: lsrr });
  const r = run(p4);
  assertDrop(r, '46.source-route', 1);
  assert.deepEqual(r.out[0], icmp4Error(3, 5, p4));
  // Expired (pointer past the length): ignored like any option.
  const expired = udp4({ options: Uint8Array.of(131, 7, 8, 10, 0, 0, 2) });
  assert.deepEqual(run(expired).out, [udp6()]);
});

// ---- §4.5 UDP zero checksum ---------------------------------------------------------------------

test('drops unfragmented UDP with checksum zero by default', () => {
  assertDrop(run(udp4({}, bytes(37), 0)), '46.udp-zero-checksum');
});

for (const [name, cs] of CHECKSUMS) {
  test(`[${name}] computes the UDP checksum of an unfragmented zero-checksum datagram with amendUdpZeroChecksum`, () => {
    assert.deepEqual(run(udp4({}, bytes(37), 0), { over: { amendUdpZeroChecksum: true }, cs }).out, [udp6()]);
  });
}

test('drops a first fragment with UDP checksum zero even with amendUdpZeroChecksum', () => {
  const f = buildFragments({ ip: { version: 4, src: HOST, dst: FAR, id: 5 }, l4: { proto: 'udp', srcPort: 1, dstPort: 2, checksum: 0 }, payload: bytes(200) }, 96);
  assertDrop(run(f[0]!, { over: { amendUdpZeroChecksum: true } }), '46.udp-zero-checksum-fragment');
});

// ---- fragments ----------------------------------------------------------------------------------

for (const [name, cs] of CHECKSUMS) {
  test(`[${name}] translates first, middle and last fragments with a Fragment header (id zero-extended), first-fragment checksum right`, () => {
    const l4 = { proto: 'udp' as const, srcPort: 7, dstPort: 9 };
    const f4 = buildFragments({ ip: { version: 4, src: HOST, dst: FAR, id: 0xbeef, ttl: 9 }, l4, payload: bytes(300) }, 104);
    const f6 = buildFragments({ ip: { version: 6, src: HOST6, dst: FAR6, hopLimit: 8 }, l4, payload: bytes(300) }, 104, 0xbeef);
    assert.equal(f4.length, 3);
    for (let i = 0; i < 3; i++) {
      const r = run(f4[i]!, { cs });
      assert.deepEqual(r.out, [f6[i]], `fragment ${i}`);
      assert.equal(r.v.offs[0], HEADROOM + 20 - 48, 'Fragment header in the headroom too');
    }
    const t4 = buildFragments({ ip: { version: 4, src: HOST, dst: FAR, id: 77 }, l4: { proto: 'tcp', srcPort: 7, dstPort: 9 }, payload: bytes(300) }, 104);
    const t6 = buildFragments({ ip: { version: 6, src: HOST6, dst: FAR6, hopLimit: 63 }, l4: { proto: 'tcp', srcPort: 7, dstPort: 9 }, payload: bytes(300) }, 104, 77);
    assert.deepEqual(run(t4[0]!, { cs }).out, [t6[0]]);
  });

  test(`[${name}] fragments a DF=0 datagram whose IPv6 form exceeds lowestIpv6Mtu into fragments of at most that size`, () => {
    const p4 = udp4({ id: 0x4242, df: false }, bytes(3000));
    const r = run(p4, { cs });
    const f6 = buildFragments({ ip: { version: 6, src: HOST6, dst: FAR6, hopLimit: 63, trafficClass: 0xb8 }, l4: { proto: 'udp', srcPort: 1234, dstPort: 53 }, payload: bytes(3000) }, 1232, 0x4242);
    assert.equal(r.v.drop, null);
    assert.deepEqual(r.out, f6);
    for (const f of r.out) assert.ok(f.length <= 1280);
  });
}

test('does not add a Fragment header to a DF=0 packet that fits (RFC 8021: no atomic fragments)', () => {
  assert.deepEqual(run(udp4({ df: false }, bytes(1200))).out, [udp6({}, bytes(1200))]);
});

test('fragments to the smaller of lowestIpv6Mtu and ipv6Mtu', () => {
  const r = run(udp4({ id: 1 }, bytes(1400)), { over: { lowestIpv6Mtu: 1400, ipv6Mtu: 1300 } });
  assert.equal(r.out.length, 2);
  assert.equal(r.out[0]!.length, 48 + 1248);
});

test('re-fragments a too-big IPv4 fragment keeping offsets relative to the original datagram', () => {
  const payload = bytes(1480, 3);
  const p4 = buildPacket({ ip: { version: 4, src: HOST, dst: FAR, id: 0x77, mf: true, fragOffset: 1480, protocol: 17 }, payload });
  const r = run(p4);
  const e0 = buildPacket({ ip: { version: 6, src: HOST6, dst: FAR6, hopLimit: 63, nextHeader: 17, ext: [{ type: 44, fragOffset: 1480, more: true, id: 0x77 }] }, payload: payload.subarray(0, 1232) });
  const e1 = buildPacket({ ip: { version: 6, src: HOST6, dst: FAR6, hopLimit: 63, nextHeader: 17, ext: [{ type: 44, fragOffset: 2712, more: true, id: 0x77 }] }, payload: payload.subarray(1232) });
  assert.deepEqual(r.out, [e0, e1]);
});

for (const [ipv6Mtu, mtu4] of [[1500, 1480], [1280, 1260], [9000, 8980]] as const) {
  test(`drops a DF=1 packet too big for ipv6Mtu ${ipv6Mtu} and answers 3/4 with MTU ${mtu4}`, () => {
    const p4 = udp4({ df: true }, bytes(ipv6Mtu - 40 - 8 + 1));
    const r = run(p4, { over: { ipv6Mtu } });
    assertDrop(r, '46.fragmentation-needed', 1);
    assert.deepEqual(r.out[0], icmp4Error(3, 4, p4, mtu4));
    assert.equal(run(udp4({ df: true }, bytes(ipv6Mtu - 48)), { over: { ipv6Mtu } }).v.drop, null, 'exactly the MTU passes');
  });
}

test('Fragmentation Needed for a DF=1 packet with options counts the options the sender sends', () => {
  const p4 = udp4({ df: true, options: Uint8Array.of(1, 1, 1, 1) }, bytes(1500));
  const r = run(p4);
  assert.deepEqual(r.out[0], icmp4Error(3, 4, p4, 1484));
});

// ---- §4.2 ICMP ----------------------------------------------------------------------------------

const ROUTER = v4('10.0.0.254');
const ROUTER6 = A('2001:db8:b::a00:fe');
/** The packet an IPv4 router complains about: it went IPv6 -> IPv4, FAR -> HOST. */
const inner4 = (payload = bytes(20)): Uint8Array => buildPacket({ ip: { version: 4, src: FAR, dst: HOST, ttl: 40, tos: 0x10 }, l4: { proto: 'udp', srcPort: 53, dstPort: 1234 }, payload });
const inner6 = (payload = bytes(20)): Uint8Array => buildPacket({ ip: { version: 6, src: FAR6, dst: HOST6, hopLimit: 40, trafficClass: 0x10 }, l4: { proto: 'udp', srcPort: 53, dstPort: 1234 }, payload });

function err4(type: number, code: number, rest = 0, inner: Uint8Array = inner4(), extra: Partial<PacketSpec> = {}, innerLen?: number): Uint8Array {
  return buildPacket({ ip: { version: 4, src: ROUTER, dst: FAR, ttl: 64 }, l4: { proto: 'icmpv4', type, code, rest, inner, ...(innerLen !== undefined ? { innerLen } : {}) }, ...extra });
}
function err6(type: number, code: number, rest = 0, inner: Uint8Array = inner6(), src = ROUTER6): Uint8Array {
  return buildPacket({ ip: { version: 6, src, dst: FAR6, hopLimit: 63 }, l4: { proto: 'icmpv6', type, code, rest, inner } });
}

/** RFC 7915 §4.2 Destination Unreachable, written out independently: [ICMPv6 type, code, rest] or null (drop). */
const DU_EXPECT: ([number, number, number] | null)[] = [
  [1, 0, 0], [1, 0, 0], [4, 1, 6], [1, 4, 0], [2, 0, 1420], [1, 0, 0], [1, 0, 0], [1, 0, 0],
  [1, 0, 0], [1, 1, 0], [1, 1, 0], [1, 0, 0], [1, 0, 0], [1, 1, 0], null, [1, 1, 0],
];

for (const [name, cs] of CHECKSUMS) {
  test(`[${name}] translates every Destination Unreachable code per RFC 7915 §4.2 (with the inner packet and its UDP checksum)`, () => {
    for (let code = 0; code < 16; code++) {
      const rest = code === 4 ? 1400 : 0;
      const r = run(err4(3, code, rest), { cs });
      const e = DU_EXPECT[code];
      if (e === null || e === undefined) {
        assertDrop(r, '46.icmp-untranslatable-code');
        continue;
      }
      assert.equal(r.v.drop, null, `code ${code}`);
      assert.deepEqual(r.out, [err6(e[0], e[1], e[2])], `code ${code}`);
    }
  });
}

test('drops Destination Unreachable codes above 15', () => {
  assertDrop(run(err4(3, 16)), '46.icmp-untranslatable-code');
});

test('translates Time Exceeded 11/0 and 11/1 to 3/0 and 3/1', () => {
  assert.deepEqual(run(err4(11, 0)).out, [err6(3, 0)]);
  assert.deepEqual(run(err4(11, 1)).out, [err6(3, 1)]);
});

/** RFC 7915 §4.2 Figure 3, written out independently. */
const POINTER_EXPECT: Record<number, number> = { 0: 0, 1: 1, 2: 4, 3: 4, 8: 7, 9: 6, 12: 8, 13: 8, 14: 8, 15: 8, 16: 24, 17: 24, 18: 24, 19: 24 };

test('translates Parameter Problem 12/0 and 12/2 with every pointer of Figure 3; n/a and unlisted pointers drop', () => {
  for (const code of [0, 2]) {
    for (let p = 0; p < 24; p++) {
      const r = run(err4(12, code, p << 24));
      const e = POINTER_EXPECT[p];
      if (e === undefined) assertDrop(r, '46.icmp-param-pointer');
      else assert.deepEqual(r.out, [err6(4, 0, e)], `code ${code} pointer ${p}`);
    }
  }
});

test('drops Parameter Problem 12/1 (missing option) and other codes', () => {
  assertDrop(run(err4(12, 1)), '46.icmp-untranslatable-code');
  assertDrop(run(err4(12, 3)), '46.icmp-untranslatable-code');
});

test('drops the ICMPv4 types the RFC says to drop, each with its reason', () => {
  const cases: [number, string][] = [
    [4, '46.icmp-obsolete-type'], [6, '46.icmp-obsolete-type'], [13, '46.icmp-obsolete-type'], [14, '46.icmp-obsolete-type'],
    [15, '46.icmp-obsolete-type'], [16, '46.icmp-obsolete-type'], [17, '46.icmp-obsolete-type'], [18, '46.icmp-obsolete-type'],
    [5, '46.icmp-single-hop-type'], [9, '46.icmp-single-hop-type'], [10, '46.icmp-single-hop-type'],
    [1, '46.icmp-untranslatable-type'], [7, '46.icmp-untranslatable-type'], [19, '46.icmp-untranslatable-type'], [200, '46.icmp-untranslatable-type'],
  ];
  for (const [t, reason] of cases) {
    const p = [4, 5].includes(t) ? err4(t, 0) : buildPacket({ ip: { version: 4, src: HOST, dst: FAR }, l4: { proto: 'icmpv4', type: t, code: 0 }, payload: bytes(12) });
    assertDrop(run(p), reason);
  }
});

test('drops a fragmented ICMPv4 message and one with a bad checksum', () => {
  const f = buildFragments({ ip: { version: 4, src: HOST, dst: FAR, id: 3 }, l4: { proto: 'icmpv4', type: 8, code: 0 }, payload: bytes(200) }, 96);
  assertDrop(run(f[0]!), '46.icmp-fragmented');
  const bad = buildPacket({ ip: { version: 4, src: HOST, dst: FAR }, l4: { proto: 'icmpv4', type: 8, code: 0, checksum: 0x1111 }, payload: bytes(8) });
  assertDrop(run(bad), '46.icmp-bad-checksum');
});

// PTB arithmetic: min(advertised+20, ipv6Mtu, ipv4Mtu+20); plateaus for MTU 0; never below 1280.
const PTB_CASES: [string, number, Record<string, unknown>, number, number][] = [
  ['advertised 1400 -> 1420', 1400, {}, 1500, 1420],
  ['advertised 1492, ipv6Mtu 1500 -> 1500', 1492, {}, 1500, 1500],
  ['advertised 1480, ipv4Mtu 1300 -> 1320', 1480, { ipv4Mtu: 1300 }, 1500, 1320],
  ['advertised 600 -> 1280 (IPv6 minimum)', 600, {}, 1500, 1280],
  ['MTU 0, inner Total Length 1500 -> plateau 1492 -> 1500', 0, {}, 1500, 1500],
  ['MTU 0, inner Total Length 1500, ipv6Mtu 9000 -> plateau 1492 -> 1512', 0, { ipv6Mtu: 9000 }, 1500, 1512],
  ['MTU 0, inner Total Length 4000 with plateaus [8000, 3000, 1300] -> 3020', 0, { ipv6Mtu: 9000, ipv4Mtu: 9000, mtuPlateaus: [8000, 3000, 1300] }, 4000, 3020],
  ['MTU 0, inner Total Length 1400 -> plateau 1006 -> 1280', 0, {}, 1400, 1280],
];
for (const [label, adv, over, innerTotal, expect] of PTB_CASES) {
  test(`Packet Too Big MTU: ${label}`, () => {
    const whole = inner4(bytes(innerTotal - 28));
    const r = run(err4(3, 4, adv, whole, {}, 548), { over });
    assert.equal(r.v.drop, null);
    const exp = buildPacket({ ip: { version: 6, src: ROUTER6, dst: FAR6, hopLimit: 63 }, l4: { proto: 'icmpv6', type: 2, code: 0, rest: expect, inner: inner6(bytes(innerTotal - 28)), innerLen: 568 } });
    assert.deepEqual(r.out, [exp]);
  });
}

test('truncates the translated error to the IPv6 minimum MTU 1280', () => {
  const big = inner4(bytes(1372));
  const r = run(err4(3, 3, 0, big));
  assert.equal(r.out[0]!.length, 1280);
  const exp = buildPacket({ ip: { version: 6, src: ROUTER6, dst: FAR6, hopLimit: 63 }, l4: { proto: 'icmpv6', type: 1, code: 4, inner: inner6(bytes(1372)), innerLen: 1232 } });
  assert.deepEqual(r.out, [exp]);
});

test('translates an inner ICMP echo to ICMPv6 echo with its checksum over the inner pseudo-header', () => {
  const i4 = buildPacket({ ip: { version: 4, src: FAR, dst: HOST, ttl: 7 }, l4: { proto: 'icmpv4', type: 8, code: 0, rest: 0x00010002 }, payload: bytes(32) });
  const i6 = buildPacket({ ip: { version: 6, src: FAR6, dst: HOST6, hopLimit: 7 }, l4: { proto: 'icmpv6', type: 128, code: 0, rest: 0x00010002 }, payload: bytes(32) });
  assert.deepEqual(run(err4(3, 1, 0, i4)).out, [err6(1, 0, 0, i6)]);
});

test('updates the checksum of a truncated inner TCP header when the field is present, leaves 8-octet quotes alone', () => {
  const tcp = { proto: 'tcp' as const, srcPort: 443, dstPort: 40000, seq: 5 };
  const i4 = buildPacket({ ip: { version: 4, src: FAR, dst: HOST, ttl: 7 }, l4: tcp, payload: bytes(400) });
  const i6 = buildPacket({ ip: { version: 6, src: FAR6, dst: HOST6, hopLimit: 7 }, l4: tcp, payload: bytes(400) });
  assert.deepEqual(run(err4(3, 1, 0, i4, {}, 40)).out, [err6(1, 0, 0, i6.subarray(0, 60))]);
  // RFC 792 quote (header + 8 octets): no checksum field, copied as is.
  assert.deepEqual(run(err4(3, 1, 0, i4, {}, 28)).out, [err6(1, 0, 0, i6.subarray(0, 48))]);
});

test('translates an error quoting a fragment: the inner Fragment header is rebuilt', () => {
  const l4 = { proto: 'udp' as const, srcPort: 53, dstPort: 1234 };
  const f4 = buildFragments({ ip: { version: 4, src: FAR, dst: HOST, id: 0x99, ttl: 5 }, l4, payload: bytes(300) }, 104);
  const f6 = buildFragments({ ip: { version: 6, src: FAR6, dst: HOST6, hopLimit: 5 }, l4, payload: bytes(300) }, 104, 0x99);
  assert.deepEqual(run(err4(11, 0, 0, f4[0]!)).out, [err6(3, 0, 0, f6[0])]);
  assert.deepEqual(run(err4(11, 0, 0, f4[1]!)).out, [err6(3, 0, 0, f6[1])]);
});

test('never translates an error about an error, nor an unmappable inner packet', () => {
  const inner = buildPacket({ ip: { version: 4, src: FAR, dst: HOST }, l4: { proto: 'icmpv4', type: 3, code: 3, inner: inner4() } });
  assertDrop(run(err4(3, 1, 0, inner)), '46.icmp-error-about-error');
  const ts = buildPacket({ ip: { version: 4, src: FAR, dst: HOST }, l4: { proto: 'icmpv4', type: 13, code: 0 }, payload: bytes(12) });
  assertDrop(run(err4(3, 1, 0, ts)), '46.icmp-inner-untranslatable');
  assertDrop(run(err4(3, 1, 0, inner4().subarray(0, 12))), '46.icmp-inner-malformed');
});

test('RFC 6791: an ICMP error from a router without an IPv6 form gets its source from the rfc6791v6 pool', () => {
  const router = v4('172.16.0.254');
  const i4 = buildPacket({ ip: { version: 4, src: FAR, dst: v4('172.16.0.1'), ttl: 40 }, l4: { proto: 'udp', srcPort: 53, dstPort: 1234 }, payload: bytes(20) });
  const i6 = buildPacket({ ip: { version: 6, src: FAR6, dst: A('2001:db8:f::1'), hopLimit: 40 }, l4: { proto: 'udp', srcPort: 53, dstPort: 1234 }, payload: bytes(20) });
  const p4 = buildPacket({ ip: { version: 4, src: router, dst: FAR, ttl: 64 }, l4: { proto: 'icmpv4', type: 3, code: 1, inner: i4 } });
  assert.deepEqual(run(p4, { tenant: GREEN }).out, [err6(1, 0, 0, i6, A('fd00:ffff::1'))]);
  assert.deepEqual(run(p4, { tenant: GREEN, over: { rfc6791v6: 'fd00:6791::/96' } }).out, [err6(1, 0, 0, i6, A('fd00:6791::ac10:fe'))]);
});

// ---- RFC 4884 -----------------------------------------------------------------------------------

const EXT = Uint8Array.of(0x20, 0, 0, 0, 0, 8, 1, 1, 0xde, 0xad, 0xbe, 0xef); // version 2 header + one object
const pad = (b: Uint8Array, n: number): Uint8Array => {
  const o = new Uint8Array(n);
  o.set(b);
  return o;
};

test('RFC 4884: keeps the extension, recomputes Length in 64-bit words and pads the original datagram', () => {
  const i4 = inner4(bytes(100)); // 128 octets
  const p4 = buildPacket({ ip: { version: 4, src: ROUTER, dst: FAR, ttl: 64 }, l4: { proto: 'icmpv4', type: 11, code: 0, inner: i4, origDatagramLen: 128 }, payload: EXT });
  const i6 = inner6(bytes(100)); // 148 octets -> 152
  const exp = buildPacket({ ip: { version: 6, src: ROUTER6, dst: FAR6, hopLimit: 63 }, l4: { proto: 'icmpv6', type: 3, code: 0, inner: pad(i6, 152), origDatagramLen: 152 }, payload: EXT });
  assert.deepEqual(run(p4).out, [exp]);
});

test('RFC 4884: an original datagram shorter than 128 octets is padded to 128', () => {
  const i4 = inner4(bytes(20)); // 48 octets, padded to 128 by the sender
  const p4 = buildPacket({ ip: { version: 4, src: ROUTER, dst: FAR, ttl: 64 }, l4: { proto: 'icmpv4', type: 3, code: 1, inner: pad(i4, 128), origDatagramLen: 128 }, payload: EXT });
  const exp = buildPacket({ ip: { version: 6, src: ROUTER6, dst: FAR6, hopLimit: 63 }, l4: { proto: 'icmpv6', type: 1, code: 0, inner: pad(inner6(bytes(20)), 128), origDatagramLen: 128 }, payload: EXT });
  assert.deepEqual(run(p4).out, [exp]);
});

test('RFC 4884: drops an error whose extension does not fit 1280; drops the extension for Parameter Problem', () => {
  const i4 = inner4(bytes(1172)); // 1200 octets
  const p4 = buildPacket({ ip: { version: 4, src: ROUTER, dst: FAR, ttl: 64 }, l4: { proto: 'icmpv4', type: 3, code: 1, inner: i4, origDatagramLen: 1200 }, payload: bytes(64) });
  assertDrop(run(p4), '46.icmp-extension-too-big');
  const pp = buildPacket({ ip: { version: 4, src: ROUTER, dst: FAR, ttl: 64 }, l4: { proto: 'icmpv4', type: 12, code: 0, rest: 9 << 24, inner: inner4(bytes(100)), origDatagramLen: 128 }, payload: EXT });
  assert.deepEqual(run(pp).out, [err6(4, 0, 6, inner6(bytes(100)))]);
});

// ---- RFC 7757 §4.2 hairpinning -----------------------------------------------------------------------

test('RFC 7757 simple hairpin: EAM source to EAM destination; the source goes through the tenant RFC 6052 prefix', () => {
  const p4 = udp4({ src: v4('192.0.2.7'), dst: v4('192.0.2.9') });
  const r = run(p4, { over: { eamHairpin: 'simple' } });
  assert.deepEqual(r.out, [udp6({ src: A('2001:db8:b::c000:207'), dst: A('2001:db8:e::9') })]);
  assertDrop(run(p4, { over: { eamHairpin: 'off' } }), '46.source-not-owned');
  assertDrop(run(p4, { over: { eamHairpin: 'intrinsic' } }), '46.source-not-owned');
  assertDrop(run(udp4({ src: v4('192.0.2.7') }), { over: { eamHairpin: 'simple' } }), '46.source-not-owned');
});

test('RFC 7757 intrinsic hairpin: translateHairpin re-translates with the source through RFC 6052', () => {
  const { table, translator: options } = checkConfig(BASE);
  const t = new Translate4to6({ table, options, checksum: referenceChecksum, scratch: new Uint8Array(SCRATCH_LEN), offload: new PacketOffload() });
  const p4 = udp4({ src: v4('192.0.2.7'), dst: v4('192.0.2.9') });
  const buf = new Uint8Array(HEADROOM + p4.length);
  buf.set(p4, HEADROOM);
  const v = new Verdict();
  t.translateHairpin(BLUE, buf, HEADROOM, p4.length, v);
  assert.deepEqual(v.packet(0), udp6({ src: A('2001:db8:b::c000:207'), dst: A('2001:db8:e::9') }));
});

// ---- robustness ---------------------------------------------------------------------------------------

test('every drop reason given is in REASONS_46, and nothing throws on random or mutated bytes', () => {
  const tr = translator({ amendUdpZeroChecksum: true });
  const v = new Verdict();
  const known = new Set<string>(REASONS_46);
  const seeds = [udp4(), err4(3, 4, 1400), err4(12, 0, 2 << 24), udp4({ options: Uint8Array.of(131, 7, 4, 10, 0, 0, 2) })];
  let x = 12345;
  const rnd = (): number => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  const buf = new Uint8Array(HEADROOM + 2048);
  for (let i = 0; i < 5000; i++) {
    const s = seeds[i % seeds.length]!;
    buf.set(s, HEADROOM);
    const flips = 1 + (rnd() & 3);
    for (let k = 0; k < flips; k++) buf[HEADROOM + (rnd() * 7) % s.length] = rnd();
    if (i % 5 === 0) buf[HEADROOM + 10] = buf[HEADROOM + 11] = 0; // sometimes leave the header checksum wrong, sometimes fix it below
    else {
      buf[HEADROOM + 10] = buf[HEADROOM + 11] = 0;
      let sum = 0;
      const hl = (buf[HEADROOM]! & 15) * 4;
      for (let j = 0; j < hl; j += 2) sum += (buf[HEADROOM + j]! << 8) | buf[HEADROOM + j + 1]!;
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      buf[HEADROOM + 10] = (~sum >>> 8) & 0xff;
      buf[HEADROOM + 11] = ~sum & 0xff;
    }
    tr.from4(i % 3, buf, HEADROOM, s.length - (rnd() & 1), v);
    assert.notEqual(v.drop, '46.internal-error');
    if (v.drop !== null) assert.ok(known.has(v.drop), v.drop);
  }
  for (const r of REASONS_46) assert.ok(DROP_REASONS.includes(r));
});

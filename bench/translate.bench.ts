// Translation microbenchmark: ns per packet for IPv4 -> IPv6 and back, for TCP 1500 octets,
// UDP 64 octets and an ICMP error quoting a packet, with 1 tenant and with 100 000 tenants.
//
// Packets live in the WASM checksum module's arena, as in the daemon. Translation is in place,
// so every iteration first copies a fresh packet in (as a TUN read would): the "copy only" row is
// that cost alone, and "net" subtracts it.
//
//   npm run build && node dist/bench/translate.bench.js

import Benchmark from 'benchmark';
import { pathToFileURL } from 'node:url';
import { TenantTable } from '../src/address/index.js';
import { WasmChecksum } from '../src/checksum/index.js';
import { checkConfig } from '../src/config/index.js';
import { buildPacket, type PacketSpec } from '../src/packet/index.js';
import { HEADROOM, SCRATCH_LEN, Translator, Verdict } from '../src/translate/index.js';

export interface TranslateBenchRow {
  name: string;
  /** Mean time per packet including the copy in, nanoseconds. */
  nsPerPacket: number;
  /** The same less the copy-only baseline of the same size. */
  netNs: number;
  rme: number;
  /** What the translator did with the packet, to show the bench measured real work. */
  outcome: string;
}

const TENANTS = 100_000;
const VARIANTS = 1024;
// A fabric with room for a full 1500-octet tenant packet plus the 20 octets IPv6 adds, as the
// daemon's reference layout has; TCP sets DF like every real stack, so nothing is fragmented here.
const translatorSection = { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1', ipv6Mtu: 1520 };

function tenantsConfig(n: number) {
  const tenants: object[] = [];
  for (let i = 0; i < n; i++) tenants.push({ name: `t${i}`, id: i + 1, ipv4: ['10.0.0.0/8'] });
  return { translator: translatorSection, plan: { domain: 'fd00:64::/32', tenantBits: 32 }, tenants };
}

function v6(table: TenantTable, t: number, v4: number): Uint8Array {
  const a = new Uint8Array(16);
  if (table.encode4(t, v4, a, 0) < 0) throw new Error('no mapping');
  return a;
}

type Kind = 'tcp1500' | 'udp64' | 'icmp-error';

/** One packet of `kind` from host h of tenant t, as IPv4 (tenant side) or IPv6 (fabric side). */
function spec(kind: Kind, family: 4 | 6, table: TenantTable, t: number, h: number): PacketSpec {
  const a = (0x0a000000 | ((h * 2 + 1) & 0xffffff)) >>> 0;
  const b = (0x0a000000 | ((h * 2 + 2) & 0xffffff)) >>> 0;
  const ip = family === 4 ? { version: 4 as const, ttl: 64, df: kind !== 'udp64', src: a, dst: b } : { version: 6 as const, hopLimit: 64, src: v6(table, t, a), dst: v6(table, t, b) };
  const hdr = family === 4 ? 20 : 40;
  if (kind === 'tcp1500') return { ip, l4: { proto: 'tcp', srcPort: 40000 + (h & 0xfff), dstPort: 80, flags: 0x10, seq: h }, payload: new Uint8Array(1500 - hdr - 20).fill(0x61) };
  if (kind === 'udp64') return { ip, l4: { proto: 'udp', srcPort: 40000 + (h & 0xfff), dstPort: 53 }, payload: new Uint8Array(64 - hdr - 8).fill(0x62) };
  // A port unreachable about a UDP packet that went the other way.
  const inner: PacketSpec = family === 4
    ? { ip: { version: 4, ttl: 63, src: b, dst: a }, l4: { proto: 'udp', srcPort: 53, dstPort: 40000 }, payload: new Uint8Array(32) }
    : { ip: { version: 6, hopLimit: 63, src: v6(table, t, b), dst: v6(table, t, a) }, l4: { proto: 'udp', srcPort: 53, dstPort: 40000 }, payload: new Uint8Array(32) };
  return family === 4
    ? { ip, l4: { proto: 'icmpv4', type: 3, code: 3, inner } }
    : { ip, l4: { proto: 'icmpv6', type: 1, code: 4, inner } };
}

let sink = 0;

export function main(): TranslateBenchRow[] {
  console.log(`translate, node ${process.version}, ${process.arch}; packets in the WASM arena, SIMD checksums`);
  const rows: TranslateBenchRow[] = [];
  const wasm = WasmChecksum.load({ memoryBytes: 4 << 20 });
  const slot = wasm.arena(HEADROOM + 65536);
  const scratch = wasm.arena(SCRATCH_LEN);
  const v = new Verdict();

  for (const n of [1, TENANTS]) {
    const { table, translator: options } = checkConfig(tenantsConfig(n));
    const tr = new Translator(table, options, wasm, scratch);
    for (const kind of ['tcp1500', 'udp64', 'icmp-error'] as const) {
      for (const family of [4, 6] as const) {
        const pkts: Uint8Array[] = [];
        const tenantOf: number[] = [];
        for (let k = 0; k < VARIANTS; k++) {
          const t = (k * 2654435761) % n >>> 0;
          pkts.push(buildPacket(spec(kind, family, table, t, k)));
          tenantOf.push(t);
        }
        const first = pkts[0]!;
        slot.set(first, HEADROOM);
        if (family === 4) tr.from4(tenantOf[0]!, slot, HEADROOM, first.length, v);
        else tr.from6(slot, HEADROOM, first.length, v);
        const outcome = v.drop ?? `emit ${v.count}`;
        let i = 0;
        const suite = new Benchmark.Suite();
        const label = `${family === 4 ? '4->6' : '6->4'} ${kind.padEnd(10)} ${n.toLocaleString('en-US').padStart(7)} tenants`;
        suite.add('copy', () => {
          const p = pkts[i]!;
          slot.set(p, HEADROOM);
          sink ^= slot[HEADROOM + 9]!;
          i = (i + 1) & (VARIANTS - 1);
        }, { maxTime: 1 });
        suite.add(label, family === 4
          ? () => {
              const p = pkts[i]!;
              slot.set(p, HEADROOM);
              tr.from4(tenantOf[i]!, slot, HEADROOM, p.length, v);
              sink ^= v.count;
              i = (i + 1) & (VARIANTS - 1);
            }
          : () => {
              const p = pkts[i]!;
              slot.set(p, HEADROOM);
              tr.from6(slot, HEADROOM, p.length, v);
              sink ^= v.count;
              i = (i + 1) & (VARIANTS - 1);
            }, { maxTime: 2 });
        suite.run({ async: false });
        const done: Benchmark[] = [];
        suite.forEach((x: Benchmark) => done.push(x));
        const [copy, b] = done as [Benchmark, Benchmark];
        const row = { name: label, nsPerPacket: b.stats.mean * 1e9, netNs: (b.stats.mean - copy.stats.mean) * 1e9, rme: b.stats.rme, outcome };
        rows.push(row);
        console.log(`  ${label}  ${row.nsPerPacket.toFixed(0).padStart(6)} ns/packet (net ${row.netNs.toFixed(0).padStart(5)} ns) ±${row.rme.toFixed(1)}%  [${outcome}]`);
      }
    }
  }
  for (const r of rows.filter((x) => x.name.includes(TENANTS.toLocaleString('en-US')))) {
    const one = rows.find((x) => x.name === r.name.replace(TENANTS.toLocaleString('en-US'), '1'.padStart(7)));
    if (one) console.log(`  ratio ${TENANTS.toLocaleString('en-US')} / 1 tenant: ${r.name.slice(0, 16)} ${(r.nsPerPacket / one.nsPerPacket).toFixed(2)}x`);
  }
  if (sink === 0x1_0000_0001) console.log('');
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

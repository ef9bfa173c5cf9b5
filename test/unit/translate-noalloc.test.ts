/**
 * The hot path allocates nothing: after warm-up, translating half a million packets of each kind
 * must not trigger a single garbage collection. A child process runs with --trace-gc, which prints
 * a line for every scavenge and mark-compact; any allocation per packet (even 8 octets) would
 * fill the young generation several times over and show up here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// Addresses from the top half of the IPv4 space too: a u32 of 2^30 or more is no small integer to
// V8 and is boxed on the heap wherever it crosses a call that is not inlined.
const script = (own: string, prefix: string) => `
const OWN = '${own}';
const PREFIX = '${prefix}';
import { checkConfig, buildPacket, Translator, Verdict, HEADROOM, WasmChecksum, SCRATCH_LEN, parseIPv4, parseIPv6 } from 'xlat464';
const { table, translator } = checkConfig({
  translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1', ipv6Mtu: 1520 },
  plan: { domain: 'fd00:64::/32', tenantBits: 32 },
  tenants: [{ name: 'blue', id: 1, ipv4: [OWN], plat: 'fd00:6464::/96' }],
});
const w = WasmChecksum.load({ memoryBytes: 4 << 20 });
// A per-tenant IPv4 MTU table, as the daemon's workers have: its lookup is on the path too.
const tr = new Translator(table, { ...translator, ipv4MtuByTenant: Int32Array.of(1500) }, w, w.arena(SCRATCH_LEN));
const slot = w.arena(HEADROOM + 8192);
const v4 = (s) => parseIPv4(s.replace('10.0.0.', PREFIX));
const v6 = (s) => parseIPv6(table.encode('blue', s.replace('10.0.0.', PREFIX)));
const pay = (n) => new Uint8Array(n).fill(0x61);
const cases = {
  '4to6 udp': [4, buildPacket({ ip: { version: 4, ttl: 64, src: v4('10.0.0.1'), dst: v4('10.0.0.2') }, l4: { proto: 'udp', srcPort: 1000, dstPort: 53 }, payload: pay(36) })],
  '4to6 tcp 1500 to the PLAT': [4, buildPacket({ ip: { version: 4, ttl: 64, df: true, src: v4('10.0.0.1'), dst: v4('203.0.113.5') }, l4: { proto: 'tcp', srcPort: 1000, dstPort: 80, flags: 0x10 }, payload: pay(1460) })],
  '4to6 icmp echo': [4, buildPacket({ ip: { version: 4, ttl: 64, src: v4('10.0.0.1'), dst: v4('10.0.0.2') }, l4: { proto: 'icmpv4', type: 8, code: 0, rest: 0x12340001 }, payload: pay(56) })],
  '4to6 icmp error': [4, buildPacket({ ip: { version: 4, ttl: 64, src: v4('10.0.0.1'), dst: v4('10.0.0.2') }, l4: { proto: 'icmpv4', type: 3, code: 3, inner: { ip: { version: 4, ttl: 63, src: v4('10.0.0.2'), dst: v4('10.0.0.1') }, l4: { proto: 'udp', srcPort: 53, dstPort: 1000 }, payload: pay(20) } } })],
  '4to6 ttl expired': [4, buildPacket({ ip: { version: 4, ttl: 1, src: v4('10.0.0.1'), dst: v4('10.0.0.2') }, l4: { proto: 'udp', srcPort: 1000, dstPort: 53 }, payload: pay(36) })],
  '6to4 udp': [6, buildPacket({ ip: { version: 6, hopLimit: 64, src: v6('10.0.0.1'), dst: v6('10.0.0.2') }, l4: { proto: 'udp', srcPort: 1000, dstPort: 53 }, payload: pay(16) })],
  '6to4 tcp 1500': [6, buildPacket({ ip: { version: 6, hopLimit: 64, src: v6('10.0.0.1'), dst: v6('10.0.0.2') }, l4: { proto: 'tcp', srcPort: 1000, dstPort: 80, flags: 0x10 }, payload: pay(1440) })],
  '6to4 icmpv6 echo': [6, buildPacket({ ip: { version: 6, hopLimit: 64, src: v6('10.0.0.1'), dst: v6('10.0.0.2') }, l4: { proto: 'icmpv6', type: 128, code: 0, rest: 0x12340001 }, payload: pay(56) })],
  '6to4 icmpv6 error': [6, buildPacket({ ip: { version: 6, hopLimit: 64, src: v6('10.0.0.1'), dst: v6('10.0.0.2') }, l4: { proto: 'icmpv6', type: 1, code: 4, inner: { ip: { version: 6, hopLimit: 63, src: v6('10.0.0.2'), dst: v6('10.0.0.1') }, l4: { proto: 'udp', srcPort: 53, dstPort: 1000 }, payload: pay(20) } } })],
  '6to4 hop limit expired': [6, buildPacket({ ip: { version: 6, hopLimit: 1, src: v6('10.0.0.1'), dst: v6('10.0.0.2') }, l4: { proto: 'udp', srcPort: 1000, dstPort: 53 }, payload: pay(16) })],
  // Offloads: a TSO super-packet with CHECKSUM_PARTIAL (virtio_net_hdr: NEEDS_CSUM, TCPV4/TCPV6, gso_size 1400).
  '4to6 tcp GSO super-packet': [4, buildPacket({ ip: { version: 4, ttl: 64, df: true, src: v4('10.0.0.1'), dst: v4('10.0.0.2') }, l4: { proto: 'tcp', srcPort: 1000, dstPort: 80, flags: 0x10 }, payload: pay(5600) }), [1, 1, 40, 0, 0x78, 5, 20, 0, 16, 0]],
  '6to4 tcp GSO super-packet': [6, buildPacket({ ip: { version: 6, hopLimit: 64, src: v6('10.0.0.1'), dst: v6('10.0.0.2') }, l4: { proto: 'tcp', srcPort: 1000, dstPort: 80, flags: 0x10 }, payload: pay(5600) }), [1, 4, 60, 0, 0x78, 5, 40, 0, 16, 0]],
};
const v = new Verdict();
for (const [name, [family, p, vnet]] of Object.entries(cases)) {
  const hdr = Uint8Array.from(vnet ?? new Array(10).fill(0));
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      slot.set(p, HEADROOM);
      tr.offload.load(hdr, 0);
      if (family === 4) tr.from4(0, slot, HEADROOM, p.length, v);
      else tr.from6(slot, HEADROOM, p.length, v);
    }
  };
  run(100000);
  globalThis.gc();
  console.log('BEGIN ' + JSON.stringify({ name, drop: v.drop, count: v.count, gso: v.offloadAt === 0 ? v.offload.gsoType : 0 }));
  run(500000);
  console.log('END');
}
`;

for (const [own, prefix] of [['10.0.0.0/8', '10.0.0.'], ['192.168.0.0/16', '192.168.0.']] as const) {
test(`translating packets of every kind allocates nothing once warm (no GC in 500 000 packets each, tenant ${own})`, () => {
  // A 1 MiB young generation: 500 000 packets allocating even 8 octets each would fill it four times.
  const out = execFileSync(process.execPath, ['--expose-gc', '--trace-gc', '--min-semi-space-size=1', '--max-semi-space-size=1', '--input-type=module', '-e', script(own, prefix)], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 });
  let current: { name: string; drop: string | null; count: number; gso: number } | null = null;
  const gcs = new Map<string, number>();
  for (const line of out.split('\n')) {
    if (line.startsWith('BEGIN ')) {
      current = JSON.parse(line.slice(6)) as { name: string; drop: string | null; count: number; gso: number };
      gcs.set(current.name, 0);
      // The super-packets went through whole, with their GSO type mapped.
      if (current.name.includes('GSO')) assert.equal(current.gso, current.name.startsWith('4to6') ? 4 : 1, current.name);
      // The packet really went through: translated, or answered with an error.
      assert.ok(current.count >= 1, `${current.name}: nothing emitted (${current.drop})`);
    } else if (line === 'END') {
      current = null;
    } else if (current && /Scavenge|Mark-Compact|Mark-sweep|Minor/.test(line)) {
      gcs.set(current.name, gcs.get(current.name)! + 1);
    }
  }
  assert.equal(gcs.size, 12);
  for (const [name, n] of gcs) assert.equal(n, 0, `${name}: ${n} garbage collections while translating`);
});
}

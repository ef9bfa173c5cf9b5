/**
 * The daemon's packet loop (src/service/dataplane.ts) driven in-process with in-memory devices:
 * direction by version and device role, emits grouped per destination device, MTUs from the
 * devices, counters in the shared block, and the metrics text made from them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/index.js';
import { parseIPv4 as v4, parseIPv6 } from '../../src/address/index.js';
import { WasmChecksum } from '../../src/checksum/index.js';
import { memoryDevicePair, type Device, type MemoryDevice } from '../../src/io/index.js';
import { buildPacket, buildFragments, Ipv4View, Ipv6View, Icmpv4View, Icmpv6View, type PacketSpec } from '../../src/packet/index.js';
import { C_PKTS46, C_PKTS64, C_BYTES46, C_DROPS, CounterBlock, CounterTotals, G_ICMP46, reasonIndex } from '../../src/service/counters.js';
import { Dataplane, plainMemory, wasmMemory, type PacketMemory } from '../../src/service/dataplane.js';
import { DaemonMetrics } from '../../src/service/metrics.js';

const CONFIG = {
  translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' },
  fabric: { tun: 'xf' },
  tenants: [
    { name: 'blue', prefix: '2001:db8:b::/96', ipv4: ['10.0.0.0/8'], plat: '2001:db8:64::/96', tun: 'xb' },
    { name: 'red', prefix: '2001:db8:ed::/96', ipv4: ['10.0.0.0/8'], plat: '2001:db8:64::/96', tun: 'xr' },
  ],
};
const BLUE = 0;
const RED = 1;

const HOST = v4('10.0.0.1');
const FAR = v4('203.0.113.5');
const FAR6 = parseIPv6('2001:db8:64::cb00:7105');
const BLUE_HOST6 = parseIPv6('2001:db8:b::a00:1');
const RED_HOST6 = parseIPv6('2001:db8:ed::a00:1');
const payload = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff);

function udp4(ttl = 64, n = 37): Uint8Array {
  return buildPacket({ ip: { version: 4, src: HOST, dst: FAR, ttl } as PacketSpec['ip'], l4: { proto: 'udp', srcPort: 1234, dstPort: 53 }, payload: payload(n) });
}
function udp6(dst: Uint8Array, n = 37): Uint8Array {
  return buildPacket({ ip: { version: 6, src: FAR6, dst, hopLimit: 63 } as PacketSpec['ip'], l4: { proto: 'udp', srcPort: 53, dstPort: 1234 }, payload: payload(n) });
}

interface Rig {
  dp: Map<string, Dataplane>;
  wire: Map<string, MemoryDevice>;
  blocks: Map<string, CounterBlock>;
  names: string[];
}

/** One Dataplane per device, each with its own table and counter block, as the daemon's workers have. */
function rig(config: typeof CONFIG | Record<string, unknown> = CONFIG, mtus: Record<string, number> = {}, memory?: () => PacketMemory): Rig {
  const loaded0 = checkConfig(config);
  const names = [...new Set([loaded0.config.fabric!.tun, ...loaded0.config.tenants.map((t) => t.tun!)])];
  const devices = new Map<string, Device>();
  const wire = new Map<string, MemoryDevice>();
  for (const n of names) {
    const [dev, w] = memoryDevicePair({ names: [n, `${n}-wire`], mtu: mtus[n] ?? 1500 });
    devices.set(n, dev);
    wire.set(n, w);
  }
  const dp = new Map<string, Dataplane>();
  const blocks = new Map<string, CounterBlock>();
  for (const n of names) {
    const loaded = checkConfig(config);
    const counters = CounterBlock.create(loaded.table.size);
    blocks.set(n, counters);
    dp.set(n, new Dataplane(devices.get(n)!, { loaded, devices, counters }, memory?.()));
  }
  return { dp, wire, blocks, names: [...loaded0.table.names] };
}

function totals(r: Rig): CounterTotals {
  const t = new CounterTotals();
  for (const b of r.blocks.values()) t.addBlock(b, r.names);
  return t;
}

const wasmBuffers = (): PacketMemory => {
  const cs = WasmChecksum.load({ memoryBytes: Dataplane.memoryFor(1500) + 65536 });
  return { checksum: cs, alloc: (len) => cs.arena(len) };
};
/** As the daemon's workers run: the WASM memory is the I/O arena (Device.readArena/writeArena). */
const wasmArena = (): PacketMemory => wasmMemory(WasmChecksum.load({ memoryBytes: Dataplane.memoryFor(1500) + 65536 }));

/** Counts the calls of each batch method of a device. */
function spy(dev: Device): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const m of ['readBatch', 'writeBatch', 'readArena', 'writeArena'] as const) {
    const f = dev[m] as ((...a: unknown[]) => number) | undefined;
    if (f === undefined) continue;
    calls[m] = 0;
    (dev as unknown as Record<string, unknown>)[m] = (...a: unknown[]): number => {
      calls[m]!++;
      return f.apply(dev, a);
    };
  }
  return calls;
}

test('with an arena memory the dataplane reads and writes through readArena/writeArena; with buffers of their own, through readBatch/writeBatch', () => {
  for (const [memory, arena] of [[wasmArena, true], [wasmBuffers, false], [(): PacketMemory => plainMemory, false]] as const) {
    const loaded = checkConfig(CONFIG);
    const devices = new Map<string, Device>();
    const wire = new Map<string, MemoryDevice>();
    for (const n of ['xf', 'xb', 'xr']) {
      const [dev, w] = memoryDevicePair({ names: [n, `${n}-wire`] });
      devices.set(n, dev);
      wire.set(n, w);
    }
    const xb = spy(devices.get('xb')!);
    const xf = spy(devices.get('xf')!);
    const dp = new Dataplane(devices.get('xb')!, { loaded, devices, counters: CounterBlock.create(loaded.table.size) }, memory());
    // Three translated in their read slots, then one (DF=0, over the 1280-octet IPv6 path) whose
    // fragments are built in the translator's scratch area: both kinds of emit in one write.
    const pkts = [udp4(64, 10), udp4(64, 500), udp4(64, 900)];
    const big = udp4(64, 1400);
    for (const p of [...pkts, big]) wire.get('xb')!.send(p);
    assert.equal(dp.runOnce(0), 4);
    assert.deepEqual([xb.readArena, xb.readBatch, xf.writeArena! + xf.writeBatch!], arena ? [1, 0, 1] : [0, 1, 1]);
    assert.equal(arena ? xf.writeBatch : xf.writeArena, 0);
    // The same packets either way: the arena offsets point where the buffers did.
    for (const p of pkts) {
      const out = wire.get('xf')!.receive()!;
      assert.equal(out.length, p.length + 20);
      assert.deepEqual(out.subarray(48), p.subarray(28), 'UDP payload');
    }
    const data: number[] = [];
    for (let f = wire.get('xf')!.receive(); f !== undefined; f = wire.get('xf')!.receive()) {
      assert.equal(f[6], 44, 'a fragment');
      data.push(...f.subarray(48));
    }
    assert.deepEqual(Uint8Array.from(data).subarray(8), big.subarray(28), 'the fragments carry the datagram');
  }
});

for (const [label, memory] of [['plain memory', undefined], ['WASM buffers', wasmBuffers], ['WASM arena I/O', wasmArena]] as const) {
  test(`translates IPv4 read on a tenant TUN and writes the IPv6 packet to the fabric TUN (${label})`, () => {
    const r = rig(CONFIG, {}, memory);
    const pkt = udp4();
    r.wire.get('xb')!.send(pkt);
    assert.equal(r.dp.get('xb')!.runOnce(0), 1);
    const out = r.wire.get('xf')!.receive();
    assert.ok(out, 'an IPv6 packet on the fabric');
    const ip6 = new Ipv6View().bind(out, 0, out.length);
    assert.equal(ip6.check(), null);
    assert.deepEqual(out.subarray(ip6.srcOff(), ip6.srcOff() + 16), BLUE_HOST6);
    assert.deepEqual(out.subarray(ip6.dstOff(), ip6.dstOff() + 16), FAR6);
    assert.equal(r.wire.get('xb')!.pending, 0);
    const row = totals(r).rows.get('blue')!;
    assert.equal(row[C_PKTS46], 1);
    assert.equal(row[C_BYTES46], pkt.length);
  });

  test(`delivers IPv6 from the fabric to the TUN of the destination tenant only (${label})`, () => {
    const r = rig(CONFIG, {}, memory);
    r.wire.get('xf')!.send(udp6(RED_HOST6));
    r.wire.get('xf')!.send(udp6(BLUE_HOST6));
    assert.equal(r.dp.get('xf')!.runOnce(0), 2);
    const red = r.wire.get('xr')!.receive()!;
    const blue = r.wire.get('xb')!.receive()!;
    assert.equal(r.wire.get('xr')!.pending + r.wire.get('xb')!.pending, 0);
    for (const p of [red, blue]) {
      const ip = new Ipv4View().bind(p, 0, p.length);
      assert.equal(ip.check(), null);
      assert.equal(ip.src(), FAR);
      assert.equal(ip.dst(), HOST);
    }
    const t = totals(r);
    assert.equal(t.rows.get('red')![C_PKTS64], 1);
    assert.equal(t.rows.get('blue')![C_PKTS64], 1);
  });
}

test('answers an IPv4 packet whose TTL expires with Time Exceeded on its own TUN, and counts the drop and the error', () => {
  const r = rig();
  r.wire.get('xb')!.send(udp4(1));
  r.dp.get('xb')!.runOnce(0);
  assert.equal(r.wire.get('xf')!.pending, 0);
  const err = r.wire.get('xb')!.receive()!;
  const ip = new Ipv4View().bind(err, 0, err.length);
  assert.equal(ip.dst(), HOST);
  const icmp = new Icmpv4View().bind(err, ip.headerLen(), err.length - ip.headerLen());
  assert.equal(icmp.type(), 11);
  const t = totals(r);
  assert.equal(t.rows.get('blue')![C_DROPS + reasonIndex('46.ttl-expired')], 1);
  assert.equal(t.global[G_ICMP46], 1);
});

test('uses the device MTUs: a 6->4 packet larger than its tenant TUN gets a Packet Too Big back to the fabric', () => {
  const r = rig(CONFIG, { xr: 1280, xf: 1500 });
  const fab = r.dp.get('xf')!;
  assert.deepEqual([...fab.options.ipv4MtuByTenant!], [1500, 1280], 'the fabric worker knows every tenant TUN’s MTU');
  assert.equal(fab.options.ipv4Mtu, 1280, 'fallback for a tenant without a device: the smallest tenant MTU');
  assert.equal(fab.options.ipv6Mtu, 1500);
  assert.equal(r.dp.get('xb')!.options.ipv4Mtu, 1500, 'a tenant worker uses its own TUN');
  r.wire.get('xf')!.send(udp6(RED_HOST6, 1400));
  fab.runOnce(0);
  assert.equal(r.wire.get('xr')!.pending, 0);
  const ptb = r.wire.get('xf')!.receive()!;
  const ip6 = new Ipv6View().bind(ptb, 0, ptb.length);
  assert.equal(ip6.check(), null);
  const icmp = new Icmpv6View().bind(ptb, ip6.upperOff(), ip6.upperLen());
  assert.equal(icmp.type(), 2, 'Packet Too Big');
  assert.equal(icmp.mtu(), 1300, 'IPv4 MTU 1280 + 20');
});

test('per-tenant IPv4 MTU on the fabric worker: a 1428-octet DF packet reaches blue (TUN MTU 9000) and red (1280) gets a Packet Too Big of 1300', () => {
  const r = rig(CONFIG, { xb: 9000, xr: 1280, xf: 9000 });
  const fab = r.dp.get('xf')!;
  r.wire.get('xf')!.send(udp6(BLUE_HOST6, 1400));
  r.wire.get('xf')!.send(udp6(RED_HOST6, 1400));
  r.wire.get('xf')!.send(udp6(BLUE_HOST6, 8000));
  assert.equal(fab.runOnce(0), 3);
  const blue = r.wire.get('xb')!;
  assert.equal(blue.pending, 2, 'both blue packets, the 8028-octet one too: blue is not held to red’s MTU');
  for (const want of [1428, 8028]) {
    const p = blue.receive()!;
    assert.equal(p.length, want);
    const ip = new Ipv4View().bind(p, 0, p.length);
    assert.equal(ip.check(), null);
    assert.equal(ip.df(), true);
  }
  assert.equal(r.wire.get('xr')!.pending, 0);
  const ptb = r.wire.get('xf')!.receive()!;
  assert.equal(r.wire.get('xf')!.pending, 0);
  const ip6 = new Ipv6View().bind(ptb, 0, ptb.length);
  const icmp = new Icmpv6View().bind(ptb, ip6.upperOff(), ip6.upperLen());
  assert.deepEqual([icmp.type(), icmp.mtu()], [2, 1300]);
  const t = totals(r);
  assert.equal(t.rows.get('blue')![C_PKTS64], 2);
  assert.equal(t.rows.get('red')![C_DROPS + reasonIndex('64.packet-too-big')], 1);
});

test('per-tenant IPv4 MTU on the fabric worker: an IPv6 fragment goes whole to blue (1500) and in IPv4 fragments of at most 576 to red', () => {
  const r = rig(CONFIG, { xr: 576 });
  const fab = r.dp.get('xf')!;
  for (const dst of [BLUE_HOST6, RED_HOST6]) {
    const spec: PacketSpec = { ip: { version: 6, src: FAR6, dst, hopLimit: 63 } as PacketSpec['ip'], l4: { proto: 'udp', srcPort: 53, dstPort: 1234 }, payload: payload(3000) };
    r.wire.get('xf')!.send(buildFragments(spec, 1232, 7)[0]!);
  }
  fab.runOnce(0);
  const lens = (w: MemoryDevice): number[] => {
    const out: number[] = [];
    for (let p = w.receive(); p; p = w.receive()) out.push(p.length);
    return out;
  };
  assert.deepEqual(lens(r.wire.get('xb')!), [1252]);
  assert.deepEqual(lens(r.wire.get('xr')!), [572, 572, 148]);
});

test('single-TUN SIIT: the tenant sharing the fabric TUN gets that TUN’s MTU', () => {
  const config = { ...CONFIG, fabric: { tun: 'xs' }, tenants: [{ ...CONFIG.tenants[0]!, tun: 'xs' }] };
  const r = rig(config, { xs: 1400 });
  assert.deepEqual([...r.dp.get('xs')!.options.ipv4MtuByTenant!], [1400]);
});

test('single-TUN SIIT: a tenant sharing the fabric TUN gets IPv4 read there, and IPv6 read there goes 6->4', () => {
  const config = { ...CONFIG, fabric: { tun: 'xs' }, tenants: [{ ...CONFIG.tenants[0]!, tun: 'xs' }] };
  const r = rig(config);
  assert.deepEqual([...r.dp.keys()], ['xs']);
  const dp = r.dp.get('xs')!;
  assert.deepEqual(dp.role, { tenant: BLUE, fabric: true });
  const w = r.wire.get('xs')!;
  w.send(udp4());
  w.send(udp6(BLUE_HOST6));
  assert.equal(dp.runOnce(0), 2);
  const a = w.receive()!;
  const b = w.receive()!;
  assert.equal(a[0]! >> 4, 6);
  assert.equal(b[0]! >> 4, 4);
});

test('drops IPv6 read on a tenant-only TUN and IPv4 read on a fabric-only TUN, with named reasons', () => {
  const r = rig();
  r.wire.get('xr')!.send(udp6(RED_HOST6));
  r.wire.get('xf')!.send(udp4());
  r.wire.get('xf')!.send(Uint8Array.of(0x10, 0, 0, 0));
  r.dp.get('xr')!.runOnce(0);
  r.dp.get('xf')!.runOnce(0);
  for (const w of r.wire.values()) assert.equal(w.pending, 0);
  const t = totals(r);
  assert.equal(t.rows.get('red')![C_DROPS + reasonIndex('io.ipv6-on-tenant-tun')], 1);
  assert.equal(t.rows.get('-')![C_DROPS + reasonIndex('io.ipv4-on-fabric-tun')], 1);
  assert.equal(t.rows.get('-')![C_DROPS + reasonIndex('io.not-ip')], 1);
  assert.equal(RED, 1);
});

test('counts what a full destination queue cannot take as io.queue-full, and moves on', () => {
  const config = CONFIG;
  const loaded = checkConfig(config);
  const [xb, xbw] = memoryDevicePair({ names: ['xb', 'xb-w'] });
  const [xf, xfw] = memoryDevicePair({ names: ['xf', 'xf-w'], capacity: 2 });
  const [xr] = memoryDevicePair({ names: ['xr', 'xr-w'] });
  const devices = new Map<string, Device>([['xb', xb], ['xf', xf], ['xr', xr]]);
  const counters = CounterBlock.create(loaded.table.size);
  const dp = new Dataplane(xb, { loaded, devices, counters });
  for (let i = 0; i < 5; i++) xbw.send(udp4());
  assert.equal(dp.runOnce(0), 5);
  assert.equal(xfw.pending, 2);
  const t = new CounterTotals();
  t.addBlock(counters, loaded.table.names);
  assert.equal(t.rows.get('blue')![C_DROPS + reasonIndex('io.queue-full')], 3);
  assert.equal(t.rows.get('blue')![C_PKTS46], 5, 'translated, then lost at the device: counted both ways');
});

test('reconfigure switches table and devices between batches: a removed tenant no longer gets packets', () => {
  const r = rig();
  const fab = r.dp.get('xf')!;
  const only = { ...CONFIG, tenants: [CONFIG.tenants[0]!] };
  const loaded = checkConfig(only);
  const devices = new Map<string, Device>();
  // The fabric worker's view: its own device and blue's; red is gone.
  for (const n of ['xf', 'xb']) devices.set(n, (r.dp.get(n) as unknown as { self: Device }).self);
  fab.configure({ loaded, devices, counters: CounterBlock.create(1) });
  r.wire.get('xf')!.send(udp6(RED_HOST6));
  r.wire.get('xf')!.send(udp6(BLUE_HOST6));
  fab.runOnce(0);
  assert.equal(r.wire.get('xr')!.pending, 0);
  assert.equal(r.wire.get('xb')!.pending, 1);
});

test('metrics text: packets, drops and ICMP errors from the shared counters, labelled by tenant name and direction', async () => {
  const r = rig();
  r.wire.get('xb')!.send(udp4());
  r.wire.get('xb')!.send(udp4());
  r.wire.get('xb')!.send(udp4(1));
  r.dp.get('xb')!.runOnce(0);
  r.wire.get('xf')!.send(udp6(RED_HOST6));
  r.dp.get('xf')!.runOnce(0);
  const m = new DaemonMetrics(() => totals(r));
  m.reloads.inc({ outcome: 'error' });
  const text = await m.text();
  assert.match(text, /^xlat464_packets_total\{tenant="blue",direction="4to6"\} 2$/m);
  assert.match(text, /^xlat464_packets_total\{tenant="red",direction="6to4"\} 1$/m);
  assert.match(text, /^xlat464_drops_total\{reason="46.ttl-expired",tenant="blue"\} 1$/m);
  assert.match(text, /^xlat464_icmp_errors_generated_total\{direction="4to6"\} 1$/m);
  assert.match(text, /^xlat464_icmp_errors_generated_total\{direction="6to4"\} 0$/m);
  assert.match(text, /^xlat464_reloads_total\{outcome="error"\} 1$/m);
  assert.match(text, /^xlat464_reloads_total\{outcome="ok"\} 0$/m);
  assert.match(text, /^xlat464_bytes_total\{tenant="blue",direction="4to6"\} \d+$/m);
  assert.match(text, /^xlat464_io_batch_packets_bucket\{op="read",le="2"\} 1$/m, 'one read of 1 (fabric) below le=2');
  assert.match(text, /^xlat464_io_batch_packets_bucket\{op="read",le="4"\} 2$/m);
  assert.match(text, /^xlat464_io_batch_packets_count\{op="read"\} 2$/m);
  assert.match(text, /^# TYPE xlat464_io_batch_packets histogram$/m);
});

test('6->4 drops count under the destination tenant once it is known: a forged cross-tenant source under blue, an unknown destination under "-"', () => {
  const r = rig();
  const forged = buildPacket({ ip: { version: 6, src: RED_HOST6, dst: BLUE_HOST6, hopLimit: 63 } as PacketSpec['ip'], l4: { proto: 'udp', srcPort: 53, dstPort: 1234 }, payload: payload(9) });
  const expiring = buildPacket({ ip: { version: 6, src: FAR6, dst: RED_HOST6, hopLimit: 1 } as PacketSpec['ip'], l4: { proto: 'udp', srcPort: 53, dstPort: 1234 }, payload: payload(9) });
  r.wire.get('xf')!.send(forged);
  r.wire.get('xf')!.send(expiring);
  r.wire.get('xf')!.send(udp6(parseIPv6('2001:db8:ffff::1')));
  r.dp.get('xf')!.runOnce(0);
  assert.equal(r.wire.get('xb')!.pending, 0, 'nothing reaches blue');
  const t = totals(r);
  assert.equal(t.rows.get('blue')![C_DROPS + reasonIndex('64.cross-tenant')], 1);
  assert.equal(t.rows.get('red')![C_DROPS + reasonIndex('64.hop-limit-expired')], 1, 'answered with Time Exceeded, still the destination tenant');
  assert.equal(t.rows.get('-')![C_DROPS + reasonIndex('64.not-ours')], 1);
  assert.equal(t.rows.get('-')![C_DROPS + reasonIndex('64.cross-tenant')], 0);
});

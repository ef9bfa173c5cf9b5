// Per-tenant IPv4 MTU (TranslatorOptions.ipv4MtuByTenant, ipv4MtuOf): every 6->4 size decision
// (fit, Packet Too Big, fragment size, PTB -> Frag Needed) uses the MTU of the destination tenant's
// link, and 4->6 PTB arithmetic the sending tenant's. Blue (index 0) and red (index 1) of the 6->4
// rig; the same packet fits one tenant and not the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/index.js';
import { Translator, Verdict, TO_IPV4, TO_IPV6, HEADROOM, ipv4MtuOf, type TranslatorOptions } from '../../src/translate/index.js';
import { buildPacket, buildFragments, Ipv4View, Icmpv4View, Ipv6View, Icmpv6View, type PacketSpec } from '../../src/packet/index.js';
import { CONFIG, REF, rig, run, hex, a4, BLUE_HOST6, BLUE_HOST4, REMOTE6, REMOTE4, RED_HOST6, TRANSLATOR6, payload, type Rig } from '../../testlib/rig-6to4.js';

const BLUE = 0;
const RED = 1;
const RED_HOST4 = a4('10.0.0.7');

/** The 6->4 rig with a per-tenant MTU table (ipv4MtuByTenant is not a configuration key: the daemon sets it). */
function rigWith(byTenant: Int32Array, over: Record<string, unknown> = {}): Rig {
  const r = rig(REF, over);
  r.t.ctx.options = { ...r.t.ctx.options, ipv4MtuByTenant: byTenant };
  return r;
}

function tcp6(dst: Uint8Array, n: number): PacketSpec {
  return {
    ip: { version: 6, src: REMOTE6, dst, hopLimit: 64, trafficClass: 0 },
    l4: { proto: 'tcp', srcPort: 443, dstPort: 50000, seq: 1, ack: 2, flags: 0x10, window: 65535 },
    payload: payload(n),
  };
}
function udp6(dst: Uint8Array, n: number): PacketSpec {
  return { ip: { version: 6, src: REMOTE6, dst, hopLimit: 64, trafficClass: 0 }, l4: { proto: 'udp', srcPort: 53, dstPort: 40000 }, payload: payload(n) };
}

/** The MTU field of the ICMPv6 Packet Too Big in v.packet(0), checked to be one sent back to REMOTE6. */
function ptbMtu(v: Verdict): number {
  assert.equal(v.to[0], TO_IPV6);
  const p = v.packet(0);
  const ip = new Ipv6View().bind(p, 0, p.length);
  assert.equal(ip.check(), null);
  assert.equal(hex(p.subarray(ip.srcOff(), ip.srcOff() + 16)), hex(TRANSLATOR6));
  assert.equal(hex(p.subarray(ip.dstOff(), ip.dstOff() + 16)), hex(REMOTE6));
  const ic = new Icmpv6View().bind(p, ip.upperOff(), ip.upperLen());
  assert.equal(ic.type(), 2);
  return ic.mtu();
}

test('ipv4MtuOf: the tenant entry, else ipv4Mtu for 0, a negative index or one past the table', () => {
  const { translator } = checkConfig(CONFIG);
  const o: TranslatorOptions = { ...translator, ipv4Mtu: 1400, ipv4MtuByTenant: Int32Array.of(9000, 0) };
  assert.deepEqual([ipv4MtuOf(o, 0), ipv4MtuOf(o, 1), ipv4MtuOf(o, 2), ipv4MtuOf(o, -1)], [9000, 1400, 1400, 1400]);
  assert.equal(ipv4MtuOf({ ...translator, ipv4Mtu: 1400 }, 0), 1400, 'no table');
});

test('a DF=1 packet that fits blue (MTU 9000) passes whole; the same size to red (MTU 1280) is answered with Packet Too Big 1300', () => {
  // ipv4Mtu 576 is the fallback only: if blue were held to it, the 1400-octet packet would not pass.
  const r = rigWith(Int32Array.of(9000, 1280), { ipv4Mtu: 576 });
  const toBlue = run(r, buildPacket(tcp6(BLUE_HOST6, 1360)));
  assert.equal(toBlue.drop, null);
  assert.equal(toBlue.count, 1);
  assert.equal(toBlue.to[0], TO_IPV4);
  assert.equal(toBlue.tenant[0], BLUE);
  assert.equal(toBlue.lens[0], 1400);
  const jumbo = run(r, buildPacket(tcp6(BLUE_HOST6, 8000)));
  assert.equal(jumbo.drop, null, 'an 8040-octet packet fits blue’s 9000');
  assert.equal(jumbo.lens[0], 8040);

  const toRed = run(r, buildPacket(tcp6(RED_HOST6, 1360)));
  assert.equal(toRed.drop, '64.packet-too-big');
  assert.equal(toRed.dropTenant, RED);
  assert.equal(toRed.generatedError, true);
  assert.equal(ptbMtu(toRed), 1300, 'red’s 1280 + 20');
});

test('a tenant without an entry (0) falls back to ipv4Mtu', () => {
  const r = rigWith(Int32Array.of(0, 9000), { ipv4Mtu: 1300 });
  const v = run(r, buildPacket(tcp6(BLUE_HOST6, 1360)));
  assert.equal(v.drop, '64.packet-too-big');
  assert.equal(ptbMtu(v), 1320);
  assert.equal(run(r, buildPacket(tcp6(RED_HOST6, 1360))).drop, null);
});

test('an IPv6 fragment goes whole to blue (MTU 1500) and is cut into IPv4 fragments of red’s MTU (576)', () => {
  const r = rigWith(Int32Array.of(1500, 576), { ipv4Mtu: 1500 });
  for (const [dst, tenant, lens] of [
    [BLUE_HOST6, BLUE, [1252]],
    [RED_HOST6, RED, [572, 572, 148]],
  ] as const) {
    const first = buildFragments(udp6(dst, 3000), 1232, 0x5555)[0]!; // offset 0, 1232 data octets, MF
    const v = run(r, first);
    assert.equal(v.drop, null);
    assert.deepEqual([...v.lens.subarray(0, v.count)], lens);
    let at = 0;
    for (let i = 0; i < v.count; i++) {
      assert.equal(v.to[i], TO_IPV4);
      assert.equal(v.tenant[i], tenant);
      const p = v.packet(i);
      const ip = new Ipv4View().bind(p, 0, p.length);
      assert.equal(ip.check(), null);
      assert.equal(ip.id(), 0x5555);
      assert.equal(ip.df(), false);
      assert.equal(ip.mf(), true, 'the input was not the last fragment');
      assert.equal(ip.fragOffset(), at);
      at += p.length - 20;
    }
    assert.equal(at, 1232);
  }
});

test('ICMPv6 Packet Too Big -> Frag Needed takes the destination tenant’s IPv4 MTU: min(9000 - 20, MTU, 9000 - 20)', () => {
  const r = rigWith(Int32Array.of(9000, 1280), { ipv4Mtu: 1500, ipv6Mtu: 9000 });
  for (const [host6, host4, want] of [
    [BLUE_HOST6, BLUE_HOST4, 8980],
    [RED_HOST6, RED_HOST4, 1280],
  ] as const) {
    const quoted: PacketSpec = { ip: { version: 6, src: host6, dst: REMOTE6, hopLimit: 30, trafficClass: 0 }, l4: { proto: 'udp', srcPort: 40000, dstPort: 53 }, payload: payload(40) };
    const err = buildPacket({ ip: { version: 6, src: REMOTE6, dst: host6, hopLimit: 64, trafficClass: 0 }, l4: { proto: 'icmpv6', type: 2, code: 0, rest: 9000, inner: quoted } });
    const v = run(r, err);
    assert.equal(v.drop, null);
    const p = v.packet(0);
    const ip = new Ipv4View().bind(p, 0, p.length);
    assert.equal(ip.check(), null);
    assert.equal(ip.src(), REMOTE4);
    assert.equal(ip.dst(), host4);
    const ic = new Icmpv4View().bind(p, 20, p.length - 20);
    assert.deepEqual([ic.type(), ic.code(), ic.mtu()], [3, 4, want]);
  }
});

test('4->6: ICMPv4 Frag Needed from a tenant becomes Packet Too Big with that tenant’s IPv4 MTU + 20', () => {
  const { table, translator } = checkConfig(CONFIG);
  const tr = new Translator(table, { ...translator, ipv4Mtu: 1500, ipv6Mtu: 9000, ipv4MtuByTenant: Int32Array.of(9000, 1280) });
  const router = a4('10.0.0.254'); // a router of the tenant's own network
  for (const [tenant, want] of [
    [BLUE, 8020], // min(8000 + 20, 9000, 9000 + 20)
    [RED, 1300], // min(8020, 9000, 1280 + 20)
  ] as const) {
    const quoted: PacketSpec = { ip: { version: 4, src: REMOTE4, dst: a4('10.0.0.5'), ttl: 30, df: true }, l4: { proto: 'udp', srcPort: 53, dstPort: 40000 }, payload: payload(40) };
    const pkt = buildPacket({ ip: { version: 4, src: router, dst: REMOTE4, ttl: 64 }, l4: { proto: 'icmpv4', type: 3, code: 4, rest: 8000, inner: quoted } });
    const buf = new Uint8Array(HEADROOM + pkt.length);
    buf.set(pkt, HEADROOM);
    const v = new Verdict();
    tr.from4(tenant, buf, HEADROOM, pkt.length, v);
    assert.equal(v.drop, null, `tenant ${tenant}`);
    const p = v.packet(0);
    const ip = new Ipv6View().bind(p, 0, p.length);
    assert.equal(ip.check(), null);
    assert.equal(hex(p.subarray(ip.dstOff(), ip.dstOff() + 16)), hex(REMOTE6));
    const ic = new Icmpv6View().bind(p, ip.upperOff(), ip.upperLen());
    assert.deepEqual([ic.type(), ic.mtu()], [2, want]);
  }
});

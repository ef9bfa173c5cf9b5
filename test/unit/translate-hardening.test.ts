/**
 * Inputs the mutation fuzzer and the RFC vectors found passing where they must not: each is
 * kept here as a literal packet with the verdict it must get.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/index.js';
import { buildPacket, parseIPv4, parseIPv6 } from '../../src/index.js';
import { HEADROOM, Translator, Verdict } from '../../src/translate/index.js';

const CONFIG = {
  translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' },
  plan: { domain: 'fd00:64::/48', tenantBits: 16 },
  tenants: [
    { name: 'blue', id: 1, ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' },
    { name: 'red', id: 2, ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' },
  ],
};

function rig() {
  const { table, translator } = checkConfig(CONFIG);
  const tr = new Translator(table, translator);
  const buf = new Uint8Array(HEADROOM + 2048);
  const v = new Verdict();
  return {
    table,
    from4(tenant: string, pkt: Uint8Array): Verdict {
      buf.set(pkt, HEADROOM);
      tr.from4(table.indexOf(tenant), buf, HEADROOM, pkt.length, v);
      return v;
    },
    from6(pkt: Uint8Array): Verdict {
      buf.set(pkt, HEADROOM);
      tr.from6(buf, HEADROOM, pkt.length, v);
      return v;
    },
  };
}

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

test('drops IPv4 packets that carry ICMPv6 or an IPv6 extension header number: a tenant cannot forge them on the fabric', () => {
  const r = rig();
  // Found by the fuzzer: protocol 58 and 44 were copied into Next Header.
  assert.equal(r.from4('blue', hex('4500001800000000403a66aa0a0000010a00000201020304')).drop, '46.ipv6-only-protocol');
  assert.equal(r.from4('blue', hex('4500001800000000402c66b80a0000010a00000201020304')).drop, '46.ipv6-only-protocol');
  for (const protocol of [0, 43, 60]) {
    const v = r.from4('blue', buildPacket({ ip: { version: 4, ttl: 64, src: parseIPv4('10.0.0.1'), dst: parseIPv4('10.0.0.2'), protocol }, payload: new Uint8Array(8) }));
    assert.equal(v.drop, '46.ipv6-only-protocol', `protocol ${protocol}`);
    assert.equal(v.count, 0);
  }
  // An unknown protocol still passes with its number (RFC 7915 §4.1).
  const ok = r.from4('blue', buildPacket({ ip: { version: 4, ttl: 64, src: parseIPv4('10.0.0.1'), dst: parseIPv4('10.0.0.2'), protocol: 253 }, payload: new Uint8Array(8) }));
  assert.equal(ok.drop, null);
  assert.equal(ok.packet(0)[6], 253);
});

test('drops IPv6 packets whose next header is ICMP for IPv4: nothing on the fabric passes raw ICMPv4 into a tenant', () => {
  const r = rig();
  // Found by the fuzzer: next header 1 went to the tenant as an untranslated ICMPv4 message.
  const v = r.from6(hex('6000000000100140fd00006400000001000a000001000000fd00006400000001000a0000020000009c40003500102341786c617434363421'));
  assert.equal(v.drop, '64.icmpv4-in-ipv6');
  assert.equal(v.count, 0);
});

test('an address under a tenant prefix that embeds an IPv4 address outside the tenant is not ours', () => {
  const r = rig();
  // blue owns 10/8; 11.0.0.2 under blue's prefix is no address encode would write (it goes to the PLAT).
  assert.equal(r.table.decode('fd00:64:0:1:b:0:200:0'), null);
  assert.deepEqual(r.table.decode('fd00:64:0:1:a:0:200:0'), { tenant: 'blue', ipv4: '10.0.0.2', rule: 'prefix' });
  const v = r.from6(buildPacket({
    ip: { version: 6, hopLimit: 64, src: parseIPv6('fd00:64:0:1:a:0:100:0'), dst: parseIPv6('fd00:64:0:1:b:0:200:0') },
    l4: { proto: 'udp', srcPort: 1, dstPort: 2 },
    payload: new Uint8Array(4),
  }));
  assert.equal(v.drop, '64.not-ours');
});

test('drops an unfragmented IPv4 UDP datagram whose UDP Length runs past the packet', () => {
  const r = rig();
  const pkt = buildPacket({ ip: { version: 4, ttl: 64, src: parseIPv4('10.0.0.1'), dst: parseIPv4('10.0.0.2') }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(8) });
  pkt[20 + 4] = 0;
  pkt[20 + 5] = 200; // UDP Length 200 in a 16-octet UDP datagram
  assert.equal(r.from4('blue', pkt).drop, '46.udp-bad-length');
});

test('an ICMPv4 error from a router outside the tenant ranges takes its IPv6 source from the RFC 6791 pool, never the PLAT', () => {
  const r = rig();
  const quoted = buildPacket({ ip: { version: 4, ttl: 63, src: parseIPv4('10.0.0.1'), dst: parseIPv4('10.0.0.2') }, l4: { proto: 'udp', srcPort: 40000, dstPort: 53 }, payload: new Uint8Array(8) });
  const err = buildPacket({ ip: { version: 4, ttl: 64, src: parseIPv4('8.8.4.4'), dst: parseIPv4('10.0.0.1') }, l4: { proto: 'icmpv4', type: 3, code: 1, inner: quoted } });
  const v = r.from4('blue', err);
  assert.equal(v.drop, null);
  assert.equal(v.count, 1);
  const out = v.packet(0);
  // rfc6791v6 is null: the pool is translator.ipv6 (fd00:ffff::1/128), not 64:ff9b::8.8.4.4.
  assert.deepEqual(Array.from(out.subarray(8, 24)), Array.from(parseIPv6('fd00:ffff::1')));
  // Any other protocol from that source is still refused.
  const udp = buildPacket({ ip: { version: 4, ttl: 64, src: parseIPv4('8.8.4.4'), dst: parseIPv4('10.0.0.1') }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(4) });
  assert.equal(r.from4('blue', udp).drop, '46.source-not-owned');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPacket, buildFragments, Ipv4View, Ipv6View, UdpView, TcpView, Icmpv4View, Icmpv6View, TCP_SYN } from '../../src/packet/index.js';
import { hex } from '../../testlib/assert.js';

const addr = (last: number): Uint8Array => Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last);

test('builds the literal TCP SYN octet for octet', () => {
  const syn = hex(`
45 00 00 3c 1c 46 40 00 40 06 b1 e6 ac 10 0a 63
ac 10 0a 0c d4 31 00 50 6f a3 c9 b1 00 00 00 00
a0 02 fa f0 f0 66 00 00 02 04 05 b4 04 02 08 0a
00 01 e2 40 00 00 00 00 01 03 03 07`);
  const pkt = buildPacket({
    ip: { version: 4, id: 0x1c46, df: true, src: 0xac100a63, dst: 0xac100a0c },
    l4: { proto: 'tcp', srcPort: 0xd431, dstPort: 80, seq: 0x6fa3c9b1, flags: TCP_SYN, window: 64240, options: syn.subarray(40) },
  });
  assert.deepEqual(pkt, syn);
});

test('builds IPv4 and IPv6 UDP whose checksums verify', () => {
  const payload = Uint8Array.of(1, 2, 3);
  const p4 = buildPacket({ ip: { version: 4, src: 0xc0000201, dst: 0xc6336401 }, l4: { proto: 'udp', srcPort: 1234, dstPort: 53 }, payload });
  const ip = new Ipv4View().bind(p4, 0, p4.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.checksumOk(), true);
  const udp = new UdpView().bind(p4, ip.payloadOff(), ip.payloadLen());
  assert.equal(udp.check(), null);
  assert.equal(udp.checksumOk(ip.pseudoSum(udp.len)), true);
  assert.deepEqual(p4.subarray(udp.payloadOff()), payload);

  const p6 = buildPacket({ ip: { version: 6, src: addr(1), dst: addr(2), ext: [{ type: 0 }, { type: 60 }] }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload });
  const ip6 = new Ipv6View().bind(p6, 0, p6.length);
  assert.equal(ip6.check(), null);
  assert.deepEqual([ip6.upperProto(), ip6.extLen(), ip6.hasHopByHop(), ip6.hasDestOptions()], [17, 16, true, true]);
  const u6 = new UdpView().bind(p6, ip6.upperOff(), ip6.upperLen());
  assert.equal(u6.check(), null);
  assert.equal(u6.checksumOk(ip6.pseudoSum(17, u6.len)), true);
});

test('builds an ICMPv4 error quoting a truncated TCP packet, with an RFC 4884 length', () => {
  const inner = { ip: { version: 4 as const, src: 0xc0000201, dst: 0xc6336401, ttl: 1 }, l4: { proto: 'tcp' as const, srcPort: 5000, dstPort: 443 }, payload: new Uint8Array(100) };
  const pkt = buildPacket({
    ip: { version: 4, src: 0xcb007101, dst: 0xc0000201 },
    l4: { proto: 'icmpv4', type: 11, code: 0, inner, innerLen: 28 },
  });
  const ip = new Ipv4View().bind(pkt, 0, pkt.length);
  assert.equal(ip.check(), null);
  const icmp = new Icmpv4View().bind(pkt, ip.payloadOff(), ip.payloadLen());
  assert.equal(icmp.check(), null);
  assert.equal(icmp.checksumOk(), true);
  assert.equal(icmp.innerLen(), 28);
  const iip = new Ipv4View().bind(pkt, icmp.innerOff(), icmp.innerLen());
  assert.equal(iip.checkEmbedded(), null);
  assert.deepEqual([iip.truncated, iip.totalLen(), iip.ttl()], [true, 140, 1]);
  const tcp = new TcpView().bind(pkt, iip.payloadOff(), iip.payloadLen());
  assert.equal(tcp.checkEmbedded(), null);
  assert.deepEqual([tcp.truncated, tcp.srcPort(), tcp.dstPort()], [true, 5000, 443]);

  const ext = Uint8Array.of(0x20, 0, 0, 0);
  const with4884 = buildPacket({
    ip: { version: 4, src: 1, dst: 2 },
    l4: { proto: 'icmpv4', type: 3, code: 4, rest: 1400, inner, innerLen: 128, origDatagramLen: 128 },
    payload: ext,
  });
  const v = new Icmpv4View().bind(with4884, 20, with4884.length - 20);
  assert.equal(v.check(), null);
  assert.deepEqual([v.mtu(), v.origDatagramLen(), v.extOff()], [1400, 128, 20 + 8 + 128]);
  assert.equal(v.checksumOk(), true);
});

test('builds an ICMPv6 Packet Too Big and a Destination Unreachable with an RFC 4884 length', () => {
  const inner = { ip: { version: 6 as const, src: addr(2), dst: addr(3) }, l4: { proto: 'udp' as const, srcPort: 1, dstPort: 2 }, payload: new Uint8Array(1400) };
  const ptb = buildPacket({ ip: { version: 6, src: addr(9), dst: addr(2) }, l4: { proto: 'icmpv6', type: 2, code: 0, rest: 1280, inner, innerLen: 1232 } });
  assert.equal(ptb.length, 1280);
  const ip = new Ipv6View().bind(ptb, 0, ptb.length);
  assert.equal(ip.check(), null);
  const icmp = new Icmpv6View().bind(ptb, ip.upperOff(), ip.upperLen());
  assert.equal(icmp.check(), null);
  assert.deepEqual([icmp.mtu(), icmp.innerLen()], [1280, 1232]);
  assert.equal(icmp.checksumOk(ip.pseudoSum(58, icmp.len)), true);

  const du = buildPacket({ ip: { version: 6, src: addr(9), dst: addr(2) }, l4: { proto: 'icmpv6', type: 1, code: 3, inner, innerLen: 128, origDatagramLen: 128 }, payload: new Uint8Array(8) });
  const v = new Icmpv6View().bind(du, 40, du.length - 40);
  assert.deepEqual([v.lengthWords(), v.origDatagramLen(), v.extOff()], [16, 128, 40 + 8 + 128]);
});

test('IPv4 fragments reassemble to the datagram and carry its UDP checksum', () => {
  const spec = { ip: { version: 4 as const, id: 77, src: 0x0a000001, dst: 0x0a000002 }, l4: { proto: 'udp' as const, srcPort: 9, dstPort: 9 }, payload: Uint8Array.from({ length: 50 }, (_, i) => i) };
  const whole = buildPacket(spec);
  const frags = buildFragments(spec, 24);
  assert.equal(frags.length, 3);
  const ip = new Ipv4View();
  const data: number[] = [];
  frags.forEach((f, i) => {
    assert.equal(ip.bind(f, 0, f.length).check(), null);
    assert.equal(ip.checksumOk(), true);
    assert.equal(ip.id(), 77);
    assert.equal(ip.fragOffset(), i * 24);
    assert.equal(ip.mf(), i < 2);
    data.push(...f.subarray(20));
  });
  assert.deepEqual(Uint8Array.from(data), whole.subarray(20));
});

test('IPv6 fragments put the Fragment header after hop-by-hop and routing', () => {
  const spec = {
    ip: { version: 6 as const, src: addr(1), dst: addr(2), ext: [{ type: 0 as const }, { type: 43 as const, segmentsLeft: 0 }, { type: 60 as const }] },
    l4: { proto: 'udp' as const, srcPort: 9, dstPort: 9 },
    payload: new Uint8Array(40).fill(7),
  };
  const whole = buildPacket(spec);
  const frags = buildFragments(spec, 32, 0xcafe);
  assert.equal(frags.length, 2);
  const ip = new Ipv6View();
  const [a, b] = frags as [Uint8Array, Uint8Array];
  assert.equal(ip.bind(a, 0, a.length).check(), null);
  assert.deepEqual([ip.fragHeaderOff(), ip.fragOffset(), ip.fragMore(), ip.fragId(), ip.hasDestOptions(), ip.upperProto(), ip.upperOff()], [56, 0, true, 0xcafe, true, 17, 72]);
  assert.equal(ip.bind(b, 0, b.length).check(), null);
  assert.deepEqual([ip.fragOffset(), ip.fragMore(), ip.hasUpperHeader(), ip.upperProto(), ip.upperLen()], [32, false, false, 60, 24]);
  // Fragmentable parts concatenate to the original's.
  assert.deepEqual(Uint8Array.from([...a.subarray(64), ...b.subarray(64)]), whole.subarray(56));
  assert.throws(() => buildFragments(spec, 12), RangeError);
});

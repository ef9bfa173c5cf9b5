import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipv4View, Ipv6View, Icmpv4View, Icmpv6View, UdpView, emitIcmpv4, emitIcmpv6 } from '../../src/packet/index.js';
import { pseudoSum6 } from '../../src/checksum/reference.js';
import { hex } from '../../testlib/assert.js';


// Router 198.51.100.1 answers a traceroute probe (UDP 192.0.2.10:44123 -> 203.0.113.5:33434, TTL 1)
// with Time Exceeded. RFC 4884: the quoted datagram (52 octets) is zero-padded to 128 octets, Length = 32
// words, then an extension structure (version 2) with one 8-octet object.
const TIME_EXCEEDED = hex(`
45 c0 00 a8 00 01 00 00 ff 01 ce 54 c6 33 64 01
c0 00 02 0a 0b 00 f3 21 00 20 00 00 45 00 00 34
30 39 00 00 01 11 8b 70 c0 00 02 0a cb 00 71 05
ac 5b 82 9a 00 20 4b 14 40 41 42 43 44 45 46 47
48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57
00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
00 00 00 00 00 00 00 00 00 00 00 00 20 00 de f1
00 08 01 01 00 00 00 05`);

// 2001:db8:ffff::1 answers 2001:db8::1 with Destination Unreachable, code 3 (address unreachable),
// quoting a 64-octet IPv6/UDP packet; RFC 4884 Length = 8 (64-bit words), then a 4-octet extension header.
const DEST_UNREACH6 = hex(`
60 00 00 00 00 50 3a 40 20 01 0d b8 ff ff 00 00
00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 01 01 03 2a 0e 08 00 00 00
60 00 00 00 00 18 11 01 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 02 9c 40 00 35 00 18 07 d4
00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
20 00 de fa 00 04 01 01`);

// Echo Request 2001:db8::1 -> 2001:db8::2, id 0x1234, seq 7, "abcdefgh", flow label 0xabcde.
const PING6 = hex(`
60 0a bc de 00 10 3a ff 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 02 80 00 80 6f 12 34 00 07
61 62 63 64 65 66 67 68`);

test('reads an ICMPv4 Time Exceeded with an RFC 4884 length and the quoted UDP probe', () => {
  const ip = new Ipv4View().bind(TIME_EXCEEDED, 0, TIME_EXCEEDED.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.checksumOk(), true);
  const icmp = new Icmpv4View().bind(TIME_EXCEEDED, ip.payloadOff(), ip.payloadLen());
  assert.equal(icmp.check(), null);
  assert.deepEqual([icmp.type(), icmp.code(), icmp.checksum()], [11, 0, 0xf321]);
  assert.equal(icmp.checksumOk(), true);
  assert.equal(icmp.isError(), true);
  assert.equal(icmp.hasLengthField(), true);
  assert.equal(icmp.lengthWords(), 32);
  assert.equal(icmp.origDatagramLen(), 128);
  assert.equal(icmp.innerOff(), 28);
  assert.equal(icmp.innerLen(), 128);
  assert.equal(icmp.extOff(), 28 + 128);

  // The quoted datagram: its own Total Length (52) is shorter than the 128-octet field, so check() trims.
  const inner = new Ipv4View().bind(TIME_EXCEEDED, icmp.innerOff(), icmp.innerLen());
  assert.equal(inner.checkEmbedded(), null);
  assert.equal(inner.truncated, false);
  assert.equal(inner.len, 52);
  assert.deepEqual([inner.ttl(), inner.protocol(), inner.src(), inner.dst()], [1, 17, 0xc000020a, 0xcb007105]);
  const udp = new UdpView().bind(TIME_EXCEEDED, inner.payloadOff(), inner.payloadLen());
  assert.equal(udp.checkEmbedded(), null);
  assert.deepEqual([udp.srcPort(), udp.dstPort(), udp.length()], [44123, 33434, 32]);
  assert.equal(udp.checksumOk(inner.pseudoSum(32)), true);
});

test('an ICMPv4 error without a usable RFC 4884 length quotes everything after the header', () => {
  const b = TIME_EXCEEDED.slice();
  const icmp = new Icmpv4View().bind(b, 20, b.length - 20);
  b[25] = 0; // no Length
  assert.deepEqual([icmp.origDatagramLen(), icmp.innerLen(), icmp.extOff()], [0, 140, -1]);
  b[25] = 255; // 1020 octets: more than the message holds
  assert.deepEqual([icmp.lengthWords(), icmp.origDatagramLen(), icmp.innerLen()], [255, 0, 140]);
  b[25] = 35; // 140 octets: exactly the rest, so no extension
  assert.deepEqual([icmp.origDatagramLen(), icmp.extOff()], [140, -1]);
  b[25] = 36; // 144 octets: one word too many
  assert.deepEqual([icmp.origDatagramLen(), icmp.innerLen()], [0, 140]);
  // Parameter Problem keeps the pointer in octet 4 and Length in octet 5.
  b[20] = 12;
  b[24] = 9;
  b[25] = 32;
  assert.deepEqual([icmp.pointer(), icmp.origDatagramLen()], [9, 128]);
  // Echo has no Length field: octet 5 belongs to the identifier.
  b[20] = 8;
  assert.deepEqual([icmp.hasLengthField(), icmp.lengthWords(), icmp.isError()], [false, 0, false]);
});

test('ICMPv4 accessors for echo and Fragmentation Needed, and setters', () => {
  const buf = new Uint8Array(20).fill(0xa5);
  buf.set([1, 2, 3, 4], 8);
  assert.equal(emitIcmpv4(buf, 0, { type: 8, code: 0, rest: 0x12340007, bodyLen: 4 }), 8);
  const icmp = new Icmpv4View().bind(buf, 0, 12);
  assert.equal(icmp.check(), null);
  assert.deepEqual([icmp.type(), icmp.id(), icmp.seq(), icmp.restOfHeader()], [8, 0x1234, 7, 0x12340007]);
  assert.equal(icmp.checksumOk(), true);
  assert.equal(buf[12], 0xa5);
  icmp.setType(3).setCode(4).setRestOfHeader(0).setMtu(1480).setOrigDatagramLen(128).fillChecksum();
  assert.deepEqual([icmp.type(), icmp.code(), icmp.mtu(), icmp.lengthWords()], [3, 4, 1480, 32]);
  icmp.setType(12).setPointer(20).setId(0xabcd).setSeq(0x0102).fillChecksum();
  assert.deepEqual([icmp.pointer(), icmp.id(), icmp.seq()], [0xab, 0xabcd, 0x0102]);
  assert.equal(icmp.checksumOk(), true);
});

test('refuses an ICMPv4 header shorter than 8 octets', () => {
  assert.equal(new Icmpv4View().bind(TIME_EXCEEDED, 20, 7).check(), 'icmpv4.truncated');
  assert.equal(new Icmpv4View().bind(TIME_EXCEEDED, 162, 8).check(), 'icmpv4.truncated', 'past the buffer');
});

test('reads an ICMPv6 Destination Unreachable with an RFC 4884 length and its quoted packet', () => {
  const ip = new Ipv6View().bind(DEST_UNREACH6, 0, DEST_UNREACH6.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.upperProto(), 58);
  const icmp = new Icmpv6View().bind(DEST_UNREACH6, ip.upperOff(), ip.upperLen());
  assert.equal(icmp.check(), null);
  assert.deepEqual([icmp.type(), icmp.code(), icmp.isError(), icmp.hasLengthField()], [1, 3, true, true]);
  assert.equal(icmp.checksumOk(ip.pseudoSum(58, icmp.len)), true);
  assert.equal(icmp.lengthWords(), 8);
  assert.equal(icmp.origDatagramLen(), 64);
  assert.equal(icmp.innerOff(), 48);
  assert.equal(icmp.innerLen(), 64);
  assert.equal(icmp.extOff(), 112);
  const inner = new Ipv6View().bind(DEST_UNREACH6, icmp.innerOff(), icmp.innerLen());
  assert.equal(inner.checkEmbedded(), null);
  assert.deepEqual([inner.upperProto(), inner.upperOff(), inner.hopLimit()], [17, 88, 1]);
  const udp = new UdpView().bind(DEST_UNREACH6, inner.upperOff(), inner.upperLen());
  assert.equal(udp.checkEmbedded(), null);
  assert.deepEqual([udp.srcPort(), udp.dstPort()], [40000, 53]);
  assert.equal(udp.checksumOk(inner.pseudoSum(17, 24)), true);
});

test('reads an ICMPv6 echo request; Packet Too Big and Parameter Problem use the whole second word', () => {
  const ip = new Ipv6View().bind(PING6, 0, PING6.length);
  assert.equal(ip.check(), null);
  assert.deepEqual([ip.trafficClass(), ip.flowLabel(), ip.hopLimit()], [0, 0xabcde, 255]);
  const icmp = new Icmpv6View().bind(PING6, ip.upperOff(), ip.upperLen());
  assert.equal(icmp.check(), null);
  assert.deepEqual([icmp.type(), icmp.id(), icmp.seq(), icmp.isError(), icmp.lengthWords()], [128, 0x1234, 7, false, 0]);
  assert.equal(icmp.checksumOk(ip.pseudoSum(58, 16)), true);

  const b = PING6.slice();
  const v = new Icmpv6View().bind(b, 40, 16);
  v.setType(2).setCode(0).setMtu(1280);
  assert.deepEqual([v.mtu(), v.isError(), v.hasLengthField()], [1280, true, false]);
  v.setType(4).setCode(1).setPointer(40);
  assert.equal(v.pointer(), 40);
  v.setType(3).setRestOfHeader(0).setOrigDatagramLen(8 * 3);
  assert.deepEqual([v.lengthWords(), v.origDatagramLen(), v.innerLen(), v.extOff()], [3, 0, 8, -1], '24 > 8 octets held');
  v.setId(1).setSeq(2).setChecksum(0).fillChecksum(ip.pseudoSum(58, 16));
  assert.deepEqual([v.id(), v.seq()], [1, 2]);
  assert.equal(v.checksumOk(ip.pseudoSum(58, 16)), true);
});

test('emitIcmpv6 checksums over the pseudo-header', () => {
  const buf = PING6.slice();
  buf.fill(0xa5, 40, 48);
  assert.equal(emitIcmpv6(buf, 40, { type: 128, code: 0, rest: 0x12340007, bodyLen: 8 }, pseudoSum6(buf, 8, 24, 58, 16)), 8);
  assert.deepEqual(buf, PING6);
});

test('refuses an ICMPv6 header shorter than 8 octets', () => {
  assert.equal(new Icmpv6View().bind(PING6, 40, 7).check(), 'icmpv6.truncated');
});

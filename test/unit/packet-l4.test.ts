import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipv4View, TcpView, UdpView, emitTcp, emitUdp, tcpHeaderLen, TCP_SYN, TCP_ACK_FLAG } from '../../src/packet/index.js';
import { pseudoSum4 } from '../../src/checksum/reference.js';
import { hex } from '../../testlib/assert.js';


// The TCP SYN of packet-ipv4.test.ts.
const SYN = hex(`
45 00 00 3c 1c 46 40 00 40 06 b1 e6 ac 10 0a 63
ac 10 0a 0c d4 31 00 50 6f a3 c9 b1 00 00 00 00
a0 02 fa f0 f0 66 00 00 02 04 05 b4 04 02 08 0a
00 01 e2 40 00 00 00 00 01 03 03 07`);

test('reads a real TCP SYN with options', () => {
  const ip = new Ipv4View().bind(SYN, 0, SYN.length);
  assert.equal(ip.check(), null);
  const tcp = new TcpView().bind(SYN, ip.payloadOff(), ip.payloadLen());
  assert.equal(tcp.check(), null);
  assert.deepEqual([tcp.srcPort(), tcp.dstPort(), tcp.seq(), tcp.ack()], [0xd431, 80, 0x6fa3c9b1, 0]);
  assert.equal(tcp.headerLen(), 40);
  assert.equal(tcp.flags(), TCP_SYN);
  assert.deepEqual([tcp.window(), tcp.checksum(), tcp.checksumOff(), tcp.urgentPointer()], [64240, 0xf066, 36, 0]);
  assert.deepEqual([tcp.payloadOff(), tcp.payloadLen()], [60, 0]);
  assert.equal(tcp.checksumOk(ip.pseudoSum(40)), true);
  assert.equal(tcp.computeChecksum(ip.pseudoSum(40)), 0xf066);
});

test('refuses malformed TCP with a stable reason each', () => {
  assert.equal(new TcpView().bind(SYN, 20, 19).check(), 'tcp.truncated', 'under 20 octets');
  assert.equal(new TcpView().bind(SYN, 20, 39).check(), 'tcp.truncated', 'options past the segment');
  const b = SYN.slice();
  b[32] = 0x40;
  assert.equal(new TcpView().bind(b, 20, 40).check(), 'tcp.bad-data-offset');
  assert.equal(new TcpView().bind(b, 20, 40).checkEmbedded(), 'tcp.bad-data-offset');
  assert.equal(new TcpView().bind(SYN, 50, 20).check(), 'tcp.truncated', 'past the buffer');
});

test('checkEmbedded reads the ports of the 8 octets an ICMPv4 error must quote', () => {
  const tcp = new TcpView().bind(SYN, 20, 8);
  assert.equal(tcp.checkEmbedded(), null);
  assert.equal(tcp.truncated, true);
  assert.deepEqual([tcp.srcPort(), tcp.dstPort(), tcp.seq()], [0xd431, 80, 0x6fa3c9b1]);
  assert.equal(tcp.bind(SYN, 20, 7).checkEmbedded(), 'tcp.truncated');
  assert.equal(tcp.bind(SYN, 20, 24).checkEmbedded(), null, 'fixed header complete, options cut');
  assert.deepEqual([tcp.truncated, tcp.headerLen(), tcp.payloadLen()], [false, 40, 0]);
});

test('emitTcp writes the SYN back octet for octet', () => {
  const buf = SYN.slice();
  buf.fill(0xa5, 20, 40);
  const f = {
    srcPort: 0xd431, dstPort: 80, seq: 0x6fa3c9b1, flags: TCP_SYN, window: 64240,
    options: SYN.subarray(40, 60), payloadLen: 0,
  };
  assert.equal(tcpHeaderLen(f), 40);
  assert.equal(emitTcp(buf, 20, f, pseudoSum4(0xac100a63, 0xac100a0c, 6, 40)), 40);
  assert.deepEqual(buf, SYN);
});

test('TCP setters', () => {
  const b = SYN.slice();
  const tcp = new TcpView().bind(b, 20, 40);
  tcp.setSrcPort(1).setDstPort(2).setSeq(0xffffffff).setAck(5).setFlags(TCP_SYN | TCP_ACK_FLAG).setWindow(3).setUrgentPointer(4).setHeaderLen(40);
  tcp.fillChecksum(0x1234);
  assert.deepEqual([tcp.srcPort(), tcp.dstPort(), tcp.seq(), tcp.ack(), tcp.flags(), tcp.window(), tcp.urgentPointer(), tcp.headerLen()], [1, 2, 0xffffffff, 5, 0x12, 3, 4, 40]);
  assert.equal(tcp.checksumOk(0x1234), true);
});

// Start of a DNS query 10.211.55.7:52340 -> 8.8.8.8:53 (header + 8 data octets) sent without a checksum
// (0, allowed over IPv4), followed by 2 octets of link padding that are not UDP's.
const UDP = hex(`cc 74 00 35 00 10 00 00 12 34 01 00 00 01 00 00 ee ee`);

test('reads UDP, trims to the UDP Length, and computes a checksum that verifies', () => {
  const b = UDP.slice();
  const udp = new UdpView().bind(b, 0, b.length);
  assert.equal(udp.check(), null);
  assert.equal(udp.len, 16);
  assert.deepEqual([udp.srcPort(), udp.dstPort(), udp.length(), udp.checksum(), udp.checksumOff()], [52340, 53, 16, 0, 6]);
  assert.deepEqual([udp.payloadOff(), udp.payloadLen()], [8, 8]);
  const ps = pseudoSum4(0x0ad33707, 0x08080808, 17, 16);
  assert.equal(udp.checksumOk(ps), false, 'zero means no checksum, not a valid one');
  udp.fillChecksum(ps);
  assert.equal(udp.checksumOk(ps), true);
  udp.setSrcPort(1).setDstPort(2).setLength(8).setChecksum(0);
  assert.deepEqual([udp.srcPort(), udp.dstPort(), udp.length()], [1, 2, 8]);
});

test('a UDP checksum that computes to zero is sent as 0xffff', () => {
  // Payload chosen so that the one's-complement sum of header and data is 0xffff.
  const buf = new Uint8Array(10).fill(0xa5);
  // header: ports 0/0, length 10 -> sum 0x000a; data word 0xfff5 makes 0xffff.
  buf.set([0xff, 0xf5], 8);
  emitUdp(buf, 0, { srcPort: 0, dstPort: 0, payloadLen: 2 }, 0);
  assert.equal(new UdpView().bind(buf, 0, 10).checksum(), 0xffff);
});

test('refuses malformed UDP with a stable reason each', () => {
  assert.equal(new UdpView().bind(UDP, 0, 7).check(), 'udp.truncated');
  const b = UDP.slice();
  b[5] = 7;
  assert.equal(new UdpView().bind(b, 0, 16).check(), 'udp.bad-length');
  b[5] = 0x11;
  assert.equal(new UdpView().bind(b, 0, 16).check(), 'udp.truncated', 'UDP Length past the payload');
  const emb = new UdpView().bind(b, 0, 16);
  assert.equal(emb.checkEmbedded(), null);
  assert.deepEqual([emb.truncated, emb.len], [true, 16]);
  assert.equal(new UdpView().bind(b, 12, 8).check(), 'udp.truncated', 'past the buffer');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipv4View, emitIPv4, PACKET_REASONS, type PacketReason } from '../../src/packet/index.js';
import { hex } from '../../testlib/assert.js';


// A TCP SYN from 172.16.10.99 to 172.16.10.12:80 (the header is the well-known RFC 1071 worked example
// with checksum 0xb1e6), with MSS, window scale, SACK-permitted and timestamp options.
const SYN = hex(`
45 00 00 3c 1c 46 40 00 40 06 b1 e6 ac 10 0a 63
ac 10 0a 0c d4 31 00 50 6f a3 c9 b1 00 00 00 00
a0 02 fa f0 f0 66 00 00 02 04 05 b4 04 02 08 0a
00 01 e2 40 00 00 00 00 01 03 03 07`);

test('reads every field of a real IPv4 TCP SYN', () => {
  const ip = new Ipv4View().bind(SYN, 0, SYN.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.version(), 4);
  assert.equal(ip.headerLen(), 20);
  assert.equal(ip.tos(), 0);
  assert.equal(ip.totalLen(), 60);
  assert.equal(ip.id(), 0x1c46);
  assert.equal(ip.df(), true);
  assert.equal(ip.mf(), false);
  assert.equal(ip.fragOffset(), 0);
  assert.equal(ip.isFragment(), false);
  assert.equal(ip.ttl(), 64);
  assert.equal(ip.protocol(), 6);
  assert.equal(ip.checksum(), 0xb1e6);
  assert.equal(ip.computeChecksum(), 0xb1e6);
  assert.equal(ip.checksumOk(), true);
  assert.equal(ip.src(), 0xac100a63);
  assert.equal(ip.dst(), 0xac100a0c);
  assert.equal(ip.hasOptions(), false);
  assert.equal(ip.hasSourceRoute(), false);
  assert.equal(ip.sourceRouteOff(), -1);
  assert.equal(ip.payloadOff(), 20);
  assert.equal(ip.payloadLen(), 40);
});

test('reads a packet bound at an offset inside a subarray', () => {
  const big = new Uint8Array(SYN.length + 37).fill(0xee);
  big.set(SYN, 17);
  const sub = big.subarray(3);
  const ip = new Ipv4View().bind(sub, 14, SYN.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.src(), 0xac100a63);
  assert.equal(ip.checksumOk(), true);
  assert.equal(ip.payloadOff(), 34);
});

test('ignores trailing link padding: len becomes Total Length', () => {
  const padded = new Uint8Array(SYN.length + 6);
  padded.set(SYN);
  const ip = new Ipv4View().bind(padded, 0, padded.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.len, 60);
  assert.equal(ip.capLen, 66);
  assert.equal(ip.payloadLen(), 40);
});

function reason(bytes: Uint8Array, len = bytes.length, embedded = false): PacketReason | null {
  const v = new Ipv4View().bind(bytes, 0, len);
  return embedded ? v.checkEmbedded() : v.check();
}

function mutate(f: (b: Uint8Array) => void, base: Uint8Array = SYN): Uint8Array {
  const b = base.slice();
  f(b);
  return b;
}

test('refuses malformed IPv4 with a stable reason each', () => {
  assert.equal(reason(SYN, 19), 'ipv4.truncated', 'shorter than 20 octets');
  assert.equal(reason(mutate((b) => (b[0] = 0x65))), 'ipv4.bad-version', 'version 6');
  assert.equal(reason(mutate((b) => (b[0] = 0x44))), 'ipv4.bad-ihl', 'IHL 4');
  assert.equal(reason(SYN, 23, false), 'ipv4.truncated', 'total length past the bound bytes');
  assert.equal(reason(mutate((b) => (b[0] = 0x4f)), 40), 'ipv4.truncated', 'IHL 15 needs 60 octets');
  assert.equal(reason(mutate((b) => (b[3] = 19))), 'ipv4.bad-total-length', 'total length below the header');
  assert.equal(reason(mutate((b) => (b[3] = 0xff))), 'ipv4.truncated', 'total length 255 > 60 octets');
  assert.equal(new Ipv4View().bind(SYN, 50, 20).check(), 'ipv4.truncated', 'bound range past the buffer');
  assert.equal(new Ipv4View().bind(SYN, -1, 20).check(), 'ipv4.truncated', 'negative offset');
  assert.equal(new Ipv4View().bind(SYN, 0.5, 20).check(), 'ipv4.truncated', 'fractional offset');
});

function withOptions(opts: number[]): Uint8Array {
  const b = new Uint8Array(20 + opts.length);
  emitIPv4(b, 0, { protocol: 17, src: 0xc0000201, dst: 0xc6336401, payloadLen: 0, options: Uint8Array.from(opts) });
  return b;
}

test('rejects malformed option lists as ipv4.bad-options', () => {
  assert.equal(reason(withOptions([0x44, 1, 0, 0])), 'ipv4.bad-options', 'length 1');
  assert.equal(reason(withOptions([0x44, 12, 5, 0])), 'ipv4.bad-options', 'option runs past the header');
  assert.equal(reason(withOptions([1, 1, 1, 0x44])), 'ipv4.bad-options', 'length octet missing');
  assert.equal(reason(withOptions([131, 2, 1, 0])), 'ipv4.bad-options', 'source route without a pointer');
  assert.equal(reason(withOptions([1, 1, 0, 0x44])), null, 'EOL ends the list; what follows is padding');
});

test('finds an unexpired loose or strict source route and ignores expired ones', () => {
  // NOP, then LSRR with one address and pointer 4 (unexpired).
  const lsrr = withOptions([1, 131, 7, 4, 10, 0, 0, 1]);
  const ip = new Ipv4View().bind(lsrr, 0, lsrr.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.hasOptions(), true);
  assert.equal(ip.optionsLen(), 8);
  assert.equal(ip.hasSourceRoute(), true);
  assert.equal(ip.sourceRouteOff(), 21);

  // SSRR whose pointer (8) is past its length (7): the route is used up.
  const expired = withOptions([137, 7, 8, 10, 0, 0, 1, 0]);
  assert.equal(ip.bind(expired, 0, expired.length).check(), null);
  assert.equal(ip.hasSourceRoute(), false);

  // Record Route (7) is not a source route; a later SSRR with pointer == length is unexpired.
  const later = withOptions([7, 3, 4, 137, 7, 7, 10, 0, 0, 1, 0, 0]);
  assert.equal(ip.bind(later, 0, later.length).check(), null);
  assert.equal(ip.sourceRouteOff(), 23);
});

test('checkEmbedded accepts a datagram cut short inside an ICMP error', () => {
  const ip = new Ipv4View().bind(SYN, 0, 28);
  assert.equal(ip.check(), 'ipv4.truncated');
  assert.equal(ip.bind(SYN, 0, 28).checkEmbedded(), null);
  assert.equal(ip.truncated, true);
  assert.equal(ip.len, 28);
  assert.equal(ip.totalLen(), 60);
  assert.equal(ip.payloadLen(), 8);
  assert.equal(reason(SYN, 19, true), 'ipv4.truncated', 'the header itself must be complete');
});

test('setters write the fields in place and the checksum follows', () => {
  const b = SYN.slice();
  const ip = new Ipv4View().bind(b, 0, b.length);
  assert.equal(ip.check(), null);
  ip.setTtl(63).setTos(0xb8).setId(0xbeef).setDf(false).setMf(true).setFragOffset(1480);
  ip.setSrc(0xc0000201).setDst(0xffffffff).setProtocol(17).setTotalLen(60).fillChecksum();
  assert.equal(ip.ttl(), 63);
  assert.equal(ip.tos(), 0xb8);
  assert.equal(ip.id(), 0xbeef);
  assert.equal(ip.df(), false);
  assert.equal(ip.mf(), true);
  assert.equal(ip.fragOffset(), 1480);
  assert.equal(ip.isFragment(), true);
  assert.equal(ip.src(), 0xc0000201);
  assert.equal(ip.dst(), 0xffffffff);
  assert.equal(ip.protocol(), 17);
  assert.equal(ip.checksumOk(), true);
  ip.setMf(false).setDf(true).setFragOffset(0);
  assert.deepEqual([ip.df(), ip.mf(), ip.fragOffset()], [true, false, 0]);
  assert.equal(ip.headerLen(), 20);
});

test('emitIPv4 writes every octet of the header with a correct checksum', () => {
  const buf = new Uint8Array(64).fill(0xa5);
  const n = emitIPv4(buf, 2, {
    tos: 0, id: 0x1c46, df: true, ttl: 64, protocol: 6, src: 0xac100a63, dst: 0xac100a0c, payloadLen: 40,
  });
  assert.equal(n, 20);
  assert.deepEqual(buf.subarray(2, 22), SYN.subarray(0, 20));
  assert.equal(buf[1], 0xa5);
  assert.equal(buf[22], 0xa5);
});

test('emitIPv4 pads options with EOL to a 32-bit boundary', () => {
  const buf = new Uint8Array(40).fill(0xa5);
  const n = emitIPv4(buf, 0, { protocol: 1, src: 1, dst: 2, payloadLen: 0, options: Uint8Array.of(1, 1, 1, 1, 1) });
  assert.equal(n, 28);
  assert.deepEqual([...buf.subarray(20, 28)], [1, 1, 1, 1, 1, 0, 0, 0]);
  const ip = new Ipv4View().bind(buf, 0, 28);
  assert.equal(ip.check(), null);
  assert.equal(ip.checksumOk(), true);
  assert.throws(() => emitIPv4(buf, 0, { protocol: 1, src: 1, dst: 2, payloadLen: 0, options: new Uint8Array(41) }), RangeError);
});

test('every IPv4 reason is in PACKET_REASONS', () => {
  for (const r of ['ipv4.truncated', 'ipv4.bad-version', 'ipv4.bad-ihl', 'ipv4.bad-total-length', 'ipv4.bad-options']) {
    assert.ok((PACKET_REASONS as readonly string[]).includes(r), r);
  }
});

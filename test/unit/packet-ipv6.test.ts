import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipv6View, Frag6View, UdpView, emitIPv6, emitFrag6, type PacketReason } from '../../src/packet/index.js';
import { hex } from '../../testlib/assert.js';

const addr = (last: number): Uint8Array => Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last);

// 2001:db8::1 -> 2001:db8::2, first fragment of a UDP datagram (5353 -> 53), with
// Hop-by-Hop (PadN) -> Routing type 2, Segments Left 1 -> Fragment (offset 0, M=1, id 0xdeadbeef) -> UDP.
const FRAG1 = hex(`
60 00 00 00 00 40 00 40 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 02 2b 00 01 04 00 00 00 00
2c 02 02 01 00 00 00 00 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 99 11 00 00 01 de ad be ef
14 e9 00 35 00 20 fb 77 68 65 6c 6c 6f 2c 20 77
6f 72 6c 64 21 21 21 21`);

// The second fragment of the same datagram: Hop-by-Hop -> Fragment (offset 24, M=0) -> 8 data octets.
const FRAG2 = hex(`
60 00 00 00 00 18 00 40 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00
00 00 00 00 00 00 00 02 2c 00 01 04 00 00 00 00
11 00 00 18 de ad be ef 41 42 43 44 45 46 47 48`);

test('walks hop-by-hop, routing and fragment headers to UDP in a first fragment', () => {
  const ip = new Ipv6View().bind(FRAG1, 0, FRAG1.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.version(), 6);
  assert.equal(ip.trafficClass(), 0);
  assert.equal(ip.flowLabel(), 0);
  assert.equal(ip.payloadLen(), 64);
  assert.equal(ip.nextHeader(), 0);
  assert.equal(ip.hopLimit(), 64);
  assert.deepEqual(FRAG1.subarray(ip.srcOff(), ip.srcOff() + 16), addr(1));
  assert.deepEqual(FRAG1.subarray(ip.dstOff(), ip.dstOff() + 16), addr(2));
  assert.equal(ip.hasHopByHop(), true);
  assert.equal(ip.hasDestOptions(), false);
  assert.equal(ip.routingHeaderOff(), 48);
  assert.equal(ip.segmentsLeft(), 1);
  assert.equal(ip.segmentsLeftPointer(), 51);
  assert.equal(ip.hasFragment(), true);
  assert.equal(ip.fragHeaderOff(), 72);
  assert.equal(ip.fragOffset(), 0);
  assert.equal(ip.fragMore(), true);
  assert.equal(ip.fragId(), 0xdeadbeef);
  assert.equal(ip.hasUpperHeader(), true);
  assert.equal(ip.upperProto(), 17);
  assert.equal(ip.upperOff(), 80);
  assert.equal(ip.upperLen(), 24);
  assert.equal(ip.extLen(), 40);

  // The UDP length (32) covers the whole datagram, so only checkEmbedded-style reading fits a fragment.
  const udp = new UdpView().bind(FRAG1, ip.upperOff(), ip.upperLen());
  assert.equal(udp.check(), 'udp.truncated');
  assert.equal(udp.bind(FRAG1, ip.upperOff(), ip.upperLen()).checkEmbedded(), null);
  assert.deepEqual([udp.srcPort(), udp.dstPort(), udp.length()], [5353, 53, 32]);
});

test('a non-first fragment has no upper-layer header; the protocol comes from the Fragment header', () => {
  const ip = new Ipv6View().bind(FRAG2, 0, FRAG2.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.hasFragment(), true);
  assert.equal(ip.fragHeaderOff(), 48);
  assert.equal(ip.fragOffset(), 24);
  assert.equal(ip.fragMore(), false);
  assert.equal(ip.fragId(), 0xdeadbeef);
  assert.equal(ip.hasUpperHeader(), false);
  assert.equal(ip.upperProto(), 17);
  assert.equal(ip.upperOff(), 56);
  assert.equal(ip.upperLen(), 8);
  assert.equal(ip.routingHeaderOff(), -1);
  assert.equal(ip.segmentsLeftPointer(), -1);
});

test('a non-first fragment stops the walk even when its data looks like a header', () => {
  const b = FRAG2.slice();
  b[48] = 60; // Fragment's Next Header says Destination Options, but offset != 0: data, not a header
  const ip = new Ipv6View().bind(b, 0, b.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.upperProto(), 60);
  assert.equal(ip.hasDestOptions(), false);
});

function build(ext: Parameters<typeof emitIPv6>[2]['ext'], nextHeader: number, upperLen = 8): Uint8Array {
  const buf = new Uint8Array(400).fill(0xa5);
  const n = emitIPv6(buf, 0, { nextHeader, src: addr(1), dst: addr(2), ext, upperLen });
  buf.fill(0, n, n + upperLen);
  return buf.slice(0, n + upperLen);
}

test('parses a Fragment header that follows destination options and routing', () => {
  const b = build(
    [{ type: 60, options: Uint8Array.of(1, 2, 0, 0) }, { type: 43, segmentsLeft: 0 }, { type: 44, fragOffset: 0, more: true, id: 7 }, { type: 60 }],
    6,
    20,
  );
  const ip = new Ipv6View().bind(b, 0, b.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.hasHopByHop(), false);
  assert.equal(ip.hasDestOptions(), true);
  assert.equal(ip.routingHeaderOff(), 48);
  assert.equal(ip.segmentsLeft(), 0);
  assert.equal(ip.fragHeaderOff(), 56);
  assert.deepEqual([ip.fragOffset(), ip.fragMore(), ip.fragId()], [0, true, 7]);
  assert.equal(ip.upperProto(), 6);
  assert.equal(ip.upperOff(), 72);
  assert.equal(ip.extLen(), 32);
});

test('stops at AH, ESP, No Next Header and unknown protocols', () => {
  for (const nh of [51, 50, 59, 253]) {
    const b = build([{ type: 0 }], nh);
    const ip = new Ipv6View().bind(b, 0, b.length);
    assert.equal(ip.check(), null, String(nh));
    assert.equal(ip.upperProto(), nh);
    assert.equal(ip.upperOff(), 48);
    assert.equal(ip.hasUpperHeader(), true);
  }
  const none = build(undefined, 59, 0);
  const ip = new Ipv6View().bind(none, 0, none.length);
  assert.equal(ip.check(), null);
  assert.deepEqual([ip.upperProto(), ip.upperLen(), ip.extLen()], [59, 0, 0]);
});

test('trims trailing octets past the Payload Length', () => {
  const b = new Uint8Array(FRAG2.length + 10);
  b.set(FRAG2);
  const ip = new Ipv6View().bind(b, 0, b.length);
  assert.equal(ip.check(), null);
  assert.equal(ip.len, 64);
  assert.equal(ip.capLen, 74);
  assert.equal(ip.upperLen(), 8);
});

function reason(b: Uint8Array, len = b.length): PacketReason | null {
  return new Ipv6View().bind(b, 0, len).check();
}

test('refuses malformed IPv6 with a stable reason each', () => {
  assert.equal(reason(FRAG2, 39), 'ipv6.truncated', 'shorter than 40 octets');
  assert.equal(reason(FRAG2, 63), 'ipv6.truncated', 'payload length past the bound bytes');
  const v4 = FRAG2.slice();
  v4[0] = 0x45;
  assert.equal(reason(v4), 'ipv6.bad-version');
  // Payload Length 4: the Hop-by-Hop header (8 octets) no longer fits.
  const shortExt = FRAG2.slice(0, 44);
  shortExt[5] = 4;
  assert.equal(reason(shortExt), 'ipv6.ext-truncated', 'options header past the payload');
  const bigLen = FRAG2.slice();
  bigLen[41] = 5; // Hdr Ext Len 5: 48 octets
  assert.equal(reason(bigLen), 'ipv6.ext-truncated', 'Hdr Ext Len past the payload');
  const fragCut = FRAG1.slice(0, 76);
  fragCut[5] = 36;
  assert.equal(reason(fragCut), 'ipv6.ext-truncated', 'Fragment header cut');
  assert.equal(reason(build([{ type: 60 }, { type: 0 }], 17)), 'ipv6.hbh-not-first');
  assert.equal(
    reason(build([{ type: 44, fragOffset: 0, more: true, id: 1 }, { type: 44, fragOffset: 0, more: true, id: 1 }], 17)),
    'ipv6.multiple-fragment',
  );
});

test('checkEmbedded accepts a cut payload but not a cut extension header', () => {
  const ip = new Ipv6View().bind(FRAG1, 0, 84);
  assert.equal(ip.checkEmbedded(), null);
  assert.equal(ip.truncated, true);
  assert.equal(ip.upperLen(), 4);
  assert.equal(ip.bind(FRAG1, 0, 60).checkEmbedded(), 'ipv6.ext-truncated');
});

test('setters write version, traffic class, flow label and lengths', () => {
  const b = FRAG2.slice();
  const ip = new Ipv6View().bind(b, 0, b.length);
  ip.setVersionTcFlow(0xb8, 0xabcde).setHopLimit(3).setNextHeader(17).setPayloadLen(8);
  assert.deepEqual([ip.version(), ip.trafficClass(), ip.flowLabel(), ip.hopLimit(), ip.nextHeader(), ip.payloadLen()], [6, 0xb8, 0xabcde, 3, 17, 8]);
});

test('emitIPv6 writes the header and padded extension headers', () => {
  const buf = new Uint8Array(120).fill(0xa5);
  const n = emitIPv6(buf, 0, {
    trafficClass: 0, flowLabel: 0, hopLimit: 64, nextHeader: 17, src: addr(1), dst: addr(2), upperLen: 24,
    ext: [{ type: 0 }, { type: 43, routingType: 2, segmentsLeft: 1, data: Uint8Array.of(0, 0, 0, 0, ...addr(0x99)) }, { type: 44, fragOffset: 0, more: true, id: 0xdeadbeef }],
  });
  assert.equal(n, 80);
  // Identical to the literal except the Hop-by-Hop padding (PadN of 4 there, PadN of 4 here too).
  assert.deepEqual(buf.subarray(0, 80), FRAG1.subarray(0, 80));
  assert.equal(buf[80], 0xa5);
});

test('Frag6View reads and writes a Fragment header', () => {
  const fh = new Frag6View().bind(FRAG2, 48, 16);
  assert.equal(fh.check(), null);
  assert.equal(fh.len, 8);
  assert.deepEqual([fh.nextHeader(), fh.fragOffset(), fh.more(), fh.id()], [17, 24, false, 0xdeadbeef]);
  assert.equal(fh.bind(FRAG2, 60, 4).check(), 'frag6.truncated');
  assert.equal(fh.bind(FRAG2, 60, 8).check(), 'frag6.truncated', 'past the end of the buffer');
  const buf = new Uint8Array(10).fill(0xa5);
  assert.equal(emitFrag6(buf, 1, { nextHeader: 6, fragOffset: 1232, more: true, id: 0x01020304 }), 8);
  assert.deepEqual([...buf], [0xa5, 6, 0, 0x04, 0xd1, 1, 2, 3, 4, 0xa5]);
  fh.bind(buf, 1, 8).setOffsetMore(8, false);
  assert.deepEqual([fh.fragOffset(), fh.more()], [8, false]);
});

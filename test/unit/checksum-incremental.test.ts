import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjust, finish, sum16, udpFinish, update16, update32 } from '../../src/checksum/index.js';

function words(...ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 2);
  ws.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

test('RFC 1624 §4: m = 0x5555 -> 0x3285 with the rest summing to 0xcd7a updates 0xdd2f to +0 (0x0000)', () => {
  // The RFC's numbers: the rest of the header sums to 0xcd7a, HC = 0xdd2f, and recomputation
  // from scratch gives 0x0000.
  const before = words(0xcd7a, 0x5555);
  const after = words(0xcd7a, 0x3285);
  assert.equal(finish(sum16(before, 0, 4)), 0xdd2f);
  assert.equal(finish(sum16(after, 0, 4)), 0x0000);
  assert.equal(update16(0xdd2f, 0x5555, 0x3285), 0x0000);
});

test('RFC 1624 §4: the RFC 1141 form (eqn. 2) would have produced -0 (0xffff) for the same change', () => {
  // Written out here only to show why incremental.ts uses eqn. 3: HC' = HC + m + ~m'.
  let s = 0xdd2f + 0x5555 + (~0x3285 & 0xffff);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  assert.equal(s, 0xffff);
  assert.notEqual(update16(0xdd2f, 0x5555, 0x3285), s);
});

test('an unchanged word leaves the checksum alone, including HC = 0 (RFC 1624 erratum 4782)', () => {
  // Words summing to 0xffff have checksum 0; rewriting 0x5555 with itself must keep it 0.
  const hdr = words(0xaaaa, 0x5555);
  assert.equal(finish(sum16(hdr, 0, 4)), 0x0000);
  assert.equal(update16(0x0000, 0x5555, 0x5555), 0x0000);
  for (const hc of [0x0001, 0x1234, 0xfffe]) assert.equal(update16(hc, 0xbeef, 0xbeef), hc);
});

test('update16 on a TTL decrement equals recomputing the Wikipedia IPv4 header checksum', () => {
  const hdr = words(0x4500, 0x0030, 0x4422, 0x4000, 0x8006, 0x442e, 0x8c7c, 0x19ac, 0xae24, 0x1e2b);
  hdr[8] = 0x7f; // TTL 128 -> 127: word 0x8006 -> 0x7f06
  const updated = update16(0x442e, 0x8006, 0x7f06);
  hdr[10] = 0;
  hdr[11] = 0;
  assert.equal(updated, finish(sum16(hdr, 0, 20)));
});

test('update32 on an address rewrite equals recomputing the IPv4 header checksum', () => {
  const hdr = words(0x4500, 0x0030, 0x4422, 0x4000, 0x8006, 0x0000, 0x8c7c, 0x19ac, 0xae24, 0x1e2b);
  const hc = finish(sum16(hdr, 0, 20));
  // 174.36.30.43 -> 198.51.100.7 (above 2^31, so the signed form is exercised too)
  hdr.set([198, 51, 100, 7], 16);
  assert.equal(update32(hc, 0xae241e2b, 0xc6336407), finish(sum16(hdr, 0, 20)));
  assert.equal(update32(hc, 0xae241e2b | 0, 0xc6336407 | 0), finish(sum16(hdr, 0, 20)));
});

test('adjust replaces a whole summed region and equals recomputing', () => {
  const pkt = words(0x1111, 0x2222, 0x3333, 0x4444, 0x5555);
  const hc = finish(sum16(pkt, 0, 10));
  const oldSum = sum16(pkt, 2, 6);
  pkt.set(words(0xfedc, 0x0000, 0x8001), 2);
  assert.equal(adjust(hc, oldSum, sum16(pkt, 2, 6)), finish(sum16(pkt, 0, 10)));
});

test('udpFinish sends a computed 0x0000 as 0xffff and leaves other values alone (RFC 768)', () => {
  assert.equal(udpFinish(0x0000), 0xffff);
  assert.equal(udpFinish(0xffff), 0xffff);
  assert.equal(udpFinish(0x5d62), 0x5d62);
});

test('adjust accepts a UDP checksum stored as 0xffff (a computed 0) and stays equal to recomputing', () => {
  // Words summing to 0xffff give a computed checksum of 0, sent as 0xffff.
  const pkt = words(0x1234, 0xedcb);
  const sent = udpFinish(finish(sum16(pkt, 0, 4)));
  assert.equal(sent, 0xffff);
  const oldSum = sum16(pkt, 2, 2);
  pkt.set(words(0x0101), 2);
  assert.equal(udpFinish(adjust(sent, oldSum, 0x0101)), udpFinish(finish(sum16(pkt, 0, 4))));
});

// Offloads (a TUN with IFF_VNET_HDR): CHECKSUM_PARTIAL packets keep a partial sum that the kernel
// completes later, GSO super-packets are translated whole with their gso_type mapped and their
// segments held to the next hop's MTU, and what the in-place path does not take comes back as
// `resegment` for software segmentation (offload.ts `segment`), whose pieces are ordinary packets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkConfig } from '../../src/config/index.js';
import {
  Translator,
  Verdict,
  HEADROOM,
  TO_IPV6,
  TO_IPV4,
  PacketOffload,
  Segments,
  segment,
  settlePartial,
  F_NEEDS_CSUM,
  GSO_NONE,
  GSO_TCPV4,
  GSO_TCPV6,
  GSO_UDP_L4,
  GSO_ECN,
  VNET_HDR_LEN,
} from '../../src/translate/index.js';
import { buildPacket, Ipv4View, Icmpv4View, Ipv6View, Icmpv6View, type PacketSpec } from '../../src/packet/index.js';
import { pseudoSum4, pseudoSum6, referenceChecksum, sum16 } from '../../src/checksum/index.js';
import { CONFIG, BLUE_HOST4, BLUE_HOST6, REMOTE4, REMOTE6, payload } from '../../testlib/rig-6to4.js';

const BLUE = 0;
const be16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const put16 = (b: Uint8Array, o: number, v: number): void => void ((b[o] = v >>> 8), (b[o + 1] = v & 0xff));

function translator(over: Record<string, unknown> = {}): Translator {
  const { table, translator: options } = checkConfig({ ...CONFIG, translator: { ...CONFIG.translator, ...over } });
  return new Translator(table, options);
}

function tcp4(n: number, df = true, flags = 0x18): PacketSpec {
  return {
    ip: { version: 4, src: BLUE_HOST4, dst: REMOTE4, ttl: 64, tos: 0, id: 0x4242, df },
    l4: { proto: 'tcp', srcPort: 40000, dstPort: 443, seq: 0xfffff000, ack: 7, flags, window: 512 },
    payload: payload(n),
  };
}
function udp4(n: number, df = true): PacketSpec {
  return { ip: { version: 4, src: BLUE_HOST4, dst: REMOTE4, ttl: 64, tos: 0, id: 9, df }, l4: { proto: 'udp', srcPort: 5000, dstPort: 53 }, payload: payload(n) };
}
function tcp6(n: number, flags = 0x18): PacketSpec {
  return {
    ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, hopLimit: 64, trafficClass: 0 },
    l4: { proto: 'tcp', srcPort: 443, dstPort: 40000, seq: 1000, ack: 7, flags, window: 512 },
    payload: payload(n),
  };
}
function udp6(n: number): PacketSpec {
  return { ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, hopLimit: 64, trafficClass: 0 }, l4: { proto: 'udp', srcPort: 53, dstPort: 5000 }, payload: payload(n) };
}

/** Where the L4 header starts, and its checksum field, for a built packet. */
function l4Of(p: Uint8Array): { l4: number; ck: number; proto: number } {
  const v4 = p[0]! >> 4 === 4;
  const l4 = v4 ? (p[0]! & 15) * 4 : 40;
  const proto = v4 ? p[9]! : p[6]!;
  return { l4, ck: l4 + (proto === 6 ? 16 : 6), proto };
}

/** The packet as a kernel hands it over with CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum. */
function partialOf(p: Uint8Array, o: PacketOffload): Uint8Array {
  const q = p.slice();
  const { l4, ck, proto } = l4Of(q);
  const len = q.length - l4;
  const ps = q[0]! >> 4 === 4 ? pseudoSum4(be16(q, 12) * 65536 + be16(q, 14), be16(q, 16) * 65536 + be16(q, 18), proto, len) : pseudoSum6(q, 8, 24, proto, len);
  put16(q, ck, ps);
  o.flags = F_NEEDS_CSUM;
  o.csumStart = l4;
  o.csumOffset = ck - l4;
  return q;
}

/** Completes a partial checksum as the kernel would and says whether the packet's L4 checksum then verifies. */
function completesToValid(p: Uint8Array): boolean {
  const q = p.slice();
  const { l4, ck, proto } = l4Of(q);
  const len = q.length - l4;
  put16(q, ck, ~sum16(q, l4, len) & 0xffff);
  const ps = q[0]! >> 4 === 4 ? pseudoSum4(be16(q, 12) * 65536 + be16(q, 14), be16(q, 16) * 65536 + be16(q, 18), proto, len) : pseudoSum6(q, 8, 24, proto, len);
  return sum16(q, l4, len, ps) === 0xffff;
}

/** Runs one packet through the translator with offload metadata `o`; returns the verdict. */
function run(tr: Translator, pkt: Uint8Array, o: PacketOffload | null, tenant = BLUE): { v: Verdict; buf: Uint8Array } {
  const buf = new Uint8Array(HEADROOM + pkt.length + 16);
  buf.set(pkt, HEADROOM);
  const v = new Verdict();
  if (o === null) tr.offload.clear();
  else tr.offload.copyFrom(o);
  if (pkt[0]! >> 4 === 4) tr.from4(tenant, buf, HEADROOM, pkt.length, v);
  else tr.from6(buf, HEADROOM, pkt.length, v);
  return { v, buf };
}

test('partial checksums: 4->6 and 6->4, TCP and UDP, the translated partial sum completes to a valid checksum (any payload)', () => {
  const tr = translator();
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 1200 }), fc.constantFrom('tcp4', 'udp4', 'tcp6', 'udp6'), (data, kind) => {
      const spec = kind === 'tcp4' ? tcp4(0) : kind === 'udp4' ? udp4(0) : kind === 'tcp6' ? tcp6(0) : udp6(0);
      const o = new PacketOffload();
      const pkt = partialOf(buildPacket({ ...spec, payload: data }), o);
      const { v } = run(tr, pkt, o);
      assert.equal(v.drop, null);
      assert.equal(v.count, 1);
      assert.equal(v.offloadAt, 0);
      const out = v.packet(0);
      assert.equal(v.offload.flags, F_NEEDS_CSUM);
      assert.equal(v.offload.gsoType, GSO_NONE);
      assert.equal(v.offload.csumStart, kind.endsWith('4') ? 40 : 20);
      assert.equal(v.offload.csumOffset, kind.startsWith('tcp') ? 16 : 6);
      assert.ok(completesToValid(out), `${kind}: partial sum of the output completes to a valid checksum`);
    }),
    { seed: 464, numRuns: 400 },
  );
});

test('a partial sum gets the uncomplemented update: the full-checksum update (RFC 1624 eqn. 3) would not complete to a valid checksum', () => {
  // Guards against the translator treating the field as a finished checksum.
  const tr = translator();
  const o = new PacketOffload();
  const pkt = partialOf(buildPacket(tcp4(100)), o);
  const { v } = run(tr, pkt, o);
  const out = v.packet(0).slice();
  assert.ok(completesToValid(out));
  // A finished checksum run through the same translation stays a finished one: the two paths differ.
  const full = run(tr, buildPacket(tcp4(100)), null).v.packet(0);
  assert.notEqual(be16(full, 56), be16(out, 56));
  assert.equal(v.offloadAt, 0);
});

test('GSO TCP 4->6: one translation for the super-packet, TCPV4 -> TCPV6 (ECN kept), gso_size kept, csum_start 40, hdr_len 60', () => {
  const tr = translator();
  const o = new PacketOffload();
  const pkt = partialOf(buildPacket(tcp4(20 * 1400)), o);
  o.gsoType = GSO_TCPV4 | GSO_ECN;
  o.gsoSize = 1400;
  o.hdrLen = 40;
  const { v } = run(tr, pkt, o);
  assert.equal(v.drop, null);
  assert.equal(v.count, 1);
  assert.equal(v.to[0], TO_IPV6);
  const out = v.packet(0);
  assert.equal(out.length, 40 + 20 + 20 * 1400, 'the whole super-packet, header swapped');
  assert.equal(be16(out, 4), 20 + 20 * 1400, 'payload length');
  assert.equal(v.offload.gsoType, GSO_TCPV6 | GSO_ECN);
  assert.equal(v.offload.gsoSize, 1400);
  assert.equal(v.offload.csumStart, 40);
  assert.equal(v.offload.hdrLen, 60);
  assert.ok(completesToValid(out));
});

test('GSO 4->6 segments that would not fit the IPv6 MTU: DF=1 is answered with Fragmentation Needed (MTU 1480), DF=0 TCP takes a smaller gso_size', () => {
  const tr = translator({ ipv6Mtu: 1500, lowestIpv6Mtu: 1500 });
  const o = new PacketOffload();
  const big = partialOf(buildPacket(tcp4(10 * 1460)), o);
  o.gsoType = GSO_TCPV4;
  o.gsoSize = 1460; // 1460 + 20 + 40 = 1520 > 1500
  const df = run(tr, big, o).v;
  assert.equal(df.drop, '46.fragmentation-needed');
  assert.equal(df.count, 1);
  const err = df.packet(0);
  const ic = new Icmpv4View().bind(err, 20, err.length - 20);
  assert.deepEqual([ic.type(), ic.code(), ic.mtu()], [3, 4, 1480]);

  const o2 = new PacketOffload();
  const nodf = partialOf(buildPacket(tcp4(10 * 1460, false)), o2);
  o2.gsoType = GSO_TCPV4;
  o2.gsoSize = 1460;
  const v = run(tr, nodf, o2).v;
  assert.equal(v.drop, null);
  assert.equal(v.offload.gsoSize, 1500 - 40 - 20, 'segments cut to fit');
  assert.ok(completesToValid(v.packet(0)));

  // A 1440-octet gso_size fits (1440 + 60 = 1500): passes unchanged.
  const o3 = new PacketOffload();
  const fits = partialOf(buildPacket(tcp4(10 * 1440)), o3);
  o3.gsoType = GSO_TCPV4;
  o3.gsoSize = 1440;
  const v3 = run(tr, fits, o3).v;
  assert.equal(v3.drop, null);
  assert.equal(v3.offload.gsoSize, 1440);
});

test('GSO UDP (USO) 4->6 passes whole as UDP_L4; DF=0 datagrams too big for the path come back for software segmentation, untouched', () => {
  const tr = translator({ ipv6Mtu: 1500, lowestIpv6Mtu: 1280 });
  const o = new PacketOffload();
  const pkt = partialOf(buildPacket(udp4(8 * 1200)), o);
  o.gsoType = GSO_UDP_L4;
  o.gsoSize = 1200;
  const ok = run(tr, pkt, o).v;
  assert.equal(ok.drop, null);
  assert.equal(ok.offload.gsoType, GSO_UDP_L4);
  assert.equal(ok.offload.hdrLen, 48);

  const o2 = new PacketOffload();
  const nodf = partialOf(buildPacket(udp4(8 * 1300, false)), o2);
  o2.gsoType = GSO_UDP_L4;
  o2.gsoSize = 1300; // 1300 + 8 + 40 > 1280
  const { v, buf } = run(tr, nodf, o2);
  assert.equal(v.resegment, true);
  assert.equal(v.count, 0);
  assert.equal(v.drop, null);
  assert.deepEqual(buf.subarray(HEADROOM, HEADROOM + nodf.length), nodf, 'the input is left as read');
});

test('GSO 6->4: TCPV6 -> TCPV4 whole; a segment too big for the tenant MTU is answered with Packet Too Big (MTU + 20)', () => {
  const tr = translator({ ipv4Mtu: 1400 });
  const o = new PacketOffload();
  const pkt = partialOf(buildPacket(tcp6(30 * 1200)), o);
  o.gsoType = GSO_TCPV6;
  o.gsoSize = 1200;
  const v = run(tr, pkt, o).v;
  assert.equal(v.drop, null);
  assert.equal(v.to[0], TO_IPV4);
  const out = v.packet(0);
  assert.equal(out.length, 20 + 20 + 30 * 1200);
  assert.equal(new Ipv4View().bind(out, 0, out.length).check(), null, 'a valid IPv4 header (total length of the super-packet)');
  assert.deepEqual([v.offload.gsoType, v.offload.gsoSize, v.offload.csumStart, v.offload.hdrLen], [GSO_TCPV4, 1200, 20, 40]);
  assert.ok(completesToValid(out));

  const o2 = new PacketOffload();
  const big = partialOf(buildPacket(tcp6(10 * 1400)), o2);
  o2.gsoType = GSO_TCPV6;
  o2.gsoSize = 1400; // 20 + 20 + 1400 > 1400
  const v2 = run(tr, big, o2).v;
  assert.equal(v2.drop, '64.packet-too-big');
  const e = v2.packet(0);
  const ip = new Ipv6View().bind(e, 0, e.length);
  const ic = new Icmpv6View().bind(e, ip.upperOff(), ip.upperLen());
  assert.deepEqual([ic.type(), ic.mtu()], [2, 1420]);
});

test('offloads the in-place path does not take: a GSO type that does not match the protocol comes back for segmentation; a partial checksum on a datagram to be fragmented is completed first', () => {
  const tr = translator();
  const o = new PacketOffload();
  const pkt = partialOf(buildPacket(tcp4(3000)), o);
  o.gsoType = GSO_UDP_L4;
  o.gsoSize = 1000;
  assert.equal(run(tr, pkt, o).v.resegment, true);

  // A partial UDP checksum on a DF=0 datagram that must be fragmented: completed first, so the
  // reassembled datagram's checksum verifies over the IPv6 pseudo-header.
  const frTr = translator({ ipv6Mtu: 1500, lowestIpv6Mtu: 1280 });
  const o2 = new PacketOffload();
  const udp = partialOf(buildPacket(udp4(3000, false)), o2);
  const fr = run(frTr, udp, o2).v;
  assert.equal(fr.drop, null);
  assert.equal(fr.count, 3);
  assert.equal(fr.offloadAt, -1, 'fragments are plain packets');
  const parts: number[] = [];
  for (let i = 0; i < fr.count; i++) parts.push(...fr.packet(i).subarray(48));
  const dgram = Uint8Array.from(parts);
  const first = fr.packet(0);
  assert.equal(sum16(dgram, 0, dgram.length, pseudoSum6(first, 8, 24, 17, dgram.length)), 0xffff, 'reassembled UDP checksum');
  // csum_start beyond the packet: malformed, dropped with a reason.
  const o3 = new PacketOffload();
  const bad = partialOf(buildPacket({ ...udp4(10), l4: { proto: 'udp', srcPort: 1, dstPort: 2 } }), o3);
  o3.csumStart = 2000;
  o3.csumOffset = 6;
  const dropped = run(tr, bad, o3).v;
  assert.equal(dropped.drop, '46.bad-offload');
  assert.equal(dropped.count, 0);
  // gso_size 0 on a GSO packet: malformed.
  const o4 = new PacketOffload();
  const zero = partialOf(buildPacket(tcp4(3000)), o4);
  o4.gsoType = GSO_TCPV4;
  o4.gsoSize = 0;
  assert.equal(run(tr, zero, o4).v.drop, '46.bad-offload');
});

test('segment: a TCP super-packet becomes consecutive segments with valid checksums, FIN/PSH on the last only, CWR on the first only, IPv4 IDs counting', () => {
  const o = new PacketOffload();
  const pkt = partialOf(buildPacket(tcp4(5 * 1000 + 123, true, 0x80 | 0x18 | 0x01)), o);
  o.gsoType = GSO_TCPV4;
  o.gsoSize = 1000;
  const out = new Uint8Array(20000);
  const segs = new Segments();
  assert.equal(segment(pkt, 0, pkt.length, 20, o, referenceChecksum, out, HEADROOM, segs), null);
  assert.equal(segs.count, 6);
  const data: number[] = [];
  for (let k = 0; k < segs.count; k++) {
    const p = out.subarray(segs.offs[k]!, segs.offs[k]! + segs.lens[k]!);
    assert.equal(segs.offs[k]! >= HEADROOM, true);
    assert.equal(new Ipv4View().bind(p, 0, p.length).check(), null);
    assert.equal(sum16(p, 0, 20), 0xffff, 'IPv4 header checksum');
    assert.equal(be16(p, 4), (0x4242 + k) & 0xffff, 'IPv4 ID');
    const seq = ((p[24]! << 24) | (p[25]! << 16) | (p[26]! << 8) | p[27]!) >>> 0;
    assert.equal(seq, (0xfffff000 + k * 1000) >>> 0, 'sequence number (wrapping)');
    const f = p[33]!;
    assert.equal((f & 0x09) !== 0, k === 5, 'FIN/PSH');
    assert.equal((f & 0x80) !== 0, k === 0, 'CWR');
    assert.equal(sum16(p, 20, p.length - 20, pseudoSum4(BLUE_HOST4, REMOTE4, 6, p.length - 20)), 0xffff, 'TCP checksum');
    data.push(...p.subarray(40));
  }
  assert.deepEqual(Uint8Array.from(data), pkt.subarray(40), 'the payload, in order');
});

test('segment: a USO IPv6 super-packet becomes datagrams with their own UDP length and checksum; too many pieces is refused', () => {
  const o = new PacketOffload();
  const pkt = partialOf(buildPacket(udp6(4 * 1200 + 1)), o);
  o.gsoType = GSO_UDP_L4;
  o.gsoSize = 1200;
  const out = new Uint8Array(20000);
  const segs = new Segments();
  assert.equal(segment(pkt, 0, pkt.length, 40, o, referenceChecksum, out, HEADROOM, segs), null);
  assert.equal(segs.count, 5);
  for (let k = 0; k < 5; k++) {
    const p = out.subarray(segs.offs[k]!, segs.offs[k]! + segs.lens[k]!);
    const n = k === 4 ? 1 : 1200;
    assert.equal(be16(p, 4), 8 + n, 'payload length');
    assert.equal(be16(p, 44), 8 + n, 'UDP length');
    assert.equal(sum16(p, 40, 8 + n, pseudoSum6(p, 8, 24, 17, 8 + n)), 0xffff, 'UDP checksum');
  }
  o.gsoSize = 10; // 481 pieces
  assert.equal(segment(pkt, 0, pkt.length, 40, o, referenceChecksum, out, HEADROOM, segs), 'offload-too-many-segments');
});

test('settlePartial completes the checksum like a NIC and clears NEEDS_CSUM', () => {
  const o = new PacketOffload();
  const full = buildPacket(udp4(333));
  const pkt = partialOf(full, o);
  assert.equal(settlePartial(pkt, 0, pkt.length, o, referenceChecksum, true), true);
  assert.deepEqual(pkt, full);
  assert.equal(o.flags & F_NEEDS_CSUM, 0);
});

test('PacketOffload load/store: the 10-octet little-endian struct virtio_net_hdr', () => {
  const o = new PacketOffload();
  o.load(Uint8Array.of(1, 4 | 0x80, 60, 0, 0xa8, 0x05, 40, 0, 16, 0), 0);
  assert.deepEqual([o.flags, o.gsoType, o.gso, o.hdrLen, o.gsoSize, o.csumStart, o.csumOffset], [1, 0x84, 4, 60, 1448, 40, 16]);
  const b = new Uint8Array(VNET_HDR_LEN + 3);
  o.store(b, 3);
  assert.deepEqual([...b.subarray(3)], [1, 0x84, 60, 0, 0xa8, 0x05, 40, 0, 16, 0]);
});

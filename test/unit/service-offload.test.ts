/**
 * The daemon's packet loop with offloads (devices with a virtio_net_hdr, in memory): a GSO
 * super-packet crosses in one read and one write with its header mapped, plain TCP segments and
 * UDP datagrams of one flow are coalesced into one GSO write (GRO on the write side) unless
 * something about them differs, and a super-packet the translator does not take whole is cut in software.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pseudoSum4, pseudoSum6, sum16, WasmChecksum } from '../../src/checksum/index.js';
import { buildPacket, type PacketSpec } from '../../src/packet/index.js';
import { G_GRO, G_GSO46, G_GSO64, G_SEG46 } from '../../src/service/counters.js';
import { Dataplane, plainMemory, wasmMemory } from '../../src/service/dataplane.js';
import { MAX_GAP } from '../../src/service/gro.js';
import { offloadRig, HOST, FAR, FAR6, HOST6, be16, be32 } from '../../testlib/offload-rig.js';
import { F_NEEDS_CSUM, GSO_NONE, GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4, PacketOffload, VNET_HDR_LEN } from '../../src/translate/index.js';

const payload = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
const TS = Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7); // NOP NOP timestamps: options every segment shares

const rig = offloadRig;

/** A packet as a device with IFF_VNET_HDR carries it: the header, then the packet. */
function framed(o: PacketOffload | null, pkt: Uint8Array): Uint8Array {
  const f = new Uint8Array(VNET_HDR_LEN + pkt.length);
  (o ?? new PacketOffload()).store(f, 0);
  f.set(pkt, VNET_HDR_LEN);
  return f;
}
function unframe(f: Uint8Array): { o: PacketOffload; pkt: Uint8Array } {
  const o = new PacketOffload();
  o.load(f, 0);
  return { o, pkt: f.subarray(VNET_HDR_LEN) };
}

function seg4(seq: number, n: number, flags = 0x10, seed = 1): Uint8Array {
  return buildPacket({
    ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df: true, id: seq & 0xffff } as PacketSpec['ip'],
    l4: { proto: 'tcp', srcPort: 40000, dstPort: 443, seq, ack: 5, flags, window: 500, options: TS },
    payload: payload(n, seed),
  });
}
function seg6(seq: number, n: number, flags = 0x10): Uint8Array {
  return buildPacket({
    ip: { version: 6, src: FAR6, dst: HOST6, hopLimit: 60 } as PacketSpec['ip'],
    l4: { proto: 'tcp', srcPort: 443, dstPort: 40000, seq, ack: 5, flags, window: 500, options: TS },
    payload: payload(n),
  });
}

/** Completes a CHECKSUM_PARTIAL TCP packet the way the kernel will and says whether it then verifies. */
function partialCompletes(pkt: Uint8Array, l3: number): boolean {
  const q = pkt.slice();
  const l4len = q.length - l3;
  const ck = ~sum16(q, l3, l4len) & 0xffff;
  q[l3 + 16] = ck >>> 8;
  q[l3 + 17] = ck & 0xff;
  const ps = l3 === 20 ? pseudoSum4(be32(q, 12), be32(q, 16), 6, l4len) : pseudoSum6(q, 8, 24, 6, l4len);
  return sum16(q, l3, l4len, ps) === 0xffff;
}

/** A kernel-style TSO super-packet: headers once, CHECKSUM_PARTIAL. */
function tso4(segs: number, mss: number): { pkt: Uint8Array; o: PacketOffload } {
  const pkt = seg4(1000, segs * mss, 0x18);
  const l4len = pkt.length - 20;
  const ps = pseudoSum4(HOST, FAR, 6, l4len);
  pkt[36] = ps >>> 8;
  pkt[37] = ps & 0xff;
  const o = new PacketOffload();
  Object.assign(o, { flags: F_NEEDS_CSUM, gsoType: GSO_TCPV4, gsoSize: mss, hdrLen: 52, csumStart: 20, csumOffset: 16 });
  return { pkt, o };
}

/**
 * Every test below runs in three memories: plain arrays, WASM buffers passed to the device one
 * by one, and the WASM memory as one arena with offsets (Device.readArena/writeArena), as the
 * daemon's workers run.
 */
const MEMORIES = [
  ['plain memory', () => plainMemory],
  ['WASM buffers', () => {
    const cs = WasmChecksum.load({ memoryBytes: Dataplane.memoryFor(1500, true) + 65536 });
    return { checksum: cs, alloc: (len: number) => cs.arena(len) };
  }],
  ['WASM arena I/O', () => wasmMemory(WasmChecksum.load({ memoryBytes: Dataplane.memoryFor(1500, true) + 65536 }))],
] as const;

for (const [name, memory] of MEMORIES) {
  test(`${name}: a TSO super-packet from a tenant crosses in one read and one write as TCPV6 with the same gso_size`, () => {
    const r = rig(memory);
    const { pkt, o } = tso4(40, 1400);
    r.wire.get('xb')!.send(framed(o, pkt));
    assert.equal(r.dp.get('xb')!.runOnce(0), 1);
    const out = r.wire.get('xf')!.receive()!;
    assert.equal(r.wire.get('xf')!.receive(), undefined, 'one write');
    const { o: h, pkt: p6 } = unframe(out);
    assert.deepEqual([h.flags, h.gsoType, h.gsoSize, h.csumStart, h.csumOffset, h.hdrLen], [F_NEEDS_CSUM, GSO_TCPV6, 1400, 40, 16, 72]);
    assert.equal(p6.length, 40 + 32 + 40 * 1400);
    assert.ok(partialCompletes(p6, 40));
    assert.deepEqual(p6.subarray(72), pkt.subarray(52), 'payload untouched');
    assert.equal(r.counters.get('xb')!.cells[G_GSO46], 1);
  });
}

for (const [mem, memory] of MEMORIES) {
  test(`${mem}: GRO: nine plain segments of one flow leave as one TCPV4 super-packet (gso_size 1000, PSH of the last), and they were counted`, () => {
    const r = rig(memory);
    const wire = r.wire.get('xf')!;
    for (let k = 0; k < 9; k++) wire.send(framed(null, seg6(5000 + k * 1000, k === 8 ? 300 : 1000, k === 8 ? 0x18 : 0x10)));
    assert.equal(r.dp.get('xf')!.runOnce(0), 9);
    const out = r.wire.get('xb')!.receive()!;
    assert.equal(r.wire.get('xb')!.receive(), undefined, 'one write');
    const { o, pkt } = unframe(out);
    assert.deepEqual([o.flags, o.gsoType, o.gsoSize, o.csumStart, o.csumOffset, o.hdrLen], [F_NEEDS_CSUM, GSO_TCPV4, 1000, 20, 16, 52]);
    assert.equal(be16(pkt, 2), pkt.length, 'IPv4 total length');
    assert.equal(pkt.length, 20 + 32 + 8 * 1000 + 300);
    assert.equal(sum16(pkt, 0, 20), 0xffff, 'IPv4 header checksum');
    assert.equal(be32(pkt, 24), 5000, 'the first sequence number');
    assert.equal(pkt[33], 0x18, 'PSH from the last segment');
    assert.ok(partialCompletes(pkt, 20));
    const data: number[] = [];
    for (let k = 0; k < 9; k++) data.push(...payload(k === 8 ? 300 : 1000));
    assert.deepEqual(pkt.subarray(52), Uint8Array.from(data));
    assert.equal(r.counters.get('xf')!.cells[G_GRO], 8);
    assert.equal(r.counters.get('xf')!.cells[G_GSO64], 0, 'nothing read as GSO');
  });

  test(`${mem}: GRO: single segments with CHECKSUM_PARTIAL (forwarded by the local stack) coalesce too, into one TCPV6 super-packet`, () => {
    const r = rig(memory);
    const wire = r.wire.get('xb')!;
    for (let k = 0; k < 4; k++) {
      const p = seg4(1000 + k * 1200, 1200);
      const l4len = p.length - 20;
      const ps = pseudoSum4(HOST, FAR, 6, l4len);
      p[36] = ps >>> 8;
      p[37] = ps & 0xff;
      const o = new PacketOffload();
      Object.assign(o, { flags: F_NEEDS_CSUM, csumStart: 20, csumOffset: 16 });
      wire.send(framed(o, p));
    }
    r.dp.get('xb')!.runOnce(0);
    const { o, pkt } = unframe(r.wire.get('xf')!.receive()!);
    assert.equal(r.wire.get('xf')!.receive(), undefined, 'one write');
    assert.deepEqual([o.gsoType, o.gsoSize, o.csumStart], [GSO_TCPV6, 1200, 40]);
    assert.equal(pkt.length, 40 + 32 + 4 * 1200);
    assert.ok(partialCompletes(pkt, 40));
    assert.equal(r.counters.get('xb')!.cells[G_GRO], 3);
  });

  test(`${mem}: GRO stops where a run ends: a gap in sequence, a bad checksum, another flow, a PSH, a SYN; those pass on as plain packets`, () => {
    const r = rig(memory);
    const wire = r.wire.get('xb')!;
    const bad = seg4(4000, 1000);
    bad[60] = bad[60]! ^ 0xff; // payload corrupted: its checksum no longer verifies
    const other = buildPacket({
      ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df: true } as PacketSpec['ip'],
      l4: { proto: 'tcp', srcPort: 40001, dstPort: 443, seq: 5000, ack: 5, flags: 0x10, window: 500, options: TS },
      payload: payload(1000),
    });
    const pkts = [
      seg4(1000, 1000), seg4(2000, 1000), // run 1: 2 segments
      seg4(3500, 1000), // gap: not 3000
      bad, // bad checksum
      other, // another flow (port)
      seg4(5000, 1000, 0x18), seg4(6000, 1000), // PSH ends a run after it: two separate packets
      seg4(7000, 0, 0x12), // SYN+ACK, no payload
    ];
    for (const p of pkts) wire.send(framed(null, p));
    r.dp.get('xb')!.runOnce(0);
    const outs: { o: PacketOffload; pkt: Uint8Array }[] = [];
    for (let f = r.wire.get('xf')!.receive(); f !== undefined; f = r.wire.get('xf')!.receive()) outs.push(unframe(f));
    assert.equal(outs.length, 7);
    assert.deepEqual(outs.map((x) => x.o.gsoType), [GSO_TCPV6, GSO_NONE, GSO_NONE, GSO_NONE, GSO_NONE, GSO_NONE, GSO_NONE]);
    assert.equal(outs[0]!.pkt.length, 40 + 32 + 2000);
    // The corrupted segment is passed on as it came: its checksum still fails (nothing hid it).
    const b = outs[2]!.pkt;
    assert.notEqual(sum16(b, 40, b.length - 40, pseudoSum6(b, 8, 24, 6, b.length - 40)), 0xffff);
    assert.equal(r.counters.get('xb')!.cells[G_GRO], 1);
  });

  function dgram4(n: number, srcPort = 5000, seed = 1): Uint8Array {
    return buildPacket({
      ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df: true } as PacketSpec['ip'],
      l4: { proto: 'udp', srcPort, dstPort: 4433 },
      payload: payload(n, seed),
    });
  }

  /** ones' complement 16-bit addition (the kernel's csum16_add) */
  const add16 = (a: number, b: number): number => {
    const s = a + b;
    return (s & 0xffff) + (s >>> 16);
  };

  /**
   * Cuts a UDP GSO super-packet (IPv6, CHECKSUM_PARTIAL) the way the kernel's __udp_gso_segment does,
   * independently of the translator's own segment(): each piece gets the IPv6 and UDP headers with
   * its own lengths, the checksum seed adjusted from the whole length to the piece's, and the
   * checksum completed over the piece. Returns the pieces as plain IPv6 datagrams.
   */
  function kernelUdpSegment(pkt: Uint8Array, gsoSize: number): Uint8Array[] {
    const uhLen = be16(pkt, 44);
    const seed = be16(pkt, 46);
    const out: Uint8Array[] = [];
    for (let at = 48; at < pkt.length; at += gsoSize) {
      const n = Math.min(gsoSize, pkt.length - at);
      const d = new Uint8Array(48 + n);
      d.set(pkt.subarray(0, 48));
      d.set(pkt.subarray(at, at + n), 48);
      d[4] = (8 + n) >>> 8;
      d[5] = (8 + n) & 0xff;
      d[44] = (8 + n) >>> 8;
      d[45] = (8 + n) & 0xff;
      const check = add16(add16(seed, ~uhLen & 0xffff), 8 + n);
      d[46] = check >>> 8;
      d[47] = check & 0xff;
      const ck = ~sum16(d, 40, 8 + n) & 0xffff; // CHECKSUM_PARTIAL completed: the seed is in the field
      d[46] = ck >>> 8;
      d[47] = ck & 0xff;
      out.push(d);
    }
    return out;
  }

  test(`${mem}: GRO: forty UDP datagrams of one flow leave as one UDP_L4 super-packet; cut as the kernel cuts it, it gives back every datagram with a valid checksum`, () => {
    const r = rig(memory);
    const wire = r.wire.get('xb')!;
    const sizes = [...Array.from({ length: 39 }, () => 100), 60];
    sizes.forEach((n, k) => wire.send(framed(null, dgram4(n, 5000, k))));
    assert.equal(r.dp.get('xb')!.runOnce(0), 40);
    const { o, pkt } = unframe(r.wire.get('xf')!.receive()!);
    assert.equal(r.wire.get('xf')!.receive(), undefined, 'one write');
    assert.deepEqual([o.flags, o.gsoType, o.gsoSize, o.hdrLen, o.csumStart, o.csumOffset], [F_NEEDS_CSUM, GSO_UDP_L4, 100, 48, 40, 6]);
    assert.equal(pkt.length, 48 + 39 * 100 + 60);
    assert.equal(be16(pkt, 4), pkt.length - 40, 'IPv6 payload length');
    assert.equal(be16(pkt, 44), pkt.length - 40, 'UDP length: the whole super-packet');
    const pieces = kernelUdpSegment(pkt, o.gsoSize);
    assert.equal(pieces.length, 40);
    pieces.forEach((d, k) => {
      assert.equal(sum16(d, 40, d.length - 40, pseudoSum6(d, 8, 24, 17, d.length - 40)), 0xffff, `datagram ${k}: UDP checksum`);
      assert.deepEqual(d.subarray(48), payload(sizes[k]!, k), `datagram ${k}: payload`);
      assert.deepEqual([be16(d, 40), be16(d, 42)], [5000, 4433]);
    });
    assert.equal(r.counters.get('xb')!.cells[G_GRO], 39);
  });

  test(`${mem}: UDP GRO stops where a run ends: another port, a bad checksum, a datagram larger than the one before; and a device without USO gets every datagram alone`, () => {
    const r = rig(memory);
    const bad = dgram4(100);
    bad[40] = bad[40]! ^ 0xff; // payload corrupted: the checksum no longer verifies
    const pkts = [dgram4(100), dgram4(100), dgram4(100, 5001), bad, dgram4(50), dgram4(100)];
    for (const p of pkts) r.wire.get('xb')!.send(framed(null, p));
    r.dp.get('xb')!.runOnce(0);
    const outs: { o: PacketOffload; pkt: Uint8Array }[] = [];
    for (let f = r.wire.get('xf')!.receive(); f !== undefined; f = r.wire.get('xf')!.receive()) outs.push(unframe(f));
    assert.deepEqual(outs.map((x) => x.o.gsoType), [GSO_UDP_L4, GSO_NONE, GSO_NONE, GSO_NONE, GSO_NONE]);
    assert.equal(outs[0]!.pkt.length, 48 + 200);
    // The corrupted datagram is passed on as it came: its checksum still fails.
    const b = outs[2]!.pkt;
    assert.notEqual(sum16(b, 40, b.length - 40, pseudoSum6(b, 8, 24, 17, b.length - 40)), 0xffff);
    assert.equal(r.counters.get('xb')!.cells[G_GRO], 1);

    const old = rig(memory, false);
    for (let k = 0; k < 5; k++) old.wire.get('xb')!.send(framed(null, dgram4(100)));
    old.dp.get('xb')!.runOnce(0);
    let n = 0;
    for (let f = old.wire.get('xf')!.receive(); f !== undefined; f = old.wire.get('xf')!.receive()) {
      assert.equal(unframe(f).o.gsoType, GSO_NONE);
      n++;
    }
    assert.equal(n, 5, 'no UDP GSO to a device that does not take it');
    assert.equal(old.counters.get('xb')!.cells[G_GRO], 0);
  });

  /** A TCP segment of the flow HOST:port -> FAR:443, payload(n, seed). */
  function flowSeg(port: number, seq: number, n: number, seed: number, flags = 0x10): Uint8Array {
    return buildPacket({
      ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df: true } as PacketSpec['ip'],
      l4: { proto: 'tcp', srcPort: port, dstPort: 443, seq, ack: 5, flags, window: 500, options: TS },
      payload: payload(n, seed),
    });
  }
  function drain(r: ReturnType<typeof rig>): { o: PacketOffload; pkt: Uint8Array }[] {
    const outs: { o: PacketOffload; pkt: Uint8Array }[] = [];
    for (let f = r.wire.get('xf')!.receive(); f !== undefined; f = r.wire.get('xf')!.receive()) outs.push(unframe(f));
    return outs;
  }

  test(`${mem}: GRO across interleaved flows: three TCP streams sent round robin leave as three TCPV6 super-packets, each with its own segments in order`, () => {
    const r = rig(memory);
    const ports = [40000, 40001, 40002];
    for (let i = 0; i < 4; i++) for (const port of ports) r.wire.get('xb')!.send(framed(null, flowSeg(port, 1000 + i * 1000, 1000, port + i)));
    assert.equal(r.dp.get('xb')!.runOnce(0), 12);
    const outs = drain(r);
    assert.equal(outs.length, 3);
    outs.forEach(({ o, pkt }, f) => {
      assert.deepEqual([o.gsoType, o.gsoSize], [GSO_TCPV6, 1000]);
      assert.equal(be16(pkt, 40), ports[f], 'the flows leave in the order their first segments came');
      assert.equal(be32(pkt, 44), 1000, 'the head keeps its sequence number');
      assert.ok(partialCompletes(pkt, 40));
      for (let i = 0; i < 4; i++) assert.deepEqual(pkt.subarray(72 + i * 1000, 72 + (i + 1) * 1000), payload(1000, ports[f]! + i), `flow ${f}, segment ${i}`);
    });
    assert.equal(r.counters.get('xb')!.cells[G_GRO], 9);
  });

  test(`${mem}: GRO never moves a segment ahead of its own flow: a pure ACK of flow A between two of its segments ends A's run, while flow B's run looks past both`, () => {
    const r = rig(memory);
    const pkts = [
      flowSeg(40000, 1000, 1000, 1), // A1
      flowSeg(40001, 1000, 1000, 2), // B1
      flowSeg(40000, 2000, 0, 3), // A: pure ACK, not a run member
      flowSeg(40000, 2000, 1000, 4), // A2: in sequence after A1, but behind the ACK
      flowSeg(40001, 2000, 1000, 5), // B2
    ];
    for (const p of pkts) r.wire.get('xb')!.send(framed(null, p));
    r.dp.get('xb')!.runOnce(0);
    const outs = drain(r);
    assert.deepEqual(outs.map((x) => [be16(x.pkt, 40), be32(x.pkt, 44), x.pkt.length - 72, x.o.gsoType]), [
      [40000, 1000, 1000, GSO_NONE],
      [40001, 1000, 2000, GSO_TCPV6],
      [40000, 2000, 0, GSO_NONE],
      [40000, 2000, 1000, GSO_NONE],
    ]);
    assert.deepEqual(outs[1]!.pkt.subarray(1072), payload(1000, 5));
    assert.equal(r.counters.get('xb')!.cells[G_GRO], 1);
  });

  test(`${mem}: GRO looks past at most MAX_GAP (${MAX_GAP}) packets of other flows between two members of a run`, () => {
    for (const gap of [MAX_GAP, MAX_GAP + 1]) {
      const r = rig(memory);
      r.wire.get('xb')!.send(framed(null, flowSeg(40000, 1000, 1000, 1)));
      for (let g = 0; g < gap; g++) r.wire.get('xb')!.send(framed(null, flowSeg(41000 + g, 1000, 1000, 9)));
      r.wire.get('xb')!.send(framed(null, flowSeg(40000, 2000, 1000, 2)));
      r.dp.get('xb')!.runOnce(0);
      const outs = drain(r);
      const a = outs.filter((x) => be16(x.pkt, 40) === 40000);
      if (gap === MAX_GAP) {
        assert.equal(outs.length, gap + 1);
        assert.deepEqual([a.length, a[0]!.o.gsoType, a[0]!.pkt.length - 72], [1, GSO_TCPV6, 2000], `gap ${gap}: coalesced`);
      } else {
        assert.equal(outs.length, gap + 2);
        assert.deepEqual(a.map((x) => x.o.gsoType), [GSO_NONE, GSO_NONE], `gap ${gap}: not coalesced`);
        assert.equal(be32(outs.at(-1)!.pkt, 44), 2000, 'and left in its place, last');
      }
    }
  });

  test(`${mem}: UDP GRO across interleaved flows: three flows of ten datagrams sent round robin leave as three UDP_L4 super-packets that the kernel cuts back into each flow's datagrams in order`, () => {
    const r = rig(memory);
    const ports = [5000, 5001, 5002];
    for (let i = 0; i < 10; i++) for (const port of ports) r.wire.get('xb')!.send(framed(null, dgram4(64, port, port + i)));
    assert.equal(r.dp.get('xb')!.runOnce(0), 30);
    const outs = drain(r);
    assert.equal(outs.length, 3);
    outs.forEach(({ o, pkt }, f) => {
      assert.deepEqual([o.gsoType, o.gsoSize], [GSO_UDP_L4, 64]);
      const pieces = kernelUdpSegment(pkt, o.gsoSize);
      assert.equal(pieces.length, 10);
      pieces.forEach((d, i) => {
        assert.equal(be16(d, 40), ports[f]);
        assert.equal(sum16(d, 40, d.length - 40, pseudoSum6(d, 8, 24, 17, d.length - 40)), 0xffff, `flow ${f}, datagram ${i}: checksum`);
        assert.deepEqual(d.subarray(48), payload(64, ports[f]! + i), `flow ${f}, datagram ${i}: payload`);
      });
    });
    assert.equal(r.counters.get('xb')!.cells[G_GRO], 27);
  });

  test(`${mem}: a DF=0 USO super-packet whose datagrams do not fit the IPv6 path is cut in software, each datagram then fragmented; counted as segmented`, () => {
    const r = rig(memory);
    const pkt = buildPacket({
      ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df: false } as PacketSpec['ip'],
      l4: { proto: 'udp', srcPort: 5000, dstPort: 53 },
      payload: payload(3 * 1400),
    });
    const l4len = pkt.length - 20;
    const ps = pseudoSum4(HOST, FAR, 17, l4len);
    pkt[26] = ps >>> 8;
    pkt[27] = ps & 0xff;
    const o = new PacketOffload();
    Object.assign(o, { flags: F_NEEDS_CSUM, gsoType: GSO_UDP_L4, gsoSize: 1400, hdrLen: 28, csumStart: 20, csumOffset: 6 });
    r.wire.get('xb')!.send(framed(o, pkt));
    r.dp.get('xb')!.runOnce(0);
    const outs: Uint8Array[] = [];
    for (let f = r.wire.get('xf')!.receive(); f !== undefined; f = r.wire.get('xf')!.receive()) outs.push(unframe(f).pkt);
    // 1408-octet datagrams over lowestIpv6Mtu 1280: two fragments each.
    assert.equal(outs.length, 6);
    for (const p of outs) assert.ok(p.length <= 1280 && p[6] === 44, 'IPv6 fragments within 1280');
    // Reassemble each datagram and check its UDP checksum over the IPv6 pseudo-header.
    for (let d = 0; d < 3; d++) {
      const parts = [...outs[2 * d]!.subarray(48), ...outs[2 * d + 1]!.subarray(48)];
      const dg = Uint8Array.from(parts);
      assert.equal(be16(dg, 4), 1408);
      assert.equal(sum16(dg, 0, dg.length, pseudoSum6(outs[2 * d]!, 8, 24, 17, dg.length)), 0xffff, `datagram ${d}`);
    }
    assert.equal(r.counters.get('xb')!.cells[G_SEG46], 1);
  });
}

// Properties of the offload path (fast-check, fixed seed): whatever a virtio_net_hdr says about
// whatever packet, the daemon's packet loop (src/service/dataplane.ts over in-memory devices with
// virtio_net_hdr) never throws and never drops as '*.internal-error'; every packet it writes has
// its length fields right for its size, and a header that asks for a partial checksum points
// inside the packet at the TCP/UDP checksum; a GSO header names the other family's type.
// Packets with correct headers and kernel-like offload metadata come out with checksums that
// verify once completed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pseudoSum4, pseudoSum6, sum16 } from '../../src/checksum/index.js';
import type { MemoryDevice } from '../../src/io/index.js';
import { buildPacket, type PacketSpec } from '../../src/packet/index.js';
import { ALL_REASONS, C_DROPS } from '../../src/service/counters.js';
import { offloadRig, HOST, FAR, FAR6, HOST6, be16, be32 } from '../../testlib/offload-rig.js';
import { F_NEEDS_CSUM, GSO_NONE, GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4, PacketOffload, VNET_HDR_LEN } from '../../src/translate/index.js';

const SEED = 0x6464;
const { dp, wire, counters } = offloadRig();
const INTERNAL = ['46.internal-error', '64.internal-error', 'io.unknown-reason'].map((r) => ALL_REASONS.indexOf(r));

function internalErrors(): number {
  let n = 0;
  for (const c of counters.values()) for (let t = 0; t <= 1; t++) for (const r of INTERNAL) n += c.cells[c.row(t) + C_DROPS + r]!;
  return n;
}

/** Drains a wire and checks every packet's framing; returns them. */
function drain(w: MemoryDevice): { o: PacketOffload; pkt: Uint8Array }[] {
  const out: { o: PacketOffload; pkt: Uint8Array }[] = [];
  for (let f = w.receive(); f !== undefined; f = w.receive()) {
    const o = new PacketOffload();
    o.load(f, 0);
    const pkt = f.subarray(VNET_HDR_LEN);
    const ver = pkt[0]! >> 4;
    if (ver === 6) assert.equal(be16(pkt, 4), pkt.length - 40, 'IPv6 payload length');
    else if (ver === 4) assert.equal(be16(pkt, 2), pkt.length, 'IPv4 total length');
    else assert.fail(`version ${ver} written`);
    if (o.flags & F_NEEDS_CSUM) {
      assert.ok(o.csumStart + o.csumOffset + 2 <= pkt.length, 'partial checksum inside the packet');
      assert.ok(o.csumOffset === 16 || o.csumOffset === 6);
    }
    if (o.gso !== GSO_NONE) {
      const nh = ver === 6 ? pkt[6] : pkt[9];
      assert.equal(o.gso, nh === 17 ? GSO_UDP_L4 : ver === 6 ? GSO_TCPV6 : GSO_TCPV4, 'GSO type of the written family and protocol');
    }
    out.push({ o, pkt });
  }
  return out;
}

const header = fc.record({
  flags: fc.constantFrom(0, 1, 2, 3, 0x80),
  gsoType: fc.constantFrom(GSO_NONE, GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4, 3, GSO_TCPV4 | 0x80, 9),
  hdrLen: fc.integer({ min: 0, max: 200 }),
  gsoSize: fc.oneof(fc.constantFrom(0, 1, 536, 1200, 1400, 1448, 9000), fc.integer({ min: 0, max: 0xffff })),
  csumStart: fc.oneof(fc.constantFrom(20, 24, 40, 48), fc.integer({ min: 0, max: 0xffff })),
  csumOffset: fc.oneof(fc.constantFrom(6, 16), fc.integer({ min: 0, max: 0xffff })),
});

test('any virtio_net_hdr on any TCP/UDP packet, edited or not: no throw, no internal error, every written packet framed right', () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 0, max: 9000 }),
      fc.boolean(),
      header,
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
      (ipv4, tcp, n0, df, h, edits) => {
        // A TUN hands over more than its MTU only as a GSO packet (the in-memory wire enforces it too).
        const n = h.gsoType === GSO_NONE ? n0 % 1400 : n0;
        const spec: PacketSpec = ipv4
          ? { ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df } as PacketSpec['ip'], l4: tcp ? { proto: 'tcp', srcPort: 1, dstPort: 2, seq: 9, ack: 1, flags: 0x10, window: 9 } : { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(n).fill(7) }
          : { ip: { version: 6, src: FAR6, dst: HOST6, hopLimit: 9 } as PacketSpec['ip'], l4: tcp ? { proto: 'tcp', srcPort: 2, dstPort: 1, seq: 9, ack: 1, flags: 0x10, window: 9 } : { proto: 'udp', srcPort: 2, dstPort: 1 }, payload: new Uint8Array(n).fill(7) };
        const pkt = buildPacket(spec);
        for (const [at, v] of edits) pkt[at % pkt.length] = v;
        const o = new PacketOffload();
        Object.assign(o, h);
        const f = new Uint8Array(VNET_HDR_LEN + pkt.length);
        o.store(f, 0);
        f.set(pkt, VNET_HDR_LEN);
        const from = ipv4 ? 'xb' : 'xf';
        const to = ipv4 ? 'xf' : 'xb';
        assert.ok(wire.get(from)!.send(f));
        dp.get(from)!.runOnce(0);
        drain(wire.get(to)!);
        drain(wire.get(from)!); // ICMP errors back to the sender
        assert.equal(internalErrors(), 0);
      },
    ),
    { seed: SEED, numRuns: 3000 },
  );
});

test('kernel-like offloads (partial checksum, GSO of the right type) come out with checksums that verify once completed', () => {
  fc.assert(
    fc.property(fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 500, max: 1400 }), (ipv4, tcp, segs, mss) => {
      const n = segs * mss;
      const spec: PacketSpec = ipv4
        ? { ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df: true } as PacketSpec['ip'], l4: tcp ? { proto: 'tcp', srcPort: 1, dstPort: 2, seq: 9, ack: 1, flags: 0x10, window: 9 } : { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(n).map((_, i) => i * 13) }
        : { ip: { version: 6, src: FAR6, dst: HOST6, hopLimit: 9 } as PacketSpec['ip'], l4: tcp ? { proto: 'tcp', srcPort: 2, dstPort: 1, seq: 9, ack: 1, flags: 0x10, window: 9 } : { proto: 'udp', srcPort: 2, dstPort: 1 }, payload: new Uint8Array(n).map((_, i) => i * 13) };
      const pkt = buildPacket(spec);
      const l3 = ipv4 ? 20 : 40;
      const proto = tcp ? 6 : 17;
      const ck = l3 + (tcp ? 16 : 6);
      const l4len = pkt.length - l3;
      const ps = ipv4 ? pseudoSum4(be32(pkt, 12), be32(pkt, 16), proto, l4len) : pseudoSum6(pkt, 8, 24, proto, l4len);
      pkt[ck] = ps >>> 8;
      pkt[ck + 1] = ps & 0xff;
      const o = new PacketOffload();
      o.flags = F_NEEDS_CSUM;
      o.gsoType = segs > 1 ? (tcp ? (ipv4 ? GSO_TCPV4 : GSO_TCPV6) : GSO_UDP_L4) : GSO_NONE;
      o.gsoSize = segs > 1 ? mss : 0;
      o.csumStart = l3;
      o.csumOffset = ck - l3;
      const f = new Uint8Array(VNET_HDR_LEN + pkt.length);
      o.store(f, 0);
      f.set(pkt, VNET_HDR_LEN);
      const from = ipv4 ? 'xb' : 'xf';
      wire.get(from)!.send(f);
      dp.get(from)!.runOnce(0);
      const outs = drain(wire.get(ipv4 ? 'xf' : 'xb')!);
      drain(wire.get(from)!);
      assert.ok(outs.length >= 1, 'something crossed');
      for (const { o: h, pkt: p } of outs) {
        const ol3 = p[0]! >> 4 === 6 ? 40 : 20;
        const q = p.slice();
        const len = q.length - ol3;
        if (h.flags & F_NEEDS_CSUM) {
          const at = h.csumStart + h.csumOffset;
          const c = ~sum16(q, ol3, len) & 0xffff;
          q[at] = c >>> 8;
          q[at + 1] = c & 0xff;
        }
        const nh = ol3 === 40 ? q[6]! : q[9]!;
        if (nh !== 6 && nh !== 17) continue; // a fragment (DF=0 UDP cut for lowestIpv6Mtu): checked in the unit tests
        const ps2 = ol3 === 20 ? pseudoSum4(be32(q, 12), be32(q, 16), nh, len) : pseudoSum6(q, 8, 24, nh, len);
        assert.equal(sum16(q, ol3, len, ps2), 0xffff, 'checksum verifies once completed');
      }
      assert.equal(internalErrors(), 0);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('GRO keeps every flow whole and in order: any interleaving of TCP segments, pure ACKs, PSH segments and UDP datagrams of four flows each comes out, once cut at gso_size, as each flow went in', () => {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const kinds = ['full', 'full', 'full', 'short', 'ack', 'psh', 'udp', 'udp', 'udp-short'] as const;
  fc.assert(
    fc.property(fc.array(fc.record({ flow: fc.integer({ min: 0, max: 3 }), kind: fc.constantFrom(...kinds) }), { minLength: 1, maxLength: 60 }), (evs) => {
      const seq = [1000, 1000, 1000, 1000];
      const want = new Map<string, string[]>();
      const add = (m: Map<string, string[]>, key: string, item: string): void => void (m.get(key) ?? m.set(key, []).get(key)!).push(item);
      evs.forEach(({ flow, kind }, i) => {
        const body = Uint8Array.from({ length: kind === 'ack' ? 0 : kind === 'short' ? 37 : kind === 'udp-short' ? 20 : kind.startsWith('udp') ? 64 : 100 }, (_, k) => (k * 13 + i) & 0xff);
        let pkt: Uint8Array;
        if (kind.startsWith('udp')) {
          pkt = buildPacket({ ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df: true } as PacketSpec['ip'], l4: { proto: 'udp', srcPort: 5000 + flow, dstPort: 4433 }, payload: body });
          add(want, `u${5000 + flow}`, hex(body));
        } else {
          const flags = kind === 'psh' ? 0x18 : 0x10;
          pkt = buildPacket({
            ip: { version: 4, src: HOST, dst: FAR, ttl: 64, df: true } as PacketSpec['ip'],
            l4: { proto: 'tcp', srcPort: 40000 + flow, dstPort: 443, seq: seq[flow]!, ack: 5, flags, window: 500 },
            payload: body,
          });
          add(want, `t${40000 + flow}`, `${seq[flow]} ${flags} ${hex(body)}`);
          seq[flow]! += body.length;
        }
        const f = new Uint8Array(VNET_HDR_LEN + pkt.length);
        new PacketOffload().store(f, 0);
        f.set(pkt, VNET_HDR_LEN);
        assert.ok(wire.get('xb')!.send(f));
      });
      while (dp.get('xb')!.runOnce(0) > 0);
      const got = new Map<string, string[]>();
      for (const { o, pkt } of drain(wire.get('xf')!)) {
        const port = be16(pkt, 40);
        if (pkt[6] === 17) {
          const g = o.gsoType === GSO_UDP_L4 ? o.gsoSize : pkt.length - 48;
          for (let at = 48; at < pkt.length || at === 48; at += g) add(got, `u${port}`, hex(pkt.subarray(at, Math.min(at + g, pkt.length))));
          continue;
        }
        assert.equal(pkt[6], 6);
        const hl = 40 + (pkt[52]! >> 4) * 4;
        const g = o.gsoType === GSO_TCPV6 ? o.gsoSize : Math.max(1, pkt.length - hl);
        const pieces = Math.max(1, Math.ceil((pkt.length - hl) / g));
        for (let i = 0; i < pieces; i++) {
          const from = hl + i * g;
          add(got, `t${port}`, `${(be32(pkt, 44) + i * g) >>> 0} ${i < pieces - 1 ? 0x10 : pkt[53]} ${hex(pkt.subarray(from, Math.min(from + g, pkt.length)))}`);
        }
      }
      assert.deepEqual(got, want);
      drain(wire.get('xb')!);
      assert.equal(internalErrors(), 0);
    }),
    { seed: SEED, numRuns: 500 },
  );
});

// Properties of the packet views (src/packet): bind+check never throws, accessors stay inside the
// checked bytes, and emit -> bind -> check reads back what was written. Fixed seed; on failure the
// seed is in the message so the run can be replayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Ipv4View, Ipv6View, Frag6View, Icmpv4View, Icmpv6View, TcpView, UdpView,
  emitIPv4, emitIPv6, emitFrag6, emitIcmpv4, emitIcmpv6, emitTcp, emitUdp, tcpHeaderLen, ipv6ExtLen,
  buildPacket, buildFragments, PACKET_REASONS, type Ipv6Ext, type PacketSpec, type L4Spec,
} from '../../src/packet/index.js';

const SEED = 0x7915;

function run<T>(name: string, prop: fc.IRawProperty<T>, numRuns = 300): void {
  try {
    fc.assert(prop, { seed: SEED, numRuns });
  } catch (e) {
    throw new Error(`${name} failed with seed ${SEED}: ${(e as Error).message}`);
  }
}

// ---- one runner per view: bind, check, and snapshot every accessor (offsets made relative) ----

interface Outcome {
  reason: string | null;
  len: number;
  snap: unknown[];
}
type Runner = (buf: Uint8Array, off: number, len: number, embedded: boolean) => Outcome;

const ip4 = new Ipv4View();
const ip6 = new Ipv6View();
const fh = new Frag6View();
const ic4 = new Icmpv4View();
const ic6 = new Icmpv6View();
const tcp = new TcpView();
const udp = new UdpView();

const rel = (x: number, off: number): number => (x < 0 ? x : x - off);

const RUNNERS: Record<string, Runner> = {
  ipv4(buf, off, len, emb) {
    const v = ip4.bind(buf, off, len);
    const reason = emb ? v.checkEmbedded() : v.check();
    if (reason !== null) return { reason, len: v.len, snap: [] };
    return {
      reason, len: v.len,
      snap: [
        v.version(), v.headerLen(), v.tos(), v.totalLen(), v.id(), v.df(), v.mf(), v.fragOffset(), v.isFragment(),
        v.ttl(), v.protocol(), v.checksum(), v.src(), v.dst(), v.hasOptions(), v.optionsLen(), rel(v.sourceRouteOff(), off),
        v.hasSourceRoute(), rel(v.payloadOff(), off), v.payloadLen(), v.computeChecksum(), v.checksumOk(),
        v.pseudoSum(v.payloadLen()), v.truncated,
      ],
    };
  },
  ipv6(buf, off, len, emb) {
    const v = ip6.bind(buf, off, len);
    const reason = emb ? v.checkEmbedded() : v.check();
    if (reason !== null) return { reason, len: v.len, snap: [] };
    assert.ok(v.upperOff() <= off + v.len, 'upperOff inside the view');
    if (v.hasFragment()) assert.ok(v.fragHeaderOff() + 8 <= v.upperOff(), 'fragment header before upperOff');
    if (v.routingHeaderOff() >= 0) assert.ok(v.routingHeaderOff() + 8 <= v.upperOff(), 'routing header before upperOff');
    return {
      reason, len: v.len,
      snap: [
        v.version(), v.trafficClass(), v.flowLabel(), v.payloadLen(), v.nextHeader(), v.hopLimit(),
        [...buf.subarray(v.srcOff(), v.srcOff() + 16)], [...buf.subarray(v.dstOff(), v.dstOff() + 16)],
        v.upperProto(), rel(v.upperOff(), off), v.upperLen(), v.hasUpperHeader(), v.extLen(), v.hasHopByHop(),
        v.hasDestOptions(), rel(v.routingHeaderOff(), off), v.segmentsLeft(), v.segmentsLeftPointer(), v.hasFragment(),
        rel(v.fragHeaderOff(), off), v.fragOffset(), v.fragMore(), v.fragId(), v.pseudoSum(17, v.upperLen()), v.truncated,
      ],
    };
  },
  frag6(buf, off, len) {
    const v = fh.bind(buf, off, len);
    const reason = v.check();
    if (reason !== null) return { reason, len: v.len, snap: [] };
    return { reason, len: v.len, snap: [v.nextHeader(), v.fragOffset(), v.more(), v.id()] };
  },
  icmpv4(buf, off, len) {
    const v = ic4.bind(buf, off, len);
    const reason = v.check();
    if (reason !== null) return { reason, len: v.len, snap: [] };
    assert.ok(v.innerOff() + v.innerLen() <= off + v.len, 'inner datagram inside the message');
    return {
      reason, len: v.len,
      snap: [
        v.type(), v.code(), v.checksum(), v.restOfHeader(), v.id(), v.seq(), v.mtu(), v.pointer(), v.isError(),
        v.hasLengthField(), v.lengthWords(), v.origDatagramLen(), rel(v.innerOff(), off), v.innerLen(), rel(v.extOff(), off),
        v.computeChecksum(), v.checksumOk(),
      ],
    };
  },
  icmpv6(buf, off, len) {
    const v = ic6.bind(buf, off, len);
    const reason = v.check();
    if (reason !== null) return { reason, len: v.len, snap: [] };
    assert.ok(v.innerOff() + v.innerLen() <= off + v.len, 'inner packet inside the message');
    return {
      reason, len: v.len,
      snap: [
        v.type(), v.code(), v.checksum(), v.restOfHeader(), v.id(), v.seq(), v.mtu(), v.pointer(), v.isError(),
        v.hasLengthField(), v.lengthWords(), v.origDatagramLen(), rel(v.innerOff(), off), v.innerLen(), rel(v.extOff(), off),
        v.computeChecksum(0x1234), v.checksumOk(0),
      ],
    };
  },
  tcp(buf, off, len, emb) {
    const v = tcp.bind(buf, off, len);
    const reason = emb ? v.checkEmbedded() : v.check();
    if (reason !== null) return { reason, len: v.len, snap: [] };
    const ports = [v.srcPort(), v.dstPort(), v.seq(), v.truncated];
    if (v.truncated) return { reason, len: v.len, snap: ports };
    return {
      reason, len: v.len,
      snap: [
        ...ports, v.ack(), v.headerLen(), v.flags(), v.window(), v.checksum(), rel(v.checksumOff(), off), v.urgentPointer(),
        rel(v.payloadOff(), off), v.payloadLen(), v.computeChecksum(0xbeef), v.checksumOk(0),
      ],
    };
  },
  udp(buf, off, len, emb) {
    const v = udp.bind(buf, off, len);
    const reason = emb ? v.checkEmbedded() : v.check();
    if (reason !== null) return { reason, len: v.len, snap: [] };
    return {
      reason, len: v.len,
      snap: [
        v.srcPort(), v.dstPort(), v.length(), v.checksum(), rel(v.checksumOff(), off), rel(v.payloadOff(), off),
        v.payloadLen(), v.computeChecksum(0x4321), v.checksumOk(0), v.truncated,
      ],
    };
  },
};
const NAMES = Object.keys(RUNNERS);

// ---- inputs: random bytes, and valid packets with a few octets changed and cut anywhere ----

const a6 = (n: number): Uint8Array => Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n);
const SAMPLES: Uint8Array[] = [
  buildPacket({ ip: { version: 4, src: 1, dst: 2, options: Uint8Array.of(1, 131, 7, 4, 10, 0, 0, 1) }, l4: { proto: 'tcp', srcPort: 1, dstPort: 2, options: Uint8Array.of(2, 4, 5, 180) }, payload: new Uint8Array(9) }),
  buildPacket({ ip: { version: 6, src: a6(1), dst: a6(2), ext: [{ type: 0, options: new Uint8Array(12) }, { type: 43, segmentsLeft: 2, data: new Uint8Array(20) }, { type: 44, fragOffset: 0, more: true, id: 9 }, { type: 60, options: new Uint8Array(20) }] }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(5) }),
  ...buildFragments({ ip: { version: 6, src: a6(1), dst: a6(2), ext: [{ type: 0 }] }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(30) }, 16, 3),
  buildPacket({ ip: { version: 4, src: 3, dst: 4 }, l4: { proto: 'icmpv4', type: 11, code: 0, origDatagramLen: 32, inner: { ip: { version: 4, src: 1, dst: 2 }, l4: { proto: 'udp', srcPort: 7, dstPort: 8 }, payload: new Uint8Array(20) } }, payload: Uint8Array.of(0x20, 0, 0, 0) }),
  buildPacket({ ip: { version: 6, src: a6(3), dst: a6(1) }, l4: { proto: 'icmpv6', type: 1, code: 4, origDatagramLen: 56, inner: { ip: { version: 6, src: a6(1), dst: a6(2), ext: [{ type: 60 }] }, l4: { proto: 'tcp', srcPort: 7, dstPort: 8 } } }, payload: Uint8Array.of(0x20, 0, 0, 0) }),
];

interface Input {
  buf: Uint8Array;
  off: number;
  len: number;
}

const randomInput: fc.Arbitrary<Input> = fc.record({
  buf: fc.uint8Array({ maxLength: 160 }),
  off: fc.integer({ min: -3, max: 170 }),
  len: fc.oneof(fc.integer({ min: -3, max: 200 }), fc.constantFrom(Number.NaN, 0.5, Number.POSITIVE_INFINITY)),
});

const mutatedInput: fc.Arbitrary<Input> = fc
  .record({
    which: fc.nat(SAMPLES.length - 1),
    lead: fc.nat(9),
    shift: fc.oneof(fc.constant(0), fc.constantFrom(8, 20, 28, 40, 48, 56, 60, 80, 96)),
    muts: fc.array(fc.tuple(fc.nat(200), fc.nat(255)), { maxLength: 3 }),
    cut: fc.oneof(fc.constant(Infinity), fc.nat(250)),
    tail: fc.nat(6),
  })
  .map(({ which, lead, shift, muts, cut, tail }) => {
    const pkt = SAMPLES[which]!;
    const buf = new Uint8Array(lead + pkt.length + tail).fill(0x77);
    buf.set(pkt, lead);
    for (const [i, v] of muts) if (i < pkt.length) buf[lead + i] = v;
    const off = lead + Math.min(shift, pkt.length);
    return { buf, off, len: Math.min(cut, buf.length - off) };
  });

const anyInput = fc.oneof(randomInput, mutatedInput);

test('bind + check never throws on arbitrary bytes, offsets and lengths, and accessors after a pass do not throw', () => {
  run(
    'never-throws',
    fc.property(anyInput, fc.boolean(), ({ buf, off, len }, emb) => {
      for (const name of NAMES) {
        const out = RUNNERS[name]!(buf, off, len, emb);
        if (out.reason !== null) assert.ok((PACKET_REASONS as readonly string[]).includes(out.reason), out.reason);
      }
    }),
    2000,
  );
});

test('after a passing check every accessor reads only the checked bytes (canaries around them change nothing)', () => {
  const passed: Record<string, number> = {};
  run(
    'stays-in-range',
    fc.property(mutatedInput, fc.boolean(), ({ buf, off, len }, emb) => {
      for (const name of NAMES) {
        const r = RUNNERS[name]!;
        const base = r(buf, off, len, emb);
        if (base.reason !== null) continue;
        passed[name] = (passed[name] ?? 0) + 1;
        const used = base.len;
        for (const canary of [0x00, 0xff, 0x5a]) {
          const c = new Uint8Array(buf.length).fill(canary);
          c.set(buf.subarray(off, off + used), off);
          const out = r(c, off, len, emb);
          assert.equal(out.reason, null, `${name} canary ${canary}`);
          assert.equal(out.len, used, `${name} canary ${canary}`);
          assert.deepEqual(out.snap, base.snap, `${name} canary ${canary}`);
        }
        // Exactly the used bytes, in a subarray of a larger buffer: a read past them would see undefined (0)
        // or, for the checksum, throw.
        const host = new Uint8Array(used + 8).fill(0xee);
        host.set(buf.subarray(off, off + used), 3);
        const tight = host.subarray(3, 3 + used);
        const out = r(tight, 0, used, emb);
        assert.equal(out.reason, null, `${name} tight`);
        assert.deepEqual(out.snap, base.snap, `${name} tight`);
      }
    }),
    1500,
  );
  // The property is only as good as the inputs that get past check(): make sure every view saw some.
  for (const name of NAMES) assert.ok((passed[name] ?? 0) >= 50, `${name} passed check() only ${passed[name] ?? 0} times (seed ${SEED})`);
});

// ---- emit -> bind -> check -> read back ----

const u32 = fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([a, b]) => ((a << 16) | b) >>> 0);
const u16 = fc.nat(0xffff);
const u8 = fc.nat(0xff);
const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });

type Opt = number[];
const ipv4Option: fc.Arbitrary<Opt> = fc.oneof(
  fc.constant<Opt>([1]),
  fc.tuple(fc.constantFrom(7, 68, 130, 148), bytes(5)).map(([t, d]) => [t, d.length + 2, ...d]),
  fc.tuple(fc.constantFrom(131, 137), fc.nat(5), fc.nat(12)).map(([t, n, p]) => [t, 3 + n, p, ...new Array<number>(n).fill(10)]),
);

test('emitIPv4 -> check reads back every field, options and source route included', () => {
  run(
    'ipv4-roundtrip',
    fc.property(
      fc.record({
        tos: u8, id: u16, df: fc.boolean(), mf: fc.boolean(), frag: fc.nat(0x1fff), ttl: u8, protocol: u8, src: u32, dst: u32,
        opts: fc.array(ipv4Option, { maxLength: 6 }), payloadLen: fc.nat(64), off: fc.nat(7), extra: fc.nat(5),
      }),
      (f) => {
        const list: Opt[] = [];
        let n = 0;
        for (const o of f.opts) if (n + o.length <= 40) (list.push(o), (n += o.length));
        let expectRoute = -1;
        let at = 20;
        for (const o of list) {
          if (expectRoute < 0 && (o[0] === 131 || o[0] === 137) && o[2]! <= o[1]!) expectRoute = at;
          at += o.length;
        }
        const options = n > 0 ? Uint8Array.from(list.flat()) : undefined;
        const hl = 20 + ((n + 3) & ~3);
        const buf = new Uint8Array(f.off + hl + f.payloadLen + f.extra).fill(0xa5);
        const fields = { tos: f.tos, id: f.id, df: f.df, mf: f.mf, fragOffset: f.frag * 8, ttl: f.ttl, protocol: f.protocol, src: f.src, dst: f.dst, payloadLen: f.payloadLen, options };
        assert.equal(emitIPv4(buf, f.off, fields), hl);
        const v = ip4.bind(buf, f.off, buf.length - f.off);
        assert.equal(v.check(), null);
        assert.deepEqual(
          [v.headerLen(), v.tos(), v.totalLen(), v.id(), v.df(), v.mf(), v.fragOffset(), v.ttl(), v.protocol(), v.src(), v.dst(), v.len],
          [hl, f.tos, hl + f.payloadLen, f.id, f.df, f.mf, f.frag * 8, f.ttl, f.protocol, f.src, f.dst, hl + f.payloadLen],
        );
        assert.equal(v.checksumOk(), true);
        assert.equal(rel(v.sourceRouteOff(), f.off), expectRoute);
      },
    ),
  );
});

const optsExt = fc.tuple(fc.constantFrom(0 as const, 60 as const), bytes(30)).map(([type, options]): Ipv6Ext => ({ type, options }));
const dstExt = bytes(30).map((options): Ipv6Ext => ({ type: 60, options }));
const rhExt = fc.record({ routingType: u8, segmentsLeft: u8, data: bytes(40) }).map((r): Ipv6Ext => ({ type: 43, ...r }));
const fragExt = fc.record({ fragOffset: fc.nat(0x1fff).map((x) => x * 8), more: fc.boolean(), id: u32 }).map((r): Ipv6Ext => ({ type: 44, ...r }));

const extChain: fc.Arbitrary<Ipv6Ext[]> = fc
  .tuple(fc.option(optsExt.map((e) => ({ ...e, type: 0 as const })), { nil: undefined }), fc.array(fc.oneof(dstExt, rhExt), { maxLength: 3 }), fc.option(fragExt, { nil: undefined }), fc.nat(3), fc.array(fc.oneof(dstExt, rhExt), { maxLength: 2 }))
  .map(([hbh, mid, frag, at, tail]) => {
    const chain: Ipv6Ext[] = [...mid];
    if (frag !== undefined) chain.splice(Math.min(at, chain.length), 0, frag);
    chain.push(...tail);
    return hbh === undefined ? chain : [hbh, ...chain];
  });

test('emitIPv6 -> check walks any valid chain and finds what was emitted', () => {
  run(
    'ipv6-roundtrip',
    fc.property(
      fc.record({
        tc: u8, flow: fc.nat(0xfffff), hop: u8, nh: fc.constantFrom(6, 17, 58, 59, 50, 51, 253),
        src: fc.uint8Array({ minLength: 16, maxLength: 16 }), dst: fc.uint8Array({ minLength: 16, maxLength: 16 }),
        ext: extChain, upperLen: fc.nat(40), off: fc.nat(7), extra: fc.nat(5),
      }),
      (f) => {
        const extLenAll = f.ext.reduce((s, e) => s + ipv6ExtLen(e), 0);
        const buf = new Uint8Array(f.off + 40 + extLenAll + f.upperLen + f.extra).fill(0xa5);
        assert.equal(emitIPv6(buf, f.off, { trafficClass: f.tc, flowLabel: f.flow, hopLimit: f.hop, nextHeader: f.nh, src: f.src, dst: f.dst, ext: f.ext, upperLen: f.upperLen }), 40 + extLenAll);
        // Model of the walk: stop after a non-first Fragment header.
        let p = 40;
        let upper: number = f.nh;
        let hbh = false, dst = false, rh = -1, seg = 0, fragAt = -1;
        let frag: Ipv6Ext | undefined;
        for (let i = 0; i < f.ext.length; i++) {
          const e = f.ext[i]!;
          if (e.type === 0) hbh = true;
          if (e.type === 60) dst = true;
          if (e.type === 43 && rh < 0) (rh = p), (seg = e.segmentsLeft);
          if (e.type === 44) (fragAt = p), (frag = e);
          p += ipv6ExtLen(e);
          if (e.type === 44 && e.fragOffset !== 0) {
            upper = f.ext[i + 1]?.type ?? f.nh;
            break;
          }
        }
        const v = ip6.bind(buf, f.off, buf.length - f.off);
        assert.equal(v.check(), null);
        assert.deepEqual(
          [v.trafficClass(), v.flowLabel(), v.hopLimit(), v.payloadLen(), v.len, [...buf.subarray(v.srcOff(), v.srcOff() + 16)], [...buf.subarray(v.dstOff(), v.dstOff() + 16)]],
          [f.tc, f.flow, f.hop, extLenAll + f.upperLen, 40 + extLenAll + f.upperLen, [...f.src], [...f.dst]],
        );
        assert.deepEqual(
          [v.upperProto(), rel(v.upperOff(), f.off), v.extLen(), v.hasHopByHop(), v.hasDestOptions(), rel(v.routingHeaderOff(), f.off), v.segmentsLeft(), v.hasFragment(), rel(v.fragHeaderOff(), f.off)],
          [upper, p, p - 40, hbh, dst, rh, seg, fragAt >= 0, fragAt],
        );
        if (rh >= 0) assert.equal(v.segmentsLeftPointer(), rh + 3);
        if (frag !== undefined && frag.type === 44) {
          assert.deepEqual([v.fragOffset(), v.fragMore(), v.fragId(), v.hasUpperHeader()], [frag.fragOffset, frag.more, frag.id, frag.fragOffset === 0]);
        }
      },
    ),
  );
});

test('emitFrag6, emitUdp, emitTcp, emitIcmpv4, emitIcmpv6 -> check read back and checksums verify', () => {
  run(
    'l4-roundtrip',
    fc.property(
      fc.record({
        off: fc.nat(7), payload: bytes(50), pseudo: u16, sp: u16, dp: u16, seq: u32, ack: u32, flags: u8, win: u16, urg: u16,
        topts: bytes(40), type: u8, code: u8, rest: u32, nh: u8, fo: fc.nat(0x1fff), more: fc.boolean(), id: u32,
      }),
      (f) => {
        const size = f.off + 60 + f.payload.length;
        const fresh = (): Uint8Array => new Uint8Array(size).fill(0xa5);

        let buf = fresh();
        emitFrag6(buf, f.off, { nextHeader: f.nh, fragOffset: f.fo * 8, more: f.more, id: f.id });
        assert.equal(fh.bind(buf, f.off, 8).check(), null);
        assert.deepEqual([fh.nextHeader(), fh.fragOffset(), fh.more(), fh.id()], [f.nh, f.fo * 8, f.more, f.id]);

        buf = fresh();
        buf.set(f.payload, f.off + 8);
        emitUdp(buf, f.off, { srcPort: f.sp, dstPort: f.dp, payloadLen: f.payload.length }, f.pseudo);
        assert.equal(udp.bind(buf, f.off, buf.length - f.off).check(), null);
        assert.deepEqual([udp.srcPort(), udp.dstPort(), udp.length(), udp.len, udp.checksumOk(f.pseudo)], [f.sp, f.dp, 8 + f.payload.length, 8 + f.payload.length, true]);
        assert.notEqual(udp.checksum(), 0);

        const tf = { srcPort: f.sp, dstPort: f.dp, seq: f.seq, ack: f.ack, flags: f.flags, window: f.win, urgentPointer: f.urg, options: f.topts, payloadLen: f.payload.length };
        const hl = tcpHeaderLen(tf);
        buf = new Uint8Array(f.off + hl + f.payload.length).fill(0xa5);
        buf.set(f.payload, f.off + hl);
        assert.equal(emitTcp(buf, f.off, tf, f.pseudo), hl);
        assert.equal(tcp.bind(buf, f.off, buf.length - f.off).check(), null);
        assert.deepEqual(
          [tcp.srcPort(), tcp.dstPort(), tcp.seq(), tcp.ack(), tcp.flags(), tcp.window(), tcp.urgentPointer(), tcp.headerLen(), tcp.payloadLen(), tcp.checksumOk(f.pseudo)],
          [f.sp, f.dp, f.seq, f.ack, f.flags, f.win, f.urg, hl, f.payload.length, true],
        );

        buf = fresh();
        buf.set(f.payload, f.off + 8);
        emitIcmpv4(buf, f.off, { type: f.type, code: f.code, rest: f.rest, bodyLen: f.payload.length });
        assert.equal(ic4.bind(buf, f.off, 8 + f.payload.length).check(), null);
        assert.deepEqual([ic4.type(), ic4.code(), ic4.restOfHeader(), ic4.checksumOk()], [f.type, f.code, f.rest, true]);

        buf = fresh();
        buf.set(f.payload, f.off + 8);
        emitIcmpv6(buf, f.off, { type: f.type, code: f.code, rest: f.rest, bodyLen: f.payload.length }, f.pseudo);
        assert.equal(ic6.bind(buf, f.off, 8 + f.payload.length).check(), null);
        assert.deepEqual([ic6.type(), ic6.code(), ic6.restOfHeader(), ic6.checksumOk(f.pseudo)], [f.type, f.code, f.rest, true]);
      },
    ),
  );
});

const l4Spec: fc.Arbitrary<L4Spec | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({ srcPort: u16, dstPort: u16 }).map((r): L4Spec => ({ proto: 'udp', ...r })),
  fc.record({ srcPort: u16, dstPort: u16, seq: u32, flags: u8, options: bytes(12) }).map((r): L4Spec => ({ proto: 'tcp', ...r })),
  fc.record({ type: u8, code: u8, rest: u32 }).map((r): L4Spec => ({ proto: 'icmpv4', ...r })),
  fc.record({ type: u8, code: u8, rest: u32 }).map((r): L4Spec => ({ proto: 'icmpv6', ...r })),
);

test('every packet buildPacket makes passes check() and its checksums verify', () => {
  run(
    'build-validates',
    fc.property(fc.boolean(), l4Spec, bytes(40), extChain, u32, u32, (v4, l4, payload, ext, s, d) => {
      const spec: PacketSpec = v4
        ? { ip: { version: 4, src: s, dst: d }, l4, payload }
        : { ip: { version: 6, src: a6(s & 0xff), dst: a6(d & 0xff), ext: ext.filter((e) => e.type !== 44) }, l4, payload };
      const pkt = buildPacket(spec);
      let off: number, len: number, pseudo: (proto: number, n: number) => number;
      if (v4) {
        assert.equal(ip4.bind(pkt, 0, pkt.length).check(), null);
        assert.equal(ip4.checksumOk(), true);
        [off, len] = [ip4.payloadOff(), ip4.payloadLen()];
        pseudo = (_p, n) => ip4.pseudoSum(n);
      } else {
        assert.equal(ip6.bind(pkt, 0, pkt.length).check(), null);
        [off, len] = [ip6.upperOff(), ip6.upperLen()];
        pseudo = (p, n) => ip6.pseudoSum(p, n);
      }
      assert.equal(len, (l4 === undefined ? 0 : l4.proto === 'tcp' ? tcpHeaderLen(l4) : 8) + payload.length);
      if (l4?.proto === 'udp') assert.ok(udp.bind(pkt, off, len).check() === null && udp.checksumOk(pseudo(17, len)));
      if (l4?.proto === 'tcp') assert.ok(tcp.bind(pkt, off, len).check() === null && tcp.checksumOk(pseudo(6, len)));
      if (l4?.proto === 'icmpv4') assert.ok(ic4.bind(pkt, off, len).check() === null && ic4.checksumOk());
      if (l4?.proto === 'icmpv6') assert.ok(ic6.bind(pkt, off, len).check() === null && ic6.checksumOk(pseudo(58, len)));
    }),
  );
});

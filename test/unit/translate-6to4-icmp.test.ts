// RFC 7915 §5.2/§5.3 (ICMPv6 -> ICMPv4), RFC 4884, RFC 6791 on the 6->4 path: every row of the
// type/code table, every pointer of Figure 6, Packet Too Big arithmetic, the packet inside an
// error. Expected packets are built independently with buildPacket from the RFC's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/index.js';
import { Translate6to4, REASONS_64 } from '../../src/translate/6to4.js';
import { Verdict, TO_IPV4 } from '../../src/translate/verdict.js';
import { SCRATCH_LEN, type TranslateContext } from '../../src/translate/context.js';
import { buildPacket, buildFragments, emitIPv4, type PacketSpec, type Ipv6Ext } from '../../src/packet/index.js';
import { parseIPv4, parseIPv6 } from '../../src/address/index.js';
import { referenceChecksum, WasmChecksum, type Checksum } from '../../src/checksum/index.js';

// ---- harness: testlib/rig-6to4.ts ----------------------------------------------------------------
import { CONFIG, wasm, ENVS, REF, rig, AT, seen, run, hex, outHex, a6, a4, BLUE_HOST6, BLUE_HOST4, REMOTE6, REMOTE4, RED_HOST6, TRANSLATOR6, payload, udp6, udp4, type Env, type Rig } from '../../testlib/rig-6to4.js';

// ---- the packet in error: what the blue host sent (after 4->6), and its expected IPv4 form ------

const ROUTER6 = a6('fd00:6464::4040:4040'); // 64.64.64.64 behind the shared PLAT: translatable for blue
const ROUTER4 = a4('64.64.64.64');

/** The datagram blue's 10.0.0.5 sent to 8.8.8.8, as it crossed the fabric (hop limit 30 where it died). */
function origUdp6(data = payload(40), ext?: Ipv6Ext[]): PacketSpec {
  return { ip: { version: 6, src: BLUE_HOST6, dst: REMOTE6, hopLimit: 30, trafficClass: 0, ext }, l4: { proto: 'udp', srcPort: 40000, dstPort: 53 }, payload: data };
}
/** Its IPv4 form per §5.3: hop limit not decremented, ID 0, DF by the 1260 rule. */
function origUdp4(data = payload(40)): PacketSpec {
  const total = 28 + data.length;
  return { ip: { version: 4, src: BLUE_HOST4, dst: REMOTE4, ttl: 30, tos: 0, id: 0, df: total > 1260 }, l4: { proto: 'udp', srcPort: 40000, dstPort: 53 }, payload: data };
}

interface ErrOpts {
  src?: Uint8Array;
  innerLen?: number;
  origDatagramLen?: number;
  payload?: Uint8Array;
  checksum?: number;
}
function err6(type: number, code: number, rest: number, inner: PacketSpec | Uint8Array, o: ErrOpts = {}): Uint8Array {
  return buildPacket({
    ip: { version: 6, src: o.src ?? ROUTER6, dst: BLUE_HOST6, hopLimit: 64, trafficClass: 0 },
    l4: { proto: 'icmpv6', type, code, rest, inner, innerLen: o.innerLen, origDatagramLen: o.origDatagramLen, checksum: o.checksum },
    payload: o.payload,
  });
}
function err4(type: number, code: number, rest: number, inner: PacketSpec | Uint8Array, o: { src?: number; innerLen?: number; origDatagramLen?: number; payload?: Uint8Array } = {}): Uint8Array {
  return buildPacket({
    ip: { version: 4, src: o.src ?? ROUTER4, dst: BLUE_HOST4, ttl: 63, tos: 0, id: 0x1234, df: false },
    l4: { proto: 'icmpv4', type, code, rest, inner, innerLen: o.innerLen, origDatagramLen: o.origDatagramLen },
    payload: o.payload,
  });
}
function padTo(b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(b.subarray(0, Math.min(n, b.length)));
  return out;
}

// ---- informational ------------------------------------------------------------------------------

for (const env of ENVS) {
  for (const [t6, t4] of [[128, 8], [129, 0]] as const) {
    test(`[${env.name}] translates ICMPv6 echo ${t6} to ICMPv4 ${t4} in place, checksum over the ICMPv4 message without pseudo-header`, () => {
      const r = rig(env);
      const data = payload(56);
      const v = run(r, buildPacket({ ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, trafficClass: 0 }, l4: { proto: 'icmpv6', type: t6, code: 0, rest: 0x0abc0007 }, payload: data }));
      assert.equal(v.drop, null);
      assert.equal(v.bufs[0], env.packetBuf);
      const exp = buildPacket({ ip: { version: 4, src: REMOTE4, dst: BLUE_HOST4, ttl: 63, id: 0x1234 }, l4: { proto: 'icmpv4', type: t4, code: 0, rest: 0x0abc0007 }, payload: data });
      assert.equal(outHex(v), hex(exp));
    });
  }

  test(`[${env.name}] drops an ICMPv6 message with a bad checksum instead of laundering it`, () => {
    const echo = buildPacket({ ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6 }, l4: { proto: 'icmpv6', type: 128, code: 0, rest: 1, checksum: 0x1234 } });
    assert.equal(run(rig(env), echo).drop, '64.bad-icmpv6-checksum');
    const err = err6(1, 4, 0, origUdp6(), { checksum: 0x4321 });
    assert.equal(run(rig(env), err).drop, '64.bad-icmpv6-checksum');
  });
}

test('drops MLD (130-132), ND (133-137) and unknown informational messages silently, each with its reason', () => {
  const cases: [number, string][] = [
    [130, '64.icmpv6-mld'], [131, '64.icmpv6-mld'], [132, '64.icmpv6-mld'],
    [133, '64.icmpv6-nd'], [134, '64.icmpv6-nd'], [135, '64.icmpv6-nd'], [136, '64.icmpv6-nd'], [137, '64.icmpv6-nd'],
    [138, '64.icmpv6-unknown-info'], [143, '64.icmpv6-unknown-info'], [200, '64.icmpv6-unknown-info'], [255, '64.icmpv6-unknown-info'],
  ];
  for (const [type, reason] of cases) {
    const v = run(rig(), buildPacket({ ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6 }, l4: { proto: 'icmpv6', type, code: 0 }, payload: payload(16) }));
    assert.equal(v.drop, reason, `type ${type}`);
    assert.equal(v.count, 0);
  }
});

test('drops a fragmented ICMPv6 message (its checksum spans fragments) but translates an atomic fragment', () => {
  const spec: PacketSpec = { ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, trafficClass: 0 }, l4: { proto: 'icmpv6', type: 128, code: 0, rest: 5 }, payload: payload(3000) };
  const frags = buildFragments(spec, 1232, 0x10203040);
  assert.equal(run(rig(), frags[0]!).drop, '64.icmpv6-fragment');
  assert.equal(run(rig(), frags[1]!).drop, '64.icmpv6-fragment');
  const atomic = buildPacket({ ...spec, ip: { ...spec.ip, ext: [{ type: 44, fragOffset: 0, more: false, id: 0x10203040 }] } as PacketSpec['ip'], payload: payload(40) });
  const v = run(rig(), atomic);
  assert.equal(outHex(v), hex(buildPacket({ ip: { version: 4, src: REMOTE4, dst: BLUE_HOST4, ttl: 63, id: 0x3040 }, l4: { proto: 'icmpv4', type: 8, code: 0, rest: 5 }, payload: payload(40) })));
});

test('drops an echo from a source outside the tenant (only errors take the RFC 6791 path)', () => {
  const v = run(rig(), buildPacket({ ip: { version: 6, src: a6('fd00:ffff::99'), dst: BLUE_HOST6 }, l4: { proto: 'icmpv6', type: 128, code: 0 } }));
  assert.equal(v.drop, '64.cross-tenant');
});

// ---- errors: every row of §5.2 ------------------------------------------------------------------

const ROWS: { t6: number; c6: number; t4: number; c4: number }[] = [
  { t6: 1, c6: 0, t4: 3, c4: 1 }, //  no route -> host unreachable
  { t6: 1, c6: 1, t4: 3, c4: 10 }, // administratively prohibited -> host administratively prohibited
  { t6: 1, c6: 2, t4: 3, c4: 1 }, //  beyond scope -> host unreachable
  { t6: 1, c6: 3, t4: 3, c4: 1 }, //  address unreachable -> host unreachable
  { t6: 1, c6: 4, t4: 3, c4: 3 }, //  port unreachable -> port unreachable
  { t6: 3, c6: 0, t4: 11, c4: 0 }, // hop limit exceeded in transit -> TTL exceeded, code unchanged
  { t6: 3, c6: 1, t4: 11, c4: 1 }, // fragment reassembly time exceeded, code unchanged
  { t6: 4, c6: 1, t4: 3, c4: 2 }, //  unrecognized Next Header -> protocol unreachable
];
for (const env of ENVS) {
  for (const { t6, c6, t4, c4 } of ROWS) {
    test(`[${env.name}] translates ICMPv6 error ${t6}/${c6} to ICMPv4 ${t4}/${c4} with the packet in error translated`, () => {
      const v = run(rig(env), err6(t6, c6, 0, origUdp6()));
      assert.equal(v.drop, null);
      assert.equal(v.to[0], TO_IPV4);
      assert.equal(v.bufs[0], env.scratch);
      assert.equal(outHex(v), hex(err4(t4, c4, 0, origUdp4())));
    });
  }
}

test('drops Destination Unreachable codes 5..255 and Parameter Problem codes 2..255 (RFC: silently drop)', () => {
  for (const c of [5, 6, 7, 8, 255]) assert.equal(run(rig(), err6(1, c, 0, origUdp6())).drop, '64.icmpv6-dest-unreach-code', `1/${c}`);
  for (const c of [2, 3, 255]) assert.equal(run(rig(), err6(4, c, 0, origUdp6())).drop, '64.icmpv6-param-problem-code', `4/${c}`);
});

test('drops unknown ICMPv6 error types (0, 5..127)', () => {
  for (const t of [0, 5, 100, 127]) assert.equal(run(rig(), err6(t, 0, 0, origUdp6())).drop, '64.icmpv6-unknown-error', `type ${t}`);
});

// RFC 7915 Figure 6, written out again independently of src/translate/icmp6to4.ts.
const FIGURE6: [number, number | null][] = [
  [0, 0], [1, 1], [2, null], [3, null], [4, 2], [5, 2], [6, 9], [7, 8],
  ...Array.from({ length: 16 }, (_, i): [number, number] => [8 + i, 12]),
  ...Array.from({ length: 16 }, (_, i): [number, number] => [24 + i, 16]),
  [40, null], [41, null], [48, null], [1000, null], [0xffffffff, null],
];
test('maps every Parameter Problem pointer of Figure 6 (4/0 -> 12/0), dropping n/a and unlisted pointers', () => {
  for (const [p6, p4] of FIGURE6) {
    const v = run(rig(), err6(4, 0, p6 >>> 0, origUdp6()));
    if (p4 === null) {
      assert.equal(v.drop, '64.icmpv6-param-problem-pointer', `pointer ${p6}`);
      assert.equal(v.count, 0);
    } else {
      assert.equal(v.drop, null, `pointer ${p6}`);
      assert.equal(outHex(v), hex(err4(12, 0, (p4 << 24) >>> 0, origUdp4())), `pointer ${p6}`);
    }
  }
});

// ---- Packet Too Big arithmetic --------------------------------------------------------------------

test('Packet Too Big -> 3/4 with MTU = min(advertised - 20, ipv4Mtu, ipv6Mtu - 20)', () => {
  const cases: [number, number, number, number][] = [
    // advertised, ipv4Mtu, ipv6Mtu, expected
    [1500, 1500, 1500, 1480],
    [1400, 1500, 1500, 1380],
    [1280, 1500, 1500, 1260],
    [1500, 1000, 1500, 1000],
    [1500, 1500, 1300, 1280],
    [9000, 9000, 9000, 8980],
    [88, 1500, 1500, 68],
    [70000, 65535, 65535, 65515],
  ];
  for (const [adv, m4, m6, exp] of cases) {
    const v = run(rig(REF, { ipv4Mtu: m4, ipv6Mtu: m6 }), err6(2, 0, adv, origUdp6()));
    assert.equal(outHex(v), hex(err4(3, 4, exp, origUdp4())), `${adv}/${m4}/${m6}`);
  }
});

test('Packet Too Big with an MTU below 68 + 20 (0 from a broken router) falls back to the plateau below the quoted datagram', () => {
  const data = payload(952); // quoted datagram: 980 octets as IPv4
  for (const adv of [0, 20, 87]) {
    const v = run(rig(), err6(2, 0, adv, origUdp6(data), { innerLen: 600 }));
    assert.equal(outHex(v), hex(err4(3, 4, 508, origUdp4(data), { innerLen: 580 })), `advertised ${adv}`);
  }
  const custom = run(rig(REF, { mtuPlateaus: [1000, 600, 100] }), err6(2, 0, 0, origUdp6(data), { innerLen: 600 }));
  assert.equal(outHex(custom), hex(err4(3, 4, 600, origUdp4(data), { innerLen: 580 })));
  const tiny = run(rig(), err6(2, 0, 0, origUdp6(payload(20))));
  assert.equal(outHex(tiny), hex(err4(3, 4, 68, origUdp4(payload(20)))), 'no plateau below 48: 68');
});

// ---- RFC 4884 ---------------------------------------------------------------------------------------

const EXT = Uint8Array.of(0x20, 0, 0x12, 0x34, 0, 8, 1, 1, 0xc0, 0, 2, 1); // version 2 header + one 8-octet object

for (const env of ENVS) {
  test(`[${env.name}] RFC 4884: keeps the extension, pads the translated datagram to 128 octets and writes Length in 32-bit words`, () => {
    const inner6 = buildPacket(origUdp6(payload(12))); // 60 octets, padded to 128 in the ICMPv6 error
    const v = run(rig(env), err6(1, 4, 0, padTo(inner6, 128), { origDatagramLen: 128, payload: EXT }));
    const inner4 = buildPacket(origUdp4(payload(12))); // 40 octets -> padded to 128
    assert.equal(outHex(v), hex(err4(3, 3, 0, padTo(inner4, 128), { origDatagramLen: 128, payload: EXT })));
  });
}

test('RFC 4884: a long datagram keeps its translated length (already a 32-bit multiple), Length 55 words', () => {
  const inner6 = buildPacket(origUdp6(payload(192))); // 240 octets
  const v = run(rig(), err6(3, 0, 0, inner6, { origDatagramLen: 240, payload: EXT }));
  const inner4 = buildPacket(origUdp4(payload(192))); // 220 octets
  assert.equal(outHex(v), hex(err4(11, 0, 0, inner4, { origDatagramLen: 220, payload: EXT })));
});

test('RFC 4884: a Length without extension pads the translated datagram to 32 bits', () => {
  const inner6 = buildPacket(origUdp6(payload(86))); // 134 octets, padded to 136
  const v = run(rig(), err6(1, 0, 0, padTo(inner6, 136), { origDatagramLen: 136 }));
  const inner4 = buildPacket(origUdp4(payload(86))); // 114 octets -> 116
  assert.equal(outHex(v), hex(err4(3, 1, 0, padTo(inner4, 116), { origDatagramLen: 116 })));
});

test('caps a translated error at the IPv4 MTU, dropping the extension first, then cutting the quote', () => {
  const data = payload(1100);
  const v = run(rig(REF, { ipv4Mtu: 576 }), err6(1, 4, 0, origUdp6(data), { innerLen: 1176 }));
  assert.equal(v.lens[0], 576);
  assert.equal(outHex(v), hex(err4(3, 3, 0, origUdp4(data), { innerLen: 548 })));
  const inner6 = buildPacket(origUdp6(payload(500))); // 548 octets -> pad 552
  const w = run(rig(REF, { ipv4Mtu: 576 }), err6(1, 4, 0, padTo(inner6, 552), { origDatagramLen: 552, payload: new Uint8Array(64).fill(0x20, 0, 1) }));
  assert.equal(outHex(w), hex(err4(3, 3, 0, buildPacket(origUdp4(payload(500))), {})), 'extension dropped, no Length, whole quote fits');
});

// ---- RFC 6791 and isolation of the packet in error ------------------------------------------------

for (const env of ENVS) {
  test(`[${env.name}] RFC 6791: an error from a router without an IPv4 form takes translator.ipv4 when no pool is set`, () => {
    const v = run(rig(env), err6(3, 0, 0, origUdp6(), { src: a6('fd00:ffff::99') }));
    assert.equal(outHex(v), hex(err4(11, 0, 0, origUdp4(), { src: a4('192.0.0.1') })));
  });
}

test('RFC 6791: a /32 pool is the single source address', () => {
  const v = run(rig(REF, { rfc6791v4: '198.51.100.7/32' }), err6(3, 0, 0, origUdp6(), { src: a6('2001:db8:ffff::1') }));
  assert.equal(outHex(v), hex(err4(11, 0, 0, origUdp4(), { src: a4('198.51.100.7') })));
});

test('RFC 6791: a wider pool gives a deterministic address inside the pool per router', () => {
  const r = rig(REF, { rfc6791v4: '198.51.100.0/28' });
  const srcOf = (router: string): number => {
    const v = run(r, err6(3, 0, 0, origUdp6(), { src: a6(router) }));
    assert.equal(v.drop, null);
    const p = v.packet(0);
    return ((p[12]! << 24) | (p[13]! << 16) | (p[14]! << 8) | p[15]!) >>> 0;
  };
  const seenAddrs = new Set<number>();
  for (let i = 1; i <= 40; i++) {
    const s = srcOf(`2001:db8:ffff::${i.toString(16)}`);
    assert.equal(s >>> 4, a4('198.51.100.0') >>> 4, 'inside the /28');
    assert.equal(srcOf(`2001:db8:ffff::${i.toString(16)}`), s, 'same router, same address');
    seenAddrs.add(s);
  }
  assert.ok(seenAddrs.size > 4, 'routers spread over the pool');
});

test('an RFC 6791 error whose packet in error belongs to another tenant is dropped (no leak across tenants)', () => {
  const redOrig: PacketSpec = { ...origUdp6(), ip: { ...origUdp6().ip, src: RED_HOST6 } as PacketSpec['ip'] };
  assert.equal(run(rig(), err6(1, 4, 0, redOrig, { src: a6('fd00:ffff::99') })).drop, '64.inner-cross-tenant');
  const toRed: PacketSpec = { ...origUdp6(), ip: { ...origUdp6().ip, dst: RED_HOST6 } as PacketSpec['ip'] };
  assert.equal(run(rig(), err6(1, 4, 0, toRed)).drop, '64.inner-cross-tenant');
});

test('an error sent by a red host to a blue host about blue traffic arrives from the RFC 6791 pool, never under a red address', () => {
  const v = run(rig(), err6(1, 4, 0, origUdp6(), { src: RED_HOST6 }));
  assert.equal(outHex(v), hex(err4(3, 3, 0, origUdp4(), { src: a4('192.0.0.1') })));
});

// ---- the packet in error, §5.3 -----------------------------------------------------------------------

test('removes the inner extension headers and keeps the inner hop limit', () => {
  const v = run(rig(), err6(1, 4, 0, origUdp6(payload(40), [{ type: 0 }, { type: 60, options: new Uint8Array(10) }])));
  assert.equal(outHex(v), hex(err4(3, 3, 0, origUdp4())));
});

test('updates a truncated inner TCP checksum for the new addresses', () => {
  const data = payload(1000, 5);
  const in6: PacketSpec = { ip: { version: 6, src: BLUE_HOST6, dst: REMOTE6, hopLimit: 9, trafficClass: 0 }, l4: { proto: 'tcp', srcPort: 50000, dstPort: 443, seq: 7, ack: 9, flags: 0x10, window: 100 }, payload: data };
  const in4: PacketSpec = { ip: { version: 4, src: BLUE_HOST4, dst: REMOTE4, ttl: 9, tos: 0, id: 0, df: false }, l4: { proto: 'tcp', srcPort: 50000, dstPort: 443, seq: 7, ack: 9, flags: 0x10, window: 100 }, payload: data };
  const v = run(rig(), err6(1, 1, 0, in6, { innerLen: 100 }));
  assert.equal(outHex(v), hex(err4(3, 10, 0, in4, { innerLen: 80 })));
});

test('translates an inner ICMPv6 echo into ICMPv4 echo, checksum without the pseudo-header', () => {
  const in6: PacketSpec = { ip: { version: 6, src: BLUE_HOST6, dst: REMOTE6, hopLimit: 3, trafficClass: 0 }, l4: { proto: 'icmpv6', type: 128, code: 0, rest: 0x00420001 }, payload: payload(32) };
  const in4: PacketSpec = { ip: { version: 4, src: BLUE_HOST4, dst: REMOTE4, ttl: 3, tos: 0, id: 0 }, l4: { proto: 'icmpv4', type: 8, code: 0, rest: 0x00420001 }, payload: payload(32) };
  assert.equal(outHex(run(rig(), err6(3, 0, 0, in6))), hex(err4(11, 0, 0, in4)));
});

test('drops an error quoting an ICMPv6 error, and one quoting an untranslatable informational message', () => {
  const quotedErr: PacketSpec = { ip: { version: 6, src: BLUE_HOST6, dst: REMOTE6 }, l4: { proto: 'icmpv6', type: 1, code: 0, inner: origUdp6() } };
  assert.equal(run(rig(), err6(3, 0, 0, quotedErr)).drop, '64.inner-icmpv6-error');
  const quotedNd: PacketSpec = { ip: { version: 6, src: BLUE_HOST6, dst: REMOTE6 }, l4: { proto: 'icmpv6', type: 135, code: 0 }, payload: payload(16) };
  assert.equal(run(rig(), err6(3, 0, 0, quotedNd)).drop, '64.inner-icmpv6-untranslatable');
});

test('turns an inner Fragment header into IPv4 fragment fields (ID low 16 bits, MF, offset)', () => {
  const data = payload(3000);
  const f6 = buildFragments(origUdp6(data), 1232, 0x77778888)[1]!; // middle fragment
  const whole4 = buildPacket(origUdp4(data));
  const f4 = new Uint8Array(20 + 1232);
  f4.set(whole4.subarray(20 + 1232, 20 + 2464), 20);
  emitIPv4(f4, 0, { tos: 0, id: 0x8888, df: false, mf: true, fragOffset: 1232, ttl: 30, protocol: 17, src: BLUE_HOST4, dst: REMOTE4, payloadLen: 1232 });
  const v = run(rig(), err6(3, 1, 0, f6, { innerLen: 200 }));
  assert.equal(outHex(v), hex(err4(11, 1, 0, f4, { innerLen: 172 })));
});

test('drops an error whose packet in error is not IPv6', () => {
  assert.equal(run(rig(), err6(1, 4, 0, buildPacket(origUdp4()))).drop, '64.inner-malformed');
  assert.equal(run(rig(), err6(1, 4, 0, new Uint8Array(0))).drop, '64.inner-malformed');
});

test('every drop reason seen in the ICMP tests is listed in REASONS_64', () => {
  for (const r of seen) assert.ok((REASONS_64 as readonly string[]).includes(r), r);
});

// RFC 7915 §5.1, §5.1.1, §5.4, §5.5 (IPv6 -> IPv4): headers, isolation, hop limit, routing header,
// fragments, Packet Too Big. Inputs and expected outputs are built independently with buildPacket /
// emitIPv4 from the RFC's rules; the translator's code is never used to build an expectation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/index.js';
import { Translate6to4, REASONS_64 } from '../../src/translate/6to4.js';
import { Translator } from '../../src/translate/translator.js';
import { Verdict, TO_IPV4, TO_IPV6 } from '../../src/translate/verdict.js';
import { SCRATCH_LEN, type TranslateContext } from '../../src/translate/context.js';
import { PacketOffload } from '../../src/translate/offload.js';
import { buildPacket, buildFragments, emitIPv4, type PacketSpec, type Ipv6Ext } from '../../src/packet/index.js';
import { parseIPv4, parseIPv6 } from '../../src/address/index.js';
import { referenceChecksum, WasmChecksum, type Checksum } from '../../src/checksum/index.js';

// ---- harness: testlib/rig-6to4.ts ----------------------------------------------------------------
import { CONFIG, wasm, ENVS, REF, rig, AT, seen, run, hex, outHex, a6, a4, BLUE_HOST6, BLUE_HOST4, REMOTE6, REMOTE4, RED_HOST6, TRANSLATOR6, payload, udp6, udp4, type Env, type Rig } from '../../testlib/rig-6to4.js';
function tcp6(data: Uint8Array, hopLimit = 64): PacketSpec {
  return {
    ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, hopLimit, trafficClass: 0 },
    l4: { proto: 'tcp', srcPort: 443, dstPort: 50000, seq: 0x01020304, ack: 0x0a0b0c0d, flags: 0x18, window: 65535 },
    payload: data,
  };
}
function tcp4(data: Uint8Array, id: number, df: boolean): PacketSpec {
  return {
    ip: { version: 4, src: REMOTE4, dst: BLUE_HOST4, ttl: 63, tos: 0, id, df },
    l4: { proto: 'tcp', srcPort: 443, dstPort: 50000, seq: 0x01020304, ack: 0x0a0b0c0d, flags: 0x18, window: 65535 },
    payload: data,
  };
}
/** The ICMPv6 error the translator must send back: from fd00:ffff::1, hop limit 64, quoting `quote`. */
function icmp6Answer(to: Uint8Array, type: number, code: number, rest: number, quote: Uint8Array): Uint8Array {
  return buildPacket({ ip: { version: 6, src: TRANSLATOR6, dst: to, hopLimit: 64 }, l4: { proto: 'icmpv6', type, code, rest, inner: quote.subarray(0, 1280 - 48) } });
}

// ---- header translation, §5.1 and §5.5 ---------------------------------------------------------

for (const env of ENVS) {
  test(`[${env.name}] translates UDP in place: §5.1 header, TOS copied, TTL - 1, DF=0 below 1260 with a counter ID, checksum for the IPv4 pseudo-header`, () => {
    const r = rig(env);
    const v = run(r, buildPacket(udp6()));
    assert.equal(v.drop, null);
    assert.equal(v.count, 1);
    assert.equal(v.to[0], TO_IPV4);
    assert.equal(v.tenant[0], r.tenant('blue'));
    assert.equal(v.bufs[0], env.packetBuf, 'in place');
    assert.equal(v.offs[0], AT + 20, 'IPv4 header ends where the UDP header starts');
    assert.equal(outHex(v), hex(buildPacket(udp4())));
  });

  test(`[${env.name}] translates TCP above 1260 octets with DF=1 and ID 0, checksum updated incrementally`, () => {
    const r = rig(env);
    const data = payload(1400, 3);
    const v = run(r, buildPacket(tcp6(data)));
    assert.equal(v.drop, null);
    assert.equal(outHex(v), hex(buildPacket(tcp4(data, 0, true))));
  });

  test(`[${env.name}] translates a UDP datagram whose checksum lands on 0xffff as 0xffff, never 0`, () => {
    const r = rig(env);
    // Search a payload word that makes the IPv4 checksum compute to 0 (sent as 0xffff, RFC 768).
    for (let w = 0; w < 0x10000; w++) {
      const data = Uint8Array.of(w >>> 8, w & 0xff, 1, 2);
      const exp = buildPacket(udp4({}, data));
      if (exp[26] !== 0xff || exp[27] !== 0xff) continue;
      const v = run(r, buildPacket(udp6({}, data)));
      assert.equal(outHex(v), hex(exp));
      return;
    }
    assert.fail('no payload with a zero checksum found');
  });
}

test('writes the configured TOS instead of the Traffic Class when options.tos is a number (RFC 7915 §5.1 SHOULD)', () => {
  const r = rig(REF, { tos: 0x10 });
  const v = run(r, buildPacket(udp6({ trafficClass: 0xb8 })));
  assert.equal(outHex(v), hex(buildPacket(udp4({ tos: 0x10 }))));
});

test('copies the whole Traffic Class octet into TOS when options.tos is copy', () => {
  const r = rig(REF, { tos: 'copy' });
  const v = run(r, buildPacket(udp6({ trafficClass: 0xb9 })));
  assert.equal(outHex(v), hex(buildPacket(udp4({ tos: 0xb9 }))));
});

test('passes an unknown transport protocol with its number and untouched payload', () => {
  const r = rig();
  const data = payload(64);
  const v = run(r, buildPacket({ ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, nextHeader: 132, trafficClass: 0 }, payload: data }));
  assert.equal(outHex(v), hex(buildPacket({ ip: { version: 4, src: REMOTE4, dst: BLUE_HOST4, protocol: 132, ttl: 63, id: 0x1234 }, payload: data })));
});

test('skips Hop-by-Hop, Destination Options and a Routing header with Segments Left 0', () => {
  const r = rig();
  const ext: Ipv6Ext[] = [{ type: 0 }, { type: 60, options: new Uint8Array(12) }, { type: 43, segmentsLeft: 0, data: new Uint8Array(16) }, { type: 60 }];
  const pkt = buildPacket(udp6({ ext }));
  const v = run(r, pkt);
  assert.equal(v.drop, null);
  assert.equal(v.offs[0], AT + pkt.length - 108 - 20, 'header written right before the UDP header');
  assert.equal(outHex(v), hex(buildPacket(udp4())));
});

test('uses an ID from the per-worker counter for successive DF=0 packets', () => {
  const r = rig();
  r.t.nextIdent = 0xffff;
  assert.equal(outHex(run(r, buildPacket(udp6()))), hex(buildPacket(udp4({ id: 0xffff }))));
  assert.equal(outHex(run(r, buildPacket(udp6()))), hex(buildPacket(udp4({ id: 0 }))));
});

test('drops IPv6 UDP with checksum zero (RFC 8200 §8.1)', () => {
  const pkt = buildPacket(udp6());
  pkt[46] = 0;
  pkt[47] = 0;
  const v = run(rig(), pkt);
  assert.equal(v.drop, '64.udp-zero-checksum');
  assert.equal(v.count, 0);
});

test('drops a truncated TCP header and a bad UDP length with named reasons', () => {
  const tcp = buildPacket({ ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, nextHeader: 6 }, payload: new Uint8Array(12) });
  assert.equal(run(rig(), tcp).drop, '64.malformed-tcp');
  const udp = buildPacket(udp6());
  udp[44] = 0xff; // UDP Length past the datagram
  assert.equal(run(rig(), udp).drop, '64.malformed-udp');
});

test('drops malformed IPv6 and never throws on random bytes', () => {
  assert.equal(run(rig(), new Uint8Array(20)).drop, '64.malformed-ipv6');
  const r = rig();
  let x = 12345;
  for (let n = 0; n < 3000; n++) {
    const len = (x = (x * 1103515245 + 12345) >>> 0) % 200;
    const b = new Uint8Array(len);
    for (let i = 0; i < len; i++) b[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    if (len > 0) b[0] = 0x60;
    if (len >= 40 && n % 2 === 0) b.set(BLUE_HOST6, 24);
    if (len >= 24 && n % 3 === 0) b.set(REMOTE6, 8);
    if (len > 6 && n % 4 === 0) b[6] = [6, 17, 58, 0, 43, 44, 60][n % 7]!;
    const v = run(r, b);
    assert.ok(v.drop === null || (REASONS_64 as readonly string[]).includes(v.drop), String(v.drop));
  }
});

// ---- tenant isolation ---------------------------------------------------------------------------

test('drops a packet from a red host to a blue host as cross-tenant', () => {
  const v = run(rig(), buildPacket(udp6({ src: RED_HOST6 })));
  assert.equal(v.drop, '64.cross-tenant');
  assert.equal(v.count, 0);
});

test('drops a packet to a destination outside every tenant as not-ours', () => {
  assert.equal(run(rig(), buildPacket(udp6({ dst: a6('2001:db8::1') }))).drop, '64.not-ours');
});

test('drops a packet to an address under the shared PLAT prefix: it names no tenant host', () => {
  assert.equal(run(rig(), buildPacket(udp6({ src: BLUE_HOST6, dst: a6('fd00:6464::a00:9') }))).drop, '64.dst-plat');
});

test('drops a packet to an address under a PLAT prefix that only one tenant uses: it names no tenant host either', () => {
  const { table, translator: options } = checkConfig({
    translator: CONFIG.translator,
    tenants: [{ name: 'blue', prefix: 'fd00:64:1::/96', ipv4: ['10.0.0.0/8'], plat: 'fd00:6464::/96' }],
  });
  const r: Rig = { t: new Translate6to4({ table, options, checksum: REF.checksum, scratch: REF.scratch, offload: new PacketOffload() }), env: REF, tenant: (n) => table.indexOf(n) };
  assert.equal(run(r, buildPacket(udp6({ src: BLUE_HOST6, dst: a6('fd00:6464::808:808') }))).drop, '64.dst-plat');
});

test('translates intra-tenant traffic (source under the tenant prefix)', () => {
  const src = a6('fd00:64:1::a00:9');
  const v = run(rig(), buildPacket(udp6({ src })));
  const exp = udp4();
  exp.ip = { ...exp.ip, src: a4('10.0.0.9') } as PacketSpec['ip'];
  assert.equal(outHex(v), hex(buildPacket(exp)));
});

test('drops a source that is a loopback or otherwise untranslatable (RFC 7915 §5.1 SHOULD silently discard)', () => {
  assert.equal(run(rig(), buildPacket(udp6({ src: a6('::1') }))).drop, '64.cross-tenant');
});

// ---- hop limit and routing header: generated ICMPv6 errors --------------------------------------

for (const env of ENVS) {
  test(`[${env.name}] drops a packet arriving with hop limit 1 and answers ICMPv6 Time Exceeded 3/0 from the translator`, () => {
    const r = rig(env);
    const pkt = buildPacket(udp6({ hopLimit: 1 }));
    const v = run(r, pkt);
    assert.equal(v.drop, '64.hop-limit-expired');
    assert.equal(v.generatedError, true);
    assert.equal(v.count, 1);
    assert.equal(v.to[0], TO_IPV6);
    assert.equal(outHex(v), hex(icmp6Answer(REMOTE6, 3, 0, 0, pkt)));
  });
}

test('answers hop limit 0 the same way, and forwards hop limit 2 with TTL 1', () => {
  const pkt = buildPacket(udp6({ hopLimit: 0 }));
  const v = run(rig(), pkt);
  assert.equal(v.drop, '64.hop-limit-expired');
  assert.equal(outHex(v), hex(icmp6Answer(REMOTE6, 3, 0, 0, pkt)));
  assert.equal(outHex(run(rig(), buildPacket(udp6({ hopLimit: 2 })))), hex(buildPacket(udp4({ ttl: 1 }))));
});

test('quotes at most 1232 octets so the Time Exceeded fits 1280 (RFC 4443 §2.4(c))', () => {
  const pkt = buildPacket(tcp6(payload(1400), 1));
  const v = run(rig(), pkt);
  assert.equal(v.lens[0], 1280);
  assert.equal(outHex(v), hex(icmp6Answer(REMOTE6, 3, 0, 0, pkt)));
});

test('sends no Time Exceeded for an expiring ICMPv6 error (RFC 4443 §2.4(e))', () => {
  const err = buildPacket({ ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, hopLimit: 1 }, l4: { proto: 'icmpv6', type: 1, code: 4, inner: udp6({ src: BLUE_HOST6, dst: REMOTE6 }) } });
  const v = run(rig(), err);
  assert.equal(v.drop, '64.hop-limit-expired');
  assert.equal(v.count, 0);
  assert.equal(v.generatedError, false);
});

test('sends no Time Exceeded for an expiring non-first fragment', () => {
  const frags = buildFragments(udp6({ hopLimit: 1 }, payload(3000)), 1232, 7);
  const v = run(rig(), frags[1]!);
  assert.equal(v.drop, '64.hop-limit-expired');
  assert.equal(v.count, 0);
});

test('drops a packet with a Routing header with Segments Left > 0 and answers Parameter Problem 4/0 pointing at Segments Left', () => {
  const ext: Ipv6Ext[] = [{ type: 0 }, { type: 43, segmentsLeft: 2, data: new Uint8Array(36) }];
  const pkt = buildPacket(udp6({ ext }));
  const v = run(rig(), pkt);
  assert.equal(v.drop, '64.routing-header');
  assert.equal(v.generatedError, true);
  // Pointer: 40 (IPv6 header) + 8 (Hop-by-Hop) + 3 (Segments Left within the Routing header).
  assert.equal(outHex(v), hex(icmp6Answer(REMOTE6, 4, 0, 51, pkt)));
});

test('refuses a Routing header with Segments Left > 0 on an ICMPv6 error without answering', () => {
  const err = buildPacket({ ip: { version: 6, src: REMOTE6, dst: BLUE_HOST6, ext: [{ type: 43, segmentsLeft: 1 }] }, l4: { proto: 'icmpv6', type: 3, code: 0, inner: udp6({ src: BLUE_HOST6, dst: REMOTE6 }) } });
  const v = run(rig(), err);
  assert.equal(v.drop, '64.routing-header');
  assert.equal(v.count, 0);
});

// ---- fragments, §5.1.1, and size ----------------------------------------------------------------

/** One IPv4 fragment of the datagram `whole` (built with buildPacket): data [from, from+n), given MF and ID. */
function frag4(whole: Uint8Array, from: number, n: number, mf: boolean, id: number, ttl = 63, tos = 0x2c): Uint8Array {
  const out = new Uint8Array(20 + n);
  out.set(whole.subarray(20 + from, 20 + from + n), 20);
  emitIPv4(out, 0, { tos, id, df: false, mf, fragOffset: from, ttl, protocol: whole[9]!, src: REMOTE4, dst: BLUE_HOST4, payloadLen: n });
  return out;
}

for (const env of ENVS) {
  test(`[${env.name}] translates first, middle and last fragments: ID = low 16 bits, MF copied, offset copied, DF=0, first-fragment UDP checksum right`, () => {
    const r = rig(env);
    const data = payload(3000);
    const frags6 = buildFragments(udp6({}, data), 1232, 0xabcd9876);
    assert.equal(frags6.length, 3);
    const whole4 = buildPacket(udp4({ id: 0x9876 }, data));
    const len4 = whole4.length - 20;
    for (let i = 0; i < 3; i++) {
      const v = run(r, frags6[i]!);
      assert.equal(v.drop, null, `fragment ${i}`);
      const n = Math.min(1232, len4 - i * 1232);
      assert.equal(outHex(v), hex(frag4(whole4, i * 1232, n, i < 2, 0x9876)), `fragment ${i}`);
    }
  });
}

test('translates a first TCP fragment with the checksum of the whole datagram updated', () => {
  const data = payload(2000, 9);
  const frags6 = buildFragments(tcp6(data), 1024, 0x11112222);
  const whole4 = buildPacket(tcp4(data, 0x2222, false));
  const v = run(rig(), frags6[0]!);
  assert.equal(outHex(v), hex(frag4(whole4, 0, 1024, true, 0x2222, 63, 0)));
});

test('translates an atomic fragment (offset 0, M=0) with the Fragment header ID and DF=0', () => {
  const pkt = buildPacket(udp6({ ext: [{ type: 44, fragOffset: 0, more: false, id: 0x00c0ffee }] }));
  const v = run(rig(), pkt);
  assert.equal(outHex(v), hex(buildPacket(udp4({ id: 0xffee }))));
});

test('drops a fragment whose Fragment header is followed by an extension header (RFC 7915 §5.1.1 SHOULD)', () => {
  const pkt = buildPacket(udp6({ ext: [{ type: 44, fragOffset: 0, more: true, id: 1 }, { type: 60 }] }));
  assert.equal(run(rig(), pkt).drop, '64.fragment-ext-header');
});

test('drops a DF=1 packet larger than the IPv4 MTU and answers Packet Too Big with ipv4Mtu + 20', () => {
  const r = rig(REF, { ipv4Mtu: 1300 });
  const pkt = buildPacket(tcp6(payload(1400)));
  const v = run(r, pkt);
  assert.equal(v.drop, '64.packet-too-big');
  assert.equal(v.generatedError, true);
  assert.equal(outHex(v), hex(icmp6Answer(REMOTE6, 2, 0, 1320, pkt)));
});

test('never advertises less than 1280 in a generated Packet Too Big', () => {
  const r = rig(REF, { ipv4Mtu: 1000 });
  const pkt = buildPacket(tcp6(payload(1400)));
  const v = run(r, pkt);
  assert.equal(v.drop, '64.packet-too-big');
  assert.equal(outHex(v), hex(icmp6Answer(REMOTE6, 2, 0, 1280, pkt)));
});

test('sends a 1500-octet DF=1 packet whole when it fits the IPv4 MTU', () => {
  const data = payload(1440);
  const v = run(rig(), buildPacket(tcp6(data)));
  assert.equal(v.lens[0], 1480);
  assert.equal(outHex(v), hex(buildPacket(tcp4(data, 0, true))));
});

test('fragments a DF=0 packet (at most 1260 octets) that exceeds a small IPv4 MTU, in scratch', () => {
  const r = rig(REF, { ipv4Mtu: 576 });
  const data = payload(1000);
  const v = run(r, buildPacket(udp6({}, data)));
  assert.equal(v.drop, null);
  const whole4 = buildPacket(udp4({}, data));
  const chunk = 552; // (576 - 20) rounded down to 8
  assert.equal(v.count, 2);
  assert.equal(outHex(v, 0), hex(frag4(whole4, 0, chunk, true, 0x1234)));
  assert.equal(outHex(v, 1), hex(frag4(whole4, chunk, whole4.length - 20 - chunk, false, 0x1234)));
  assert.equal(v.bufs[0], REF.scratch);
});

test('re-fragments a translated fragment for a small IPv4 MTU, keeping offsets and the last MF', () => {
  const r = rig(REF, { ipv4Mtu: 576 });
  const data = payload(3000);
  const frags6 = buildFragments(udp6({}, data), 1232, 0x5555);
  const whole4 = buildPacket(udp4({ id: 0x5555 }, data));
  const v = run(r, frags6[1]!); // data [1232, 2464), more follow
  assert.deepEqual([...v.lens.subarray(0, v.count)], [572, 572, 148]);
  assert.equal(outHex(v, 0), hex(frag4(whole4, 1232, 552, true, 0x5555)));
  assert.equal(outHex(v, 1), hex(frag4(whole4, 1784, 552, true, 0x5555)));
  assert.equal(outHex(v, 2), hex(frag4(whole4, 2336, 128, true, 0x5555)));
});

test('drops when fragmentation would need more than MAX_EMIT fragments', () => {
  const r = rig(REF, { ipv4Mtu: 68 });
  const frag = buildFragments(udp6({}, payload(9000)), 8192, 1)[0]!;
  assert.equal(run(r, frag).drop, '64.too-many-fragments');
});

// ---- facade and reason list ---------------------------------------------------------------------

test('Translator.from6 runs this direction', () => {
  const { table, translator } = checkConfig(CONFIG);
  const tr = new Translator(table, translator);
  const pkt = buildPacket(udp6());
  const buf = new Uint8Array(pkt.length);
  buf.set(pkt);
  const v = new Verdict();
  tr.from6(buf, 0, buf.length, v);
  assert.equal(v.drop, null);
  assert.equal(v.count, 1);
  assert.equal(hex(v.packet(0).subarray(0, 1)), '45');
});

test('every drop reason seen in these tests is listed in REASONS_64, and the list has no duplicates', () => {
  for (const r of seen) assert.ok((REASONS_64 as readonly string[]).includes(r), r);
  assert.equal(new Set(REASONS_64).size, REASONS_64.length);
});

// ---- RFC 7757 §4.2 intrinsic hairpinning ---------------------------------------------------------

test('RFC 7757 §4.2 intrinsic: a packet to the RFC 6052 form of a tenant EAM address goes straight back to IPv6, source through the prefix', () => {
  const cfg = {
    ...CONFIG,
    translator: { ...CONFIG.translator, eamHairpin: 'intrinsic' },
    tenants: [{ ...CONFIG.tenants[0]!, eam: [{ ipv4: '192.0.2.0/24', ipv6: '2001:db8:b::/120' }] }, CONFIG.tenants[1]!],
  };
  const { table, translator: options } = checkConfig(cfg);
  const t = new Translate6to4({ table, options, checksum: referenceChecksum, scratch: new Uint8Array(SCRATCH_LEN), offload: new PacketOffload() });
  const pkt = buildPacket(udp6({ src: a6('2001:db8:b::5'), dst: a6('fd00:64:1::c000:206') }));
  const v = new Verdict();
  t.translate(pkt, 0, pkt.length, v);
  assert.equal(v.drop, null);
  assert.equal(v.count, 1);
  assert.equal(v.to[0], TO_IPV6);
  const exp = buildPacket({ ...udp6({ src: a6('fd00:64:1::c000:205'), dst: a6('2001:db8:b::6'), hopLimit: 62 }) });
  assert.equal(hex(v.packet(0)), hex(exp));
  // Off: the IPv4 packet goes to the tenant (whose routing may bring it back through from4).
  const off = new Translate6to4({ table, options: { ...options, eamHairpin: 0 }, checksum: referenceChecksum, scratch: new Uint8Array(SCRATCH_LEN), offload: new PacketOffload() });
  const pkt2 = buildPacket(udp6({ src: a6('2001:db8:b::5'), dst: a6('fd00:64:1::c000:206') }));
  const w = new Verdict();
  off.translate(pkt2, 0, pkt2.length, w);
  assert.equal(w.drop, null);
  assert.equal(w.to[0], TO_IPV4);
});

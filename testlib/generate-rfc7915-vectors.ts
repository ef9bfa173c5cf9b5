/**
 * Generates rfc-vectors/rfc7915/*.json from explicit field specifications written from the text of
 * RFC 7915 (§4 IPv4 -> IPv6, §5 IPv6 -> IPv4), RFC 6052 §2.2 (addresses), RFC 4884 (ICMP lengths),
 * RFC 6791 (untranslatable ICMP error sources), RFC 1191 §7 (plateaus), RFC 1812 §4.3.2.3 and
 * RFC 4443 §2.4 (how much an ICMP error quotes).
 *
 * Nothing here calls the translator: every expected packet is built from fields a reader can check
 * against the RFC sentence quoted next to it. IPv6 addresses are written out literally (RFC 6052
 * §2.2, /64: octet 8 is u = 0, the IPv4 address is octets 9-12) and only cross-checked against the
 * address library. The JSON is committed; run `node dist/testlib/generate-rfc7915-vectors.js` after
 * changing a spec and commit the diff.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseIPv4, parseIPv6, TenantTable } from '../src/address/index.js';
import { finish, sum16 } from '../src/checksum/reference.js';
import { buildFragments, buildPacket, type PacketSpec } from '../src/packet/index.js';
import type { ExpectedEmit, MayDiffer, Vector, VectorFile } from './rfc7915-vectors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const v4 = parseIPv4;
const v6 = parseIPv6;

// ---- configuration -------------------------------------------------------------------------

const TRANSLATOR = {
  ipv4: '192.0.0.1',
  ipv6: 'fd00:ffff::1',
  amendUdpZeroChecksum: true,
  rfc6791v4: '198.51.100.7/32',
  rfc6791v6: 'fd00:6791::/128',
};
const TENANTS = {
  plan: { domain: 'fd00:64::/48', tenantBits: 16 },
  tenants: [
    { name: 'blue', id: 1, ipv4: ['10.0.0.0/8'] },
    { name: 'red', id: 2, ipv4: ['10.0.0.0/8'] },
  ],
};
/** Two tenants that both use 10.0.0.0/8 (blue fd00:64:0:1::/64, red fd00:64:0:2::/64); defaults otherwise (MTUs 1500, lowest IPv6 MTU 1280). */
function config(translator: Record<string, unknown> = {}): unknown {
  return { translator: { ...TRANSLATOR, ...translator }, ...TENANTS };
}
const CONFIG = config();

// ---- addresses (RFC 6052 §2.2, /64) --------------------------------------------------------

const A = v4('10.0.0.1');
const B = v4('10.0.0.2');
const R = v4('10.9.9.9');
const OUTSIDE = v4('192.168.7.1');
const A6 = v6('fd00:64:0:1:a:0:100:0');
const B6 = v6('fd00:64:0:1:a:0:200:0');
const R6 = v6('fd00:64:0:1:a:909:900:0');
const RED_A6 = v6('fd00:64:0:2:a:0:100:0');
const RED_B6 = v6('fd00:64:0:2:a:0:200:0');
const XLAT4 = v4('192.0.0.1');
const XLAT6 = v6('fd00:ffff::1');
const POOL4 = v4('198.51.100.7');
const POOL6 = v6('fd00:6791::');
const FOREIGN6 = v6('2001:db8:ffff::1');

function crossCheckAddresses(): void {
  const t = TenantTable.fromConfig(TENANTS);
  const pairs: [string, string, string][] = [
    ['blue', '10.0.0.1', 'fd00:64:0:1:a:0:100:0'],
    ['blue', '10.0.0.2', 'fd00:64:0:1:a:0:200:0'],
    ['blue', '10.9.9.9', 'fd00:64:0:1:a:909:900:0'],
    ['red', '10.0.0.1', 'fd00:64:0:2:a:0:100:0'],
    ['red', '10.0.0.2', 'fd00:64:0:2:a:0:200:0'],
  ];
  for (const [tenant, ipv4, ipv6] of pairs) {
    const got = t.encode(tenant, ipv4);
    if (got !== ipv6) throw new Error(`address library encodes ${tenant} ${ipv4} as ${got}, the vectors say ${ipv6}`);
  }
  // RFC 6052 §2.2 /96 (IPv4 address in the last 32 bits) and EAM: the PLAT and hairpin tenants.
  const plat = TenantTable.fromConfig({ tenants: PLAT_CONFIG.tenants });
  const hp = TenantTable.fromConfig({ tenants: (hairpinConfig('off') as { tenants: unknown[] }).tenants });
  for (const [table, ipv4, ipv6] of [
    [plat, '10.0.0.1', 'fd00:64:1::a00:1'],
    [plat, '8.8.8.8', 'fd00:6464::808:808'],
    [hp, '10.0.0.1', '2001:db8:b::a00:1'],
    [hp, '192.0.2.9', '2001:db8:e::9'],
  ] as const) {
    const got = table.encode('blue', ipv4);
    if (v6(got).join() !== v6(ipv6).join()) throw new Error(`address library encodes blue ${ipv4} as ${got}, the vectors say ${ipv6}`);
  }
}

// ---- building blocks -----------------------------------------------------------------------

const PAYLOAD = Uint8Array.from([0x78, 0x6c, 0x61, 0x74, 0x34, 0x36, 0x34, 0x21]); // "xlat464!"
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

type L4 = PacketSpec['l4'];
const udp = (srcPort = 40000, dstPort = 53): L4 => ({ proto: 'udp', srcPort, dstPort });
const tcp = (): L4 => ({ proto: 'tcp', srcPort: 40001, dstPort: 443, seq: 0x01020304, ack: 0x0a0b0c0d, flags: 0x12, window: 1000, options: Uint8Array.of(2, 4, 5, 0xb4, 1, 1, 4, 2) });

interface P4 {
  src?: number;
  dst?: number;
  ttl?: number;
  tos?: number;
  id?: number;
  df?: boolean;
  options?: Uint8Array;
  protocol?: number;
}
interface P6 {
  src?: Uint8Array;
  dst?: Uint8Array;
  hop?: number;
  tc?: number;
  ext?: NonNullable<Extract<PacketSpec['ip'], { version: 6 }>['ext']>;
  nextHeader?: number;
}
/** An IPv4 packet spec; `payload` follows the L4 header (NONE for an ICMP error, whose body is the quoted datagram). */
function s4(p: P4, l4: L4, payload: Uint8Array = PAYLOAD): PacketSpec {
  return {
    ip: { version: 4, src: p.src ?? A, dst: p.dst ?? B, ttl: p.ttl ?? 64, tos: p.tos ?? 0, id: p.id ?? 0x1234, df: p.df ?? false, ...(p.options ? { options: p.options } : {}), ...(p.protocol !== undefined ? { protocol: p.protocol } : {}) },
    ...(l4 ? { l4 } : {}),
    payload,
  };
}
function s6(p: P6, l4: L4, payload: Uint8Array = PAYLOAD): PacketSpec {
  return {
    ip: { version: 6, src: p.src ?? A6, dst: p.dst ?? B6, hopLimit: p.hop ?? 64, trafficClass: p.tc ?? 0, ...(p.ext ? { ext: p.ext } : {}), ...(p.nextHeader !== undefined ? { nextHeader: p.nextHeader } : {}) },
    ...(l4 ? { l4 } : {}),
    payload,
  };
}
const pkt = (s: PacketSpec) => buildPacket(s);
/** No payload after the L4 header. */
const NONE = new Uint8Array(0);

// mayDiffer ranges, each with the rule that leaves the octets open.
const ID64: MayDiffer[] = [
  { at: 4, len: 2, why: 'RFC 7915 §5.1: "Identification: Set according to a Fragment Identification generator at the translator" (RFC 6864); any value' },
  { at: 10, len: 2, why: 'IPv4 header checksum covers the Identification' },
];
const GEN4: MayDiffer[] = [
  { at: 1, len: 1, why: 'TOS of an ICMPv4 error the translator generates is its choice (RFC 1812 §4.3.2.5 allows 0 or the precedence of internetwork control)' },
  { at: 4, len: 3, why: 'Identification and DF of a generated error are the translator\'s choice (RFC 6864); the fragment offset (octet 7, low bits of 6) stays 0 by the validator' },
  { at: 8, len: 1, why: 'TTL of a generated error is the translator\'s choice (RFC 1812 §4.2.2.9 / RFC 1700 default)' },
  { at: 10, len: 2, why: 'IPv4 header checksum covers the fields above' },
];
const GEN6: MayDiffer[] = [
  { at: 0, len: 4, why: 'Traffic Class and Flow Label of a generated ICMPv6 error are the translator\'s choice (the version nibble is checked by the validator)' },
  { at: 7, len: 1, why: 'Hop Limit of a generated error is the translator\'s choice' },
];
/** A translated ICMPv4 error whose inner IPv4 header came from IPv6 without a Fragment header: inner Identification is generated too. */
const INNER_ID64: MayDiffer[] = [
  ...ID64,
  { at: 22, len: 2, why: 'ICMPv4 checksum covers the inner Identification' },
  { at: 32, len: 2, why: 'RFC 7915 §5.3 (inner header translated by §5.1): inner Identification generated' },
  { at: 38, len: 2, why: 'inner IPv4 header checksum covers the inner Identification' },
];

const to6 = (p: Uint8Array, mayDiffer?: MayDiffer[]): ExpectedEmit => ({ to: 'ipv6', packet: hex(p), ...(mayDiffer ? { mayDiffer } : {}) });
const to4 = (p: Uint8Array, tenant = 'blue', mayDiffer?: MayDiffer[]): ExpectedEmit => ({ to: 'ipv4', tenant, packet: hex(p), ...(mayDiffer ? { mayDiffer } : {}) });

interface VSpec {
  name: string;
  rfc: string;
  note?: string;
  config?: unknown;
  from4?: Uint8Array;
  tenant?: string;
  from6?: Uint8Array;
  drop?: string | null;
  emit?: ExpectedEmit[];
}
function vec(s: VSpec): Vector {
  const input = s.from4 !== undefined ? { from: 'ipv4' as const, tenant: s.tenant ?? 'blue', packet: hex(s.from4) } : { from: 'ipv6' as const, packet: hex(s.from6!) };
  return {
    name: s.name,
    rfc: s.rfc,
    ...(s.note ? { note: s.note } : {}),
    config: s.config ?? CONFIG,
    input,
    expect: { drop: s.drop ?? null, emit: s.emit ?? [] },
  };
}

// The IPv4 Total Length of a 4->6 ICMP error whose generated quote must fit 576 octets (RFC 1812 §4.3.2.3).
const QUOTE4_MAX = 576 - 20 - 8;
// RFC 4443 §2.4(c): an ICMPv6 error must not exceed the minimum IPv6 MTU.
const QUOTE6_MAX = 1280 - 40 - 8;

// ---- §4.1 IPv4 -> IPv6 headers --------------------------------------------------------------

function section41(): Vector[] {
  const out: Vector[] = [];
  const HOP = 'RFC 7915 §4.1: "Hop Limit: TTL value copied from the IPv4 header. Since the translator is a router, as part of forwarding the packet it needs to decrement either the IPv4 TTL (before the translation) or the IPv6 Hop Limit (after the translation)."';
  out.push(
    vec({
      name: '4.1-udp-header-translated',
      rfc: `RFC 7915 §4.1: Version 6, Traffic Class copied from TOS, Flow Label 0, Payload Length = Total Length minus the IPv4 header, Next Header = Protocol; ${HOP} RFC 7915 §4.5: the UDP checksum is updated for the IPv6 pseudo-header.`,
      from4: pkt(s4({ tos: 0 }, udp())),
      emit: [to6(pkt(s6({ hop: 63 }, udp())))],
    }),
    vec({
      name: '4.1-tcp-with-options-translated',
      rfc: 'RFC 7915 §4.5: "TCP header: ... the checksum MUST be updated" (pseudo-header changes); TCP options are untouched.',
      from4: pkt(s4({}, tcp(), bytes(40))),
      emit: [to6(pkt(s6({ hop: 63 }, tcp(), bytes(40))))],
    }),
    vec({
      name: '4.1-tos-copied-to-traffic-class',
      rfc: 'RFC 7915 §4.1: "Traffic Class: By default, copied from the IP Type Of Service (TOS) octet."',
      from4: pkt(s4({ tos: 0xb8 }, udp())),
      emit: [to6(pkt(s6({ hop: 63, tc: 0xb8 }, udp())))],
    }),
    vec({
      name: '4.1-traffic-class-zero-when-configured',
      rfc: 'RFC 7915 §4.1: "An implementation of a translator SHOULD support an administratively configurable option to ignore the IPv4 TOS and always set the IPv6 Traffic Class (TC) to zero."',
      config: config({ trafficClass: 'zero' }),
      from4: pkt(s4({ tos: 0xb8 }, udp())),
      emit: [to6(pkt(s6({ hop: 63, tc: 0 }, udp())))],
    }),
    vec({
      name: '4.1-ttl-2-leaves-hop-limit-1',
      rfc: HOP,
      from4: pkt(s4({ ttl: 2 }, udp())),
      emit: [to6(pkt(s6({ hop: 1 }, udp())))],
    }),
    vec({
      name: '4.1-ttl-expired-answers-time-exceeded',
      rfc: `${HOP} "As part of decrementing the TTL or Hop Limit, the translator (as any router) MUST check for zero and send the ICMPv4 'TTL Exceeded' or ICMPv6 'Hop Limit Exceeded' error."`,
      note: 'The error quotes the datagram as received (TTL 1), as a router does (RFC 1812 §4.3.2.3); its source is translator.ipv4 and it goes back to the sending tenant.',
      from4: pkt(s4({ ttl: 1 }, udp())),
      drop: '46.*',
      emit: [to4(pkt(s4({ src: XLAT4, dst: A, id: 0 }, { proto: 'icmpv4', type: 11, code: 0, inner: s4({ ttl: 1 }, udp()) }, NONE)), 'blue', GEN4)],
    }),
    vec({
      name: '4.1-options-ignored',
      rfc: 'RFC 7915 §4.1: "If any IPv4 options are present in the IPv4 packet, they MUST be ignored and the packet translated normally; there is no attempt to translate the options." (here a Record Route option)',
      from4: pkt(s4({ options: Uint8Array.of(7, 7, 4, 0, 0, 0, 0) }, udp())),
      emit: [to6(pkt(s6({ hop: 63 }, udp())))],
    }),
    vec({
      name: '4.1-unexpired-source-route-answers-source-route-failed',
      rfc: 'RFC 7915 §4.1: "However, if an unexpired source route option is present, then the packet MUST instead be discarded, and an ICMPv4 \'Destination Unreachable, Source Route Failed\' (Type 3, Code 5) error message SHOULD be returned to the sender."',
      from4: pkt(s4({ options: Uint8Array.of(131, 7, 4, 10, 0, 0, 2) }, udp())),
      drop: '46.*',
      emit: [to4(pkt(s4({ src: XLAT4, dst: A, id: 0 }, { proto: 'icmpv4', type: 3, code: 5, inner: s4({ options: Uint8Array.of(131, 7, 4, 10, 0, 0, 2) }, udp()) }, NONE)), 'blue', GEN4)],
    }),
    vec({
      name: '4.1-expired-source-route-translated',
      rfc: 'RFC 7915 §4.1: only an unexpired source route stops translation; an LSRR whose pointer (8) is past its length (7) is expired and ignored like any option.',
      from4: pkt(s4({ options: Uint8Array.of(131, 7, 8, 10, 0, 0, 2) }, udp())),
      emit: [to6(pkt(s6({ hop: 63 }, udp())))],
    }),
    vec({
      name: '4.1-unknown-protocol-passes-with-its-number',
      rfc: 'RFC 7915 §4.1: "Next Header: For ICMPv4 (1), it is changed to ICMPv6 (58); otherwise, the protocol field MUST be copied from the IPv4 header."',
      from4: pkt(s4({ protocol: 253 }, undefined, bytes(24))),
      emit: [to6(pkt(s6({ hop: 63, nextHeader: 253 }, undefined, bytes(24))))],
    }),
    vec({
      name: '4.1-tenant-red-uses-red-prefix',
      rfc: 'RFC 6052 §2.2 with the tenant\'s own prefix: the same IPv4 addresses from tenant red are carried under fd00:64:0:2::/64.',
      from4: pkt(s4({}, udp())),
      tenant: 'red',
      emit: [to6(pkt(s6({ hop: 63, src: RED_A6, dst: RED_B6 }, udp())))],
    }),
    vec({
      name: '4.1-source-outside-tenant-ranges-dropped',
      rfc: 'Tenant isolation (xlat464): an IPv4 packet whose source lies outside the sending tenant\'s ipv4 ranges is not translated (it could not be answered).',
      from4: pkt(s4({ src: OUTSIDE }, udp())),
      drop: '46.*',
    }),
    vec({
      name: '4.1-df-set-too-big-answers-fragmentation-needed',
      rfc: 'RFC 7915 §4 / §4.1: a DF=1 packet that does not fit the IPv6 next hop is dropped and, as a router does (RFC 1191 / RFC 1812 §5.2.7.1), answered with ICMPv4 Destination Unreachable, Fragmentation Needed (3/4) carrying the MTU the IPv4 sender must use: IPv6 MTU 1500 - 20 = 1480.',
      note: 'The MTU is ipv6Mtu minus the header growth (20). The quote is as much of the datagram as fits 576 octets (RFC 1812 §4.3.2.3): 548 octets; an implementation quoting less would differ in length.',
      from4: pkt(s4({ df: true }, udp(), bytes(1481 - 28))),
      drop: '46.*',
      emit: [to4(pkt(s4({ src: XLAT4, dst: A, id: 0 }, { proto: 'icmpv4', type: 3, code: 4, rest: 1480, inner: s4({ df: true }, udp(), bytes(1481 - 28)), innerLen: QUOTE4_MAX }, NONE)), 'blue', GEN4)],
    }),
    vec({
      name: '4.1-df-set-exactly-fitting-passes',
      rfc: 'RFC 7915 §4.1: a 1480-octet IPv4 packet becomes a 1500-octet IPv6 packet, which fits the 1500-octet IPv6 next hop.',
      from4: pkt(s4({ df: true }, udp(), bytes(1480 - 28))),
      emit: [to6(pkt(s6({ hop: 63 }, udp(), bytes(1480 - 28))))],
    }),
    vec({
      name: '4.1-df-clear-small-gets-no-fragment-header',
      rfc: 'RFC 7915 §4.1 (after RFC 8021): a Fragment header is added only when the IPv4 packet is a fragment or the translator fragments it; a small DF=0 packet is not an atomic fragment.',
      from4: pkt(s4({ df: false }, udp())),
      emit: [to6(pkt(s6({ hop: 63 }, udp())))],
    }),
  );
  // DF=0 larger than lowestIpv6Mtu: fragmented to 1280-octet IPv6 packets.
  const big4 = s4({ df: false, id: 0x4321 }, udp(), bytes(1500 - 28));
  const big6 = s6({ hop: 63 }, udp(), bytes(1500 - 28));
  out.push(
    vec({
      name: '4.1-df-clear-larger-than-lowest-mtu-fragmented',
      rfc: 'RFC 7915 §4.1: "If the DF flag is not set and the IPv4 packet will result in an IPv6 packet larger than [lowest-ipv6-mtu, 1280], the packet SHOULD be fragmented so the resulting IPv6 packet (with Fragment header added to each fragment) will be less than or equal to [1280] bytes." Fragment header: "Identification: Copied from the low-order 16 bits of the IPv4 Identification; the high-order 16 bits set to zero."',
      note: 'How the data is split is the translator\'s choice; this vector expects the largest multiple of 8 that fits (1232 octets), then the rest (248).',
      from4: pkt(big4),
      emit: buildFragments(big6, 1232, 0x4321).map((f) => to6(f)),
    }),
  );
  // IPv4 fragments.
  const dgram4 = s4({ id: 0xbeef }, udp(), bytes(100));
  const dgram6 = s6({ hop: 63 }, udp(), bytes(100));
  const f4 = buildFragments(dgram4, 64);
  const f6 = buildFragments(dgram6, 64, 0xbeef);
  out.push(
    vec({
      name: '4.1-first-fragment-gets-fragment-header',
      rfc: 'RFC 7915 §4.1: "If the IPv4 packet is fragmented, ... the IPv6 packet MUST include a Fragment header: Next Header copied from Protocol, Fragment Offset copied, M flag copied from MF, Identification: low-order 16 bits from the IPv4 Identification, high-order 16 bits zero"; Payload Length = Total Length - IHL*4 + 8. RFC 7915 §4.5: the first fragment\'s UDP checksum is updated for the pseudo-header.',
      from4: f4[0]!,
      emit: [to6(f6[0]!)],
    }),
    vec({
      name: '4.1-last-fragment-gets-fragment-header',
      rfc: 'RFC 7915 §4.1: same rules for a non-first fragment; its data is copied unchanged.',
      from4: f4[1]!,
      emit: [to6(f6[1]!)],
    }),
  );
  out.push(...section41Extra());
  return out;
}

// ---- §4.2/§4.3 ICMPv4 -> ICMPv6 ------------------------------------------------------------

/** An ICMPv4 error that host B (blue) sends to A about a UDP datagram A sent it, and its RFC 7915 translation. */
function err46(type: number, code: number, rest: number, t6: number, c6: number, r6: number, inner4: PacketSpec = s4({ ttl: 63 }, udp()), inner6: PacketSpec = s6({ hop: 63 }, udp()), innerLen?: number) {
  const input = pkt(s4({ src: B, dst: A, id: 7 }, { proto: 'icmpv4', type, code, rest, inner: inner4, ...(innerLen ? { innerLen } : {}) }, NONE));
  const innerLen6 = innerLen === undefined ? undefined : innerLen + 20;
  const output = pkt(s6({ src: B6, dst: A6, hop: 63 }, { proto: 'icmpv6', type: t6, code: c6, rest: r6, inner: inner6, ...(innerLen6 ? { innerLen: innerLen6 } : {}) }, NONE));
  return { input, output };
}

function section42(): Vector[] {
  const out: Vector[] = [];
  const echo = (type: number, t6: number, name: string, rfc: string) => {
    const rest = 0x1234_0001;
    out.push(
      vec({
        name,
        rfc,
        from4: pkt(s4({}, { proto: 'icmpv4', type, code: 0, rest }, bytes(32))),
        emit: [to6(pkt(s6({ hop: 63 }, { proto: 'icmpv6', type: t6, code: 0, rest }, bytes(32))))],
      }),
    );
  };
  echo(8, 128, '4.2-echo-request-becomes-128', 'RFC 7915 §4.2: "Echo and Echo Reply (Type 8 and Type 0): Adjust the Type values to 128 and 129, respectively, and adjust the ICMP checksum both to take the type change into account and to include the ICMPv6 pseudo-header."');
  echo(0, 129, '4.2-echo-reply-becomes-129', 'RFC 7915 §4.2: Echo Reply (Type 0) becomes Type 129; checksum over the ICMPv6 pseudo-header.');

  const silent: [number, string][] = [
    [15, 'information-request'],
    [16, 'information-reply'],
    [13, 'timestamp'],
    [14, 'timestamp-reply'],
    [17, 'address-mask-request'],
    [18, 'address-mask-reply'],
    [9, 'router-advertisement'],
    [10, 'router-solicitation'],
    [42, 'unknown-type'],
  ];
  for (const [type, what] of silent) {
    out.push(
      vec({
        name: `4.2-${what}-${type}-silently-dropped`,
        rfc: 'RFC 7915 §4.2: "Information Request/Reply (Type 15 and Type 16): Obsoleted in ICMPv6. Silently drop." "Timestamp and Timestamp Reply (Type 13 and Type 14): Obsoleted in ICMPv6. Silently drop." "Address Mask Request/Reply (Type 17 and Type 18): Obsoleted in ICMPv6. Silently drop." "ICMP Router Advertisement (Type 9): Single-hop message. Silently drop." "ICMP Router Solicitation (Type 10): Single-hop message. Silently drop." "Unknown ICMPv4 types: Silently drop."',
        from4: pkt(s4({}, { proto: 'icmpv4', type, code: 0, rest: 0x00010002 }, bytes(12))),
        drop: '46.*',
      }),
    );
  }
  out.push(
    vec({
      name: '4.2-igmp-silently-dropped',
      rfc: 'RFC 7915 §4.2: "IGMP messages: ... all the \'normal\' IGMP messages are single-hop messages and SHOULD be silently dropped by the translator."',
      note: 'IGMP is protocol 2, not ICMP; it is the one protocol number §4 tells the translator to drop rather than pass.',
      from4: pkt(s4({ dst: v4('224.0.0.1'), protocol: 2, ttl: 1 }, undefined, Uint8Array.of(0x11, 0x64, 0xee, 0x9b, 0, 0, 0, 0))),
      drop: '46.*',
    }),
  );
  for (const [type, what] of [
    [4, 'source-quench'],
    [5, 'redirect'],
  ] as const) {
    out.push(
      vec({
        name: `4.2-${what}-${type}-silently-dropped`,
        rfc: 'RFC 7915 §4.2: "Source Quench (Type 4): Obsoleted in ICMPv6. Silently drop." / "Redirect (Type 5): Single-hop message. Silently drop." (ICMP error types without an ICMPv6 counterpart)',
        from4: pkt(s4({ src: B, dst: A }, { proto: 'icmpv4', type, code: 0, inner: s4({ ttl: 63 }, udp()) }, NONE)),
        drop: '46.*',
      }),
    );
  }

  // Destination Unreachable codes (Figure from §4.2).
  const du: [number, number, number, number, string][] = [
    [0, 1, 0, 0, 'net-unreachable'],
    [1, 1, 0, 0, 'host-unreachable'],
    [3, 1, 4, 0, 'port-unreachable'],
    [5, 1, 0, 0, 'source-route-failed'],
    [6, 1, 0, 0, 'dest-network-unknown'],
    [7, 1, 0, 0, 'dest-host-unknown'],
    [8, 1, 0, 0, 'source-host-isolated'],
    [9, 1, 1, 0, 'network-administratively-prohibited'],
    [10, 1, 1, 0, 'host-administratively-prohibited'],
    [11, 1, 0, 0, 'network-unreachable-for-tos'],
    [12, 1, 0, 0, 'host-unreachable-for-tos'],
    [13, 1, 1, 0, 'communication-administratively-prohibited'],
    [15, 1, 1, 0, 'precedence-cutoff'],
    [2, 4, 1, 6, 'protocol-unreachable'],
  ];
  for (const [code, t6, c6, r6, what] of du) {
    const { input, output } = err46(3, code, 0, t6, c6, r6);
    out.push(
      vec({
        name: `4.2-dest-unreachable-code-${code}-${what}`,
        rfc: 'RFC 7915 §4.2 Destination Unreachable (Type 3): "Set the Type to 1, and adjust the ICMP checksum ... Code 0, 1 (Net Unreachable, Host Unreachable): Set the Code to 0 (No route to destination). Code 2 (Protocol Unreachable): Translate to an ICMPv6 Parameter Problem (Type 4, Code 1) and make the Pointer point to the IPv6 Next Header field. Code 3 (Port Unreachable): Set the Code to 4 (Port unreachable). Code 5 (Source Route Failed): Set the Code to 0. Code 6, 7, 8: Set the Code to 0. Code 9, 10 (Communication with Destination Host Administratively Prohibited): Set the Code to 1. Code 11, 12: Set the Code to 0. Code 13 (Communication Administratively Prohibited): Set the Code to 1. Code 15 (Precedence cutoff in effect): Set the Code to 1." RFC 7915 §4.3: the quoted datagram is translated too (addresses, Hop Limit = TTL not decremented, UDP checksum).',
        from4: input,
        emit: [to6(output)],
      }),
    );
  }
  {
    const { input } = err46(3, 14, 0, 0, 0, 0);
    out.push(
      vec({
        name: '4.2-dest-unreachable-code-14-host-precedence-violation-dropped',
        rfc: 'RFC 7915 §4.2: "Code 14 (Host Precedence Violation): Silently drop."',
        from4: input,
        drop: '46.*',
      }),
    );
  }
  for (const code of [0, 1]) {
    const { input, output } = err46(11, code, 0, 3, code, 0);
    out.push(
      vec({
        name: `4.2-time-exceeded-code-${code}`,
        rfc: 'RFC 7915 §4.2: "Time Exceeded (Type 11): Set the Type to 3, and adjust the ICMP checksum both to take the type change into account and to include the ICMPv6 pseudo-header. The Code is unchanged."',
        from4: input,
        emit: [to6(output)],
      }),
    );
  }
  // Parameter Problem pointers, Figure 3.
  const fig3: Record<number, number | null> = { 0: 0, 1: 1, 2: 4, 3: 4, 4: null, 5: null, 6: null, 7: null, 8: 7, 9: 6, 10: null, 11: null, 12: 8, 13: 8, 14: 8, 15: 8, 16: 24, 17: 24, 18: 24, 19: 24 };
  const FIG3 = 'RFC 7915 §4.2 Parameter Problem (Type 12): "Set the Type to 4 ... Code 0 (Pointer indicates the error): Set the Code to 0, and update the pointer as defined in Figure 3 (if the Original IPv4 Pointer Value is not listed or the Translated IPv6 Pointer Value is listed as \'n/a\', silently drop the packet)." Figure 3: 0 Version/IHL -> 0; 1 Type Of Service -> 1; 2,3 Total Length -> 4; 4,5 Identification -> n/a; 6,7 Flags/Fragment Offset -> n/a; 8 Time to Live -> 7; 9 Protocol -> 6; 10,11 Header Checksum -> n/a; 12-15 Source Address -> 8; 16-19 Destination Address -> 24.';
  for (let p = 0; p <= 19; p++) {
    const m = fig3[p]!;
    const { input, output } = err46(12, 0, (p << 24) >>> 0, 4, 0, m ?? 0);
    out.push(
      vec({
        name: `4.2-parameter-problem-pointer-${p}${m === null ? '-dropped' : `-becomes-${m}`}`,
        rfc: FIG3,
        from4: input,
        ...(m === null ? { drop: '46.*' } : { emit: [to6(output)] }),
      }),
    );
  }
  {
    const { input } = err46(12, 0, (20 << 24) >>> 0, 4, 0, 0);
    out.push(vec({ name: '4.2-parameter-problem-pointer-20-options-dropped', rfc: `${FIG3} Pointer 20 (an option) is not listed: drop.`, from4: input, drop: '46.*' }));
    const two = err46(12, 2, (2 << 24) >>> 0, 4, 0, 4);
    out.push(
      vec({
        name: '4.2-parameter-problem-code-2-bad-length-pointer-2-becomes-4',
        rfc: 'RFC 7915 §4.2: "Code 2 (Bad Length): Set the Code to 0, and update the pointer as defined in Figure 3."',
        from4: two.input,
        emit: [to6(two.output)],
      }),
    );
    const one = err46(12, 1, 0, 0, 0, 0);
    out.push(vec({ name: '4.2-parameter-problem-code-1-missing-option-dropped', rfc: 'RFC 7915 §4.2: "Code 1 (Missing a Required Option): Silently drop." "Other Code values: Silently drop."', from4: one.input, drop: '46.*' }));
  }

  // Fragmentation Needed -> Packet Too Big: MTU arithmetic.
  const PTB = 'RFC 7915 §4.2: "Code 4 (Fragmentation Needed and DF was Set): Translate to an ICMPv6 Packet Too Big message (Type 2) with Code set to 0. The MTU field MUST be adjusted for the difference between the IPv4 and IPv6 header sizes, i.e., minimum(advertised MTU+20, MTU_of_IPv6_nexthop, (MTU_of_IPv4_nexthop)+20). Note that if the IPv4 router set the MTU field to zero, i.e., the router does not implement [RFC1191], then the translator MUST use the plateau values specified in [RFC1191] to determine a likely path MTU and include that path MTU in the ICMPv6 packet. (Use the greatest plateau value that is less than the returned Total Length field, but that is larger than or equal to 1280.)"';
  const ptb = (name: string, cfg: unknown, mtu: number, want: number, note?: string, inner4 = s4({ ttl: 63, df: true }, udp(), bytes(1400)), inner6 = s6({ hop: 63 }, udp(), bytes(1400))) => {
    const { input, output } = err46(3, 4, mtu, 2, 0, want, inner4, inner6, QUOTE4_MAX);
    out.push(vec({ name, rfc: PTB, ...(note ? { note } : {}), config: cfg, from4: input, emit: [to6(output)] }));
  };
  ptb('4.2-frag-needed-1400-becomes-ptb-1420', CONFIG, 1400, 1420, 'min(1400+20, 1500, 1500+20) = 1420.');
  ptb('4.2-frag-needed-bounded-by-ipv6-next-hop', CONFIG, 1496, 1500, 'min(1496+20, ipv6Mtu 1500, 1500+20) = 1500.');
  ptb('4.2-frag-needed-bounded-by-ipv4-next-hop', config({ ipv4Mtu: 1400 }), 1450, 1420, 'min(1450+20, 1500, ipv4Mtu 1400+20) = 1420.');
  ptb(
    '4.2-frag-needed-mtu-zero-uses-plateau',
    config({ ipv4Mtu: 9000, ipv6Mtu: 9000 }),
    0,
    1512,
    'The quoted datagram\'s Total Length is 1500: the greatest plateau below it is 1492, then +20 as for an advertised MTU: min(1512, 9000, 9020) = 1512. AMBIGUOUS: the RFC says to "include that path MTU in the ICMPv6 packet", which could also be read as 1492 without the +20; we take the plateau as the IPv4 path MTU (it is derived from an IPv4 Total Length) and apply the same formula, as Jool does.',
    s4({ ttl: 63, df: true }, udp(), bytes(1500 - 28)),
    s6({ hop: 63 }, udp(), bytes(1500 - 28)),
  );
  ptb(
    '4.2-frag-needed-mtu-zero-small-packet-uses-1280',
    CONFIG,
    0,
    1280,
    'Returned Total Length 1006: no plateau is both below 1006 and at least 1280; the RFC\'s floor (IPv6 minimum MTU, RFC 8200 §5) gives 1280. AMBIGUOUS: the RFC does not say what to do when no plateau qualifies; 1280 is the only value an IPv6 host accepts.',
    s4({ ttl: 63, df: true }, udp(), bytes(1006 - 28)),
    s6({ hop: 63 }, udp(), bytes(1006 - 28)),
  );

  // RFC 4884: ICMPv4 length in 32-bit words -> ICMPv6 length in 64-bit words, extension kept.
  {
    const inner4 = pkt(s4({ ttl: 63 }, udp(), bytes(100))); // 128 octets
    const inner6 = pkt(s6({ hop: 63 }, udp(), bytes(100))); // 148 octets, padded to 152
    const padded6 = new Uint8Array(152);
    padded6.set(inner6);
    const ext = extension();
    const input = pkt(s4({ src: B, dst: A, id: 7 }, { proto: 'icmpv4', type: 3, code: 3, inner: inner4, origDatagramLen: 128 }, ext));
    const output = pkt(s6({ src: B6, dst: A6, hop: 63 }, { proto: 'icmpv6', type: 1, code: 4, inner: padded6, origDatagramLen: 152 }, ext));
    out.push(
      vec({
        name: '4.2-rfc4884-length-and-extension-translated',
        rfc: 'RFC 7915 §4.2: the ICMPv6 error carries the translated datagram; RFC 4884 §4.1/§4.2: the Length field counts the original datagram field in 32-bit words (ICMPv4) or 64-bit words (ICMPv6), the field is zero-padded to that boundary, and the extension structure follows it unchanged. RFC 7915 §4.2: "the translator MUST adjust the Length field accordingly" (ICMP extensions, RFC 4884).',
        note: 'Inner IPv4 128 octets (length 32) becomes 148 octets of IPv6, padded to 152 (length 19); the extension structure (and its own checksum) is copied.',
        from4: input,
        emit: [to6(output)],
      }),
    );
  }
  // Inner packets other than UDP.
  {
    const { input, output } = err46(11, 0, 0, 3, 0, 0, s4({ ttl: 1 }, tcp(), bytes(16)), s6({ hop: 1 }, tcp(), bytes(16)));
    out.push(vec({ name: '4.3-inner-tcp-translated', rfc: 'RFC 7915 §4.3: "the translator MUST translate the IP header and the transport header of the packet in error": addresses, lengths and the inner TCP checksum.', from4: input, emit: [to6(output)] }));
    const echoRest = 0x77770009;
    const e = err46(3, 1, 0, 1, 0, 0, s4({ ttl: 63 }, { proto: 'icmpv4', type: 8, code: 0, rest: echoRest }, bytes(16)), s6({ hop: 63 }, { proto: 'icmpv6', type: 128, code: 0, rest: echoRest }, bytes(16)));
    out.push(vec({ name: '4.3-inner-icmp-echo-translated', rfc: 'RFC 7915 §4.3: "the ICMP header of the packet in error ... MUST be translated": the quoted Echo Request becomes ICMPv6 128 with its checksum over the ICMPv6 pseudo-header.', from4: e.input, emit: [to6(e.output)] }));
  }
  // RFC 6791 the other way: an ICMPv4 error from an address outside the tenant.
  {
    const input = pkt(s4({ src: OUTSIDE, dst: A, id: 7 }, { proto: 'icmpv4', type: 3, code: 1, inner: s4({ ttl: 63 }, udp()) }, NONE));
    const output = pkt(s6({ src: POOL6, dst: A6, hop: 63 }, { proto: 'icmpv6', type: 1, code: 0, inner: s6({ hop: 63 }, udp()) }, NONE));
    out.push(
      vec({
        name: '4.2-rfc6791-untranslatable-error-source-uses-ipv6-pool',
        rfc: 'RFC 6791 §3 (applied 4->6 as xlat464 configures it, rfc6791v6): an ICMP error whose source address cannot be translated takes its source from the pool (here fd00:6791::/128).',
        note: 'AMBIGUOUS: RFC 6791 is written for IPv6->IPv4; the 4->6 use for a router outside the tenant\'s ranges is the brief\'s rule.',
        from4: input,
        emit: [to6(output)],
      }),
    );
  }
  return out;
}

/** An RFC 4884 extension structure: version 2 header with checksum, one object (class 1, c-type 1, 4 octets). */
function extension(): Uint8Array {
  const e = Uint8Array.of(0x20, 0, 0, 0, 0, 8, 1, 1, 0xde, 0xad, 0xbe, 0xef);
  const ck = finish(sum16(e, 0, e.length, 0));
  e[2] = ck >> 8;
  e[3] = ck & 0xff;
  return e;
}

// ---- §4.5 transport ------------------------------------------------------------------------

function section45(): Vector[] {
  const zero = s4({}, { proto: 'udp', srcPort: 40000, dstPort: 53, checksum: 0 });
  const frag = buildFragments(s4({ id: 0x0101 }, { proto: 'udp', srcPort: 40000, dstPort: 53, checksum: 0 }, bytes(100)), 64);
  return [
    vec({
      name: '4.5-udp-zero-checksum-computed-when-unfragmented',
      rfc: 'RFC 7915 §4.5: "when a translator receives an unfragmented UDP IPv4 packet and the checksum field is zero, the translator MUST compute the missing UDP checksum as part of translating the packet."',
      from4: pkt(zero),
      emit: [to6(pkt(s6({ hop: 63 }, udp())))],
    }),
    vec({
      name: '4.5-udp-zero-checksum-dropped-when-not-amending',
      rfc: 'RFC 7915 §4.5: "Stateless translators ... a stateless translator MAY provide a configuration option to ... drop" (amendUdpZeroChecksum: false).',
      note: 'AMBIGUOUS: §4.5 says the translator MUST compute the checksum of an unfragmented packet, yet operators may turn that off; with it off the packet is dropped (IPv6 forbids a zero UDP checksum, RFC 8200 §8.1), as Jool does.',
      config: config({ amendUdpZeroChecksum: false }),
      from4: pkt(zero),
      drop: '46.*',
    }),
    vec({
      name: '4.5-udp-zero-checksum-first-fragment-dropped',
      rfc: 'RFC 7915 §4.5: "A stateless translator cannot compute the UDP checksum of fragmented packets, so when a stateless translator receives the first fragment of a fragmented UDP IPv4 packet and the checksum field is zero, the translator SHOULD drop the packet and generate a system management event."',
      from4: frag[0]!,
      drop: '46.*',
    }),
  ];
}

// ---- §5.1 IPv6 -> IPv4 headers --------------------------------------------------------------

function section51(): Vector[] {
  const out: Vector[] = [];
  const HDR = 'RFC 7915 §5.1: Version 4, IHL 5 (no options), "Type of Service: By default, copied from the IPv6 Traffic Class", "Total Length: Payload length value from the IPv6 header, plus the size of the IPv4 header", "Flags: The More Fragments flag is set to zero. The Don\'t Fragment (DF) flag is set as follows: If the size of the translated IPv4 packet is less than or equal to 1260 bytes, it is set to zero; otherwise, it is set to one.", "Time to Live: Hop Limit value copied from the IPv6 header. Since the translator is a router, ... decrement", "Protocol: The Next Header field ... ICMPv6 (58) is changed to ICMPv4 (1)", "Header Checksum: Computed once the IPv4 header has been created."';
  out.push(
    vec({ name: '5.1-udp-header-translated', rfc: HDR, from6: pkt(s6({}, udp())), emit: [to4(pkt(s4({ ttl: 63, id: 0 }, udp())), 'blue', ID64)] }),
    vec({ name: '5.1-tcp-with-options-translated', rfc: `${HDR} RFC 7915 §5.5: the TCP checksum MUST be updated (pseudo-header).`, from6: pkt(s6({}, tcp(), bytes(40))), emit: [to4(pkt(s4({ ttl: 63, id: 0 }, tcp(), bytes(40))), 'blue', ID64)] }),
    vec({ name: '5.1-traffic-class-copied-to-tos', rfc: 'RFC 7915 §5.1: "Type of Service: By default, copied from the IPv6 Traffic Class (all 8 bits)."', from6: pkt(s6({ tc: 0xb8 }, udp())), emit: [to4(pkt(s4({ ttl: 63, id: 0, tos: 0xb8 }, udp())), 'blue', ID64)] }),
    vec({
      name: '5.1-tos-set-when-configured',
      rfc: 'RFC 7915 §5.1: "An implementation of a translator SHOULD provide a mechanism for operators to ... set the IPv4 TOS to a specified value" (tos: 0x10).',
      config: config({ tos: 0x10 }),
      from6: pkt(s6({ tc: 0xb8 }, udp())),
      emit: [to4(pkt(s4({ ttl: 63, id: 0, tos: 0x10 }, udp())), 'blue', ID64)],
    }),
    vec({ name: '5.1-hop-limit-2-leaves-ttl-1', rfc: HDR, from6: pkt(s6({ hop: 2 }, udp())), emit: [to4(pkt(s4({ ttl: 1, id: 0 }, udp())), 'blue', ID64)] }),
    vec({
      name: '5.1-hop-limit-expired-answers-time-exceeded',
      rfc: 'RFC 7915 §4.1/§5.1: "As part of decrementing the TTL or Hop Limit, the translator (as any router) MUST check for zero and send the ICMPv4 \'TTL Exceeded\' or ICMPv6 \'Hop Limit Exceeded\' error." RFC 4443 §3.3: Type 3 Code 0, quoting the packet.',
      from6: pkt(s6({ hop: 1 }, udp())),
      drop: '64.*',
      emit: [to6(pkt(s6({ src: XLAT6, dst: A6, hop: 64 }, { proto: 'icmpv6', type: 3, code: 0, inner: s6({ hop: 1 }, udp()) }, NONE)), GEN6)],
    }),
    vec({
      name: '5.1-extension-headers-skipped',
      rfc: 'RFC 7915 §5.1: "If any of an IPv6 Hop-by-Hop Options header, Destination Options header, or Routing header with the Segments Left field equal to zero are present in the IPv6 packet, those IPv6 extension headers MUST be ignored (i.e., there is no attempt to translate them). However, the Total Length field and the Protocol field are adjusted to \'skip\' these extension headers."',
      from6: pkt(s6({ ext: [{ type: 0 }, { type: 60, options: Uint8Array.of(1, 2, 0, 0) }, { type: 43, segmentsLeft: 0, data: new Uint8Array(20) }] }, udp())),
      emit: [to4(pkt(s4({ ttl: 63, id: 0 }, udp())), 'blue', ID64)],
    }),
  );
  const RH = 'RFC 7915 §5.1: "If a Routing header with a non-zero Segments Left field is present, then the packet MUST NOT be translated, and an ICMPv6 \'Parameter Problem\' message with Code 0 and the Pointer pointing to the first byte of the Segments Left field MUST be returned to the sender of the packet."';
  const rh1 = s6({ ext: [{ type: 43, segmentsLeft: 1, data: new Uint8Array(20) }] }, udp());
  const rh2 = s6({ ext: [{ type: 0 }, { type: 43, segmentsLeft: 2, data: new Uint8Array(36) }] }, udp());
  out.push(
    vec({ name: '5.1-routing-header-segments-left-answers-parameter-problem-43', rfc: RH, note: 'Routing header (type 0) right after the IPv6 header: Segments Left is octet 40 + 3. RFC 8200 §4.4 would point an unrecognised routing type at octet 42 instead; RFC 7915 names Segments Left for any type, and the vector follows RFC 7915.', from6: pkt(rh1), drop: '64.*', emit: [to6(pkt(s6({ src: XLAT6, dst: A6 }, { proto: 'icmpv6', type: 4, code: 0, rest: 43, inner: rh1 }, NONE)), GEN6)] }),
    vec({ name: '5.1-routing-header-after-hop-by-hop-pointer-51', rfc: RH, note: 'Hop-by-Hop (8 octets) then Routing: Segments Left is octet 40 + 8 + 3.', from6: pkt(rh2), drop: '64.*', emit: [to6(pkt(s6({ src: XLAT6, dst: A6 }, { proto: 'icmpv6', type: 4, code: 0, rest: 51, inner: rh2 }, NONE)), GEN6)] }),
  );
  // DF by size.
  const df = (n: number) => s6({}, udp(), bytes(n - 28));
  out.push(
    vec({ name: '5.1-translated-1260-octets-df-clear', rfc: HDR, from6: pkt(df(1260)), emit: [to4(pkt(s4({ ttl: 63, id: 0, df: false }, udp(), bytes(1260 - 28))), 'blue', ID64)] }),
    vec({ name: '5.1-translated-1261-octets-df-set', rfc: HDR, from6: pkt(df(1261)), emit: [to4(pkt(s4({ ttl: 63, id: 0, df: true }, udp(), bytes(1261 - 28))), 'blue', ID64)] }),
  );
  const big = s6({}, udp(), bytes(1501 - 28));
  out.push(
    vec({
      name: '5.1-too-big-for-ipv4-next-hop-answers-packet-too-big',
      rfc: 'RFC 7915 §5.1 with RFC 8200 §5 / RFC 4443 §3.2: the translated packet (1501 octets, DF set since > 1260) does not fit the 1500-octet IPv4 next hop; the translator, as a router, drops it and sends ICMPv6 Packet Too Big with the MTU the IPv6 sender must use: 1500 + 20 = 1520.',
      note: 'The quote is as much of the packet as fits 1280 octets (RFC 4443 §2.4(c)): 1232 octets.',
      from6: pkt(big),
      drop: '64.*',
      emit: [to6(pkt(s6({ src: XLAT6, dst: A6 }, { proto: 'icmpv6', type: 2, code: 0, rest: 1520, inner: big, innerLen: QUOTE6_MAX }, NONE)), GEN6)],
    }),
  );
  // Fragment header, §5.1.1.
  const dgram6 = s6({}, udp(), bytes(100));
  const dgram4 = s4({ ttl: 63, id: 0x1234 }, udp(), bytes(100));
  const f6 = buildFragments(dgram6, 64, 0xabcd1234);
  const f4 = buildFragments(dgram4, 64);
  const FRAG = 'RFC 7915 §5.1.1: "Total Length: Payload length value from the IPv6 header, minus the length of extension headers present in the IPv6 packet, plus the size of the IPv4 header. Identification: Copied from the low-order 16 bits in the Identification field in the Fragment Header. Flags: The IPv4 More Fragments (MF) flag is copied from the M flag in the IPv6 Fragment Header. The IPv4 Don\'t Fragment (DF) flag is cleared (set to zero), allowing this packet to be further fragmented by IPv4 routers. Fragment Offset: Copied from the Fragment Offset field of the IPv6 Fragment Header. Protocol: ... the Next Header field of the Fragment Header."';
  out.push(
    vec({ name: '5.1.1-first-fragment-translated', rfc: FRAG, from6: f6[0]!, emit: [to4(f4[0]!)] }),
    vec({ name: '5.1.1-last-fragment-translated', rfc: FRAG, from6: f6[1]!, emit: [to4(f4[1]!)] }),
  );
  // Tenant isolation / addresses.
  out.push(
    vec({ name: '5.1-red-to-red-delivered-to-red', rfc: 'RFC 6052 §2.2: red\'s prefix carries red\'s IPv4 addresses; the packet goes to tenant red.', from6: pkt(s6({ src: RED_A6, dst: RED_B6 }, udp())), emit: [to4(pkt(s4({ ttl: 63, id: 0 }, udp())), 'red', ID64)] }),
    vec({ name: '5.1-cross-tenant-dropped', rfc: 'Tenant isolation (xlat464): a packet from blue\'s prefix to red\'s is delivered to neither.', from6: pkt(s6({ src: A6, dst: RED_B6 }, udp())), drop: '64.*' }),
    vec({ name: '5.1-foreign-source-dropped', rfc: 'RFC 7915 §5.1 addresses by the tenant table: a source no tenant owns is untranslatable; only ICMP errors use the RFC 6791 pool.', from6: pkt(s6({ src: FOREIGN6, dst: B6 }, udp())), drop: '64.*' }),
  );
  out.push(...section51Extra());
  return out;
}

// ---- §5.2/§5.3 ICMPv6 -> ICMPv4 ------------------------------------------------------------

/** An ICMPv6 error B6 sends to A6 about a UDP datagram A6 sent, and its translation (inner Identification generated). */
function err64(type: number, code: number, rest: number, t4: number, c4: number, r4: number, src6 = B6, src4 = B, inner6: PacketSpec = s6({ hop: 63 }, udp()), inner4: PacketSpec = s4({ ttl: 63, id: 0 }, udp())) {
  const input = pkt(s6({ src: src6, dst: A6 }, { proto: 'icmpv6', type, code, rest, inner: inner6 }, NONE));
  const output = pkt(s4({ src: src4, dst: A, ttl: 63, id: 0 }, { proto: 'icmpv4', type: t4, code: c4, rest: r4, inner: inner4 }, NONE));
  return { input, output };
}

function section52(): Vector[] {
  const out: Vector[] = [];
  const rest = 0x4321_0007;
  for (const [t6, t4, what] of [
    [128, 8, 'echo-request-becomes-8'],
    [129, 0, 'echo-reply-becomes-0'],
  ] as const) {
    out.push(
      vec({
        name: `5.2-${what}`,
        rfc: 'RFC 7915 §5.2: "Echo Request and Echo Reply (Type 128 and 129): Adjust the Type values to 8 and 0, respectively, and adjust the ICMP checksum both to take the type change into account and to exclude the ICMPv6 pseudo-header."',
        from6: pkt(s6({}, { proto: 'icmpv6', type: t6, code: 0, rest }, bytes(32))),
        emit: [to4(pkt(s4({ ttl: 63, id: 0 }, { proto: 'icmpv4', type: t4, code: 0, rest }, bytes(32))), 'blue', ID64)],
      }),
    );
  }
  for (const [type, what] of [
    [130, 'mld-query'],
    [131, 'mld-report'],
    [132, 'mld-done'],
    [133, 'router-solicitation'],
    [134, 'router-advertisement'],
    [135, 'neighbor-solicitation'],
    [136, 'neighbor-advertisement'],
    [137, 'redirect'],
    [200, 'unknown-informational'],
  ] as const) {
    out.push(
      vec({
        name: `5.2-${what}-${type}-silently-dropped`,
        rfc: 'RFC 7915 §5.2: "MLD Multicast Listener Query/Report/Done (Type 130, 131, 132): Single-hop message. Silently drop. Neighbor Discover messages (Type 133 through 137): Single-hop message. Silently drop. Unknown informational messages: Silently drop."',
        from6: pkt(s6({}, { proto: 'icmpv6', type, code: 0, rest: 0 }, bytes(16))),
        drop: '64.*',
      }),
    );
  }
  {
    const { input } = err64(100, 0, 0, 0, 0, 0);
    out.push(vec({ name: '5.2-unknown-error-type-100-silently-dropped', rfc: 'RFC 7915 §5.2: "Unknown error messages: Silently drop."', from6: input, drop: '64.*' }));
  }
  const du: [number, number | null, string][] = [
    [0, 1, 'no-route'],
    [1, 10, 'administratively-prohibited'],
    [2, 1, 'beyond-scope'],
    [3, 1, 'address-unreachable'],
    [4, 3, 'port-unreachable'],
    [5, null, 'source-policy-failed'],
    [6, null, 'reject-route'],
  ];
  for (const [code, c4, what] of du) {
    const { input, output } = err64(1, code, 0, 3, c4 ?? 0, 0);
    out.push(
      vec({
        name: `5.2-dest-unreachable-code-${code}-${what}${c4 === null ? '-dropped' : ''}`,
        rfc: 'RFC 7915 §5.2 Destination Unreachable (Type 1): "Set the Type to 3, and adjust the ICMP checksum both to take the type/code change into account and to exclude the ICMPv6 pseudo-header. Translate the Code as follows: Code 0 (No route to destination): Set the Code to 1 (Host unreachable). Code 1 (Communication with destination administratively prohibited): Set the Code to 10. Code 2 (Beyond scope of source address): Set the Code to 1. Code 3 (Address unreachable): Set the Code to 1. Code 4 (Port unreachable): Set the Code to 3. Other Code values: Silently drop." RFC 7915 §5.3: the quoted datagram is translated (addresses, TTL = Hop Limit, checksum).',
        from6: input,
        ...(c4 === null ? { drop: '64.*' } : { emit: [to4(output, 'blue', INNER_ID64)] }),
      }),
    );
  }
  const PTB = 'RFC 7915 §5.2: "Packet Too Big (Type 2): Translate to an ICMPv4 Destination Unreachable (Type 3) with Code 4, and adjust the ICMPv4 checksum both to take the type change into account and to exclude the ICMPv6 pseudo-header. The MTU field MUST be adjusted for the difference between the IPv4 and IPv6 header sizes, taking into account whether or not the packet in error includes a Fragment header, i.e., minimum(advertised MTU-20, MTU_of_IPv4_nexthop, (MTU_of_IPv6_nexthop)-20)."';
  const ptbNote = 'AMBIGUOUS: "taking into account whether or not the packet in error includes a Fragment header" is not reflected in the formula; the quoted packet here has none, so 20 is the difference.';
  for (const [name, cfg, mtu, want, why] of [
    ['5.2-packet-too-big-1400-becomes-frag-needed-1380', CONFIG, 1400, 1380, 'min(1400-20, 1500, 1500-20) = 1380.'],
    ['5.2-packet-too-big-bounded-by-ipv4-next-hop', config({ ipv4Mtu: 1400 }), 1500, 1400, 'min(1500-20, ipv4Mtu 1400, 1500-20) = 1400.'],
    ['5.2-packet-too-big-bounded-by-ipv6-next-hop', config({ ipv6Mtu: 1450 }), 1500, 1430, 'min(1500-20, 1500, ipv6Mtu 1450-20) = 1430.'],
  ] as const) {
    const { input, output } = err64(2, 0, mtu, 3, 4, want);
    out.push(vec({ name, rfc: PTB, note: `${why} ${ptbNote}`, config: cfg, from6: input, emit: [to4(output, 'blue', INNER_ID64)] }));
  }
  for (const code of [0, 1]) {
    const { input, output } = err64(3, code, 0, 11, code, 0);
    out.push(vec({ name: `5.2-time-exceeded-code-${code}`, rfc: 'RFC 7915 §5.2: "Time Exceeded (Type 3): Set the Type to 11, and adjust the ICMPv4 checksum both to take the type change into account and to exclude the ICMPv6 pseudo-header. The Code is unchanged."', from6: input, emit: [to4(output, 'blue', INNER_ID64)] }));
  }
  const FIG6 = 'RFC 7915 §5.2 Parameter Problem (Type 4): "Code 0 (Erroneous header field encountered): Set to Type 12, Code 0, and update the pointer as defined in Figure 6 (if the Original IPv6 Pointer Value is not listed or the Translated IPv4 Pointer Value is listed as \'n/a\', silently drop the packet)." Figure 6: 0 Version/Traffic Class -> 0; 1 Traffic Class/Flow Label -> 1; 2,3 Flow Label -> n/a; 4,5 Payload Length -> 2; 6 Next Header -> 9; 7 Hop Limit -> 8; 8-23 Source Address -> 12; 24-39 Destination Address -> 16.';
  const fig6 = (p: number): number | null => (p === 0 ? 0 : p === 1 ? 1 : p <= 3 ? null : p <= 5 ? 2 : p === 6 ? 9 : p === 7 ? 8 : p <= 23 ? 12 : p <= 39 ? 16 : null);
  for (let p = 0; p <= 40; p++) {
    const m = fig6(p);
    const { input, output } = err64(4, 0, p, 12, 0, ((m ?? 0) << 24) >>> 0);
    out.push(
      vec({
        name: `5.2-parameter-problem-pointer-${p}${m === null ? '-dropped' : `-becomes-${m}`}`,
        rfc: FIG6,
        from6: input,
        ...(m === null ? { drop: '64.*' } : { emit: [to4(output, 'blue', INNER_ID64)] }),
      }),
    );
  }
  {
    const one = err64(4, 1, 6, 3, 2, 0);
    out.push(vec({ name: '5.2-parameter-problem-code-1-becomes-protocol-unreachable', rfc: 'RFC 7915 §5.2: "Code 1 (Unrecognized Next Header type encountered): Translate this to an ICMPv4 protocol unreachable (Type 3, Code 2)."', from6: one.input, emit: [to4(one.output, 'blue', INNER_ID64)] }));
    const two = err64(4, 2, 40, 0, 0, 0);
    out.push(vec({ name: '5.2-parameter-problem-code-2-unrecognized-option-dropped', rfc: 'RFC 7915 §5.2: "Code 2 (Unrecognized IPv6 Option encountered): Silently drop."', from6: two.input, drop: '64.*' }));
  }
  // RFC 4884.
  {
    const inner6 = pkt(s6({ hop: 63 }, udp(), bytes(80))); // 128 octets
    const inner4 = pkt(s4({ ttl: 63, id: 0 }, udp(), bytes(80))); // 108 octets, padded to 128
    const padded4 = new Uint8Array(128);
    padded4.set(inner4);
    const ext = extension();
    const input = pkt(s6({ src: B6, dst: A6 }, { proto: 'icmpv6', type: 1, code: 4, inner: inner6, origDatagramLen: 128 }, ext));
    const output = pkt(s4({ src: B, dst: A, ttl: 63, id: 0 }, { proto: 'icmpv4', type: 3, code: 3, inner: padded4, origDatagramLen: 128 }, ext));
    out.push(
      vec({
        name: '5.2-rfc4884-length-and-extension-translated',
        rfc: 'RFC 7915 §5.2 with RFC 4884 §4.1: the ICMPv4 Length field counts 32-bit words of the original datagram field, which "MUST be zero padded to the nearest 32-bit boundary" and, when an extension structure follows, holds at least 128 octets (§5.1: "the original datagram field MUST contain at least 128 octets").',
        note: 'Inner IPv6 128 octets (length 16 in 64-bit words) becomes 108 octets of IPv4, zero-padded to 128 (length 32); the extension structure is copied.',
        from6: input,
        emit: [to4(output, 'blue', INNER_ID64)],
      }),
    );
  }
  // RFC 6791.
  {
    const e = err64(1, 3, 0, 3, 1, 0, FOREIGN6, POOL4);
    out.push(
      vec({
        name: '5.2-rfc6791-untranslatable-error-source-uses-pool',
        rfc: 'RFC 6791 §3: "the translator ... SHOULD use an IPv4 address from [a pool] as the source address of the translated ICMP error" when the IPv6 source (here 2001:db8:ffff::1, no tenant\'s) cannot be translated.',
        from6: e.input,
        emit: [to4(e.output, 'blue', INNER_ID64)],
      }),
    );
    const pool = err64(1, 3, 0, 3, 1, 0, FOREIGN6, v4('198.51.100.8'));
    out.push(
      vec({
        name: '5.2-rfc6791-pool-of-eight-any-address',
        rfc: 'RFC 6791 §4: "the source address ... selected from the pool" (random or by a hash: the RFC leaves the choice).',
        config: config({ rfc6791v4: '198.51.100.8/29' }),
        from6: pool.input,
        emit: [to4(pool.output, 'blue', [...INNER_ID64, { at: 15, len: 1, why: 'any address of 198.51.100.8/29 (the validator checks the header checksum)' }])],
      }),
    );
    const own = err64(1, 3, 0, 3, 1, 0, FOREIGN6, XLAT4);
    out.push(
      vec({
        name: '5.2-rfc6791-no-pool-uses-translator-address',
        rfc: 'RFC 6791 §4 / xlat464 configuration: with no rfc6791v4 pool the translator\'s own IPv4 address is the source.',
        config: config({ rfc6791v4: null }),
        from6: own.input,
        emit: [to4(own.output, 'blue', INNER_ID64)],
      }),
    );
    const echo = pkt(s6({ src: FOREIGN6, dst: A6 }, { proto: 'icmpv6', type: 128, code: 0, rest: 1 }, bytes(8)));
    out.push(vec({ name: '5.2-rfc6791-not-for-informational-messages', rfc: 'RFC 6791 applies to ICMP error messages only; an Echo Request from an untranslatable source is dropped.', from6: echo, drop: '64.*' }));
  }
  // Inner TCP and echo.
  {
    const t = err64(3, 0, 0, 11, 0, 0, B6, B, s6({ hop: 1 }, tcp(), bytes(16)), s4({ ttl: 1, id: 0 }, tcp(), bytes(16)));
    out.push(vec({ name: '5.3-inner-tcp-translated', rfc: 'RFC 7915 §5.3: the IP and transport headers of the packet in error are translated (inner TCP checksum updated).', from6: t.input, emit: [to4(t.output, 'blue', INNER_ID64)] }));
    const e = err64(1, 0, 0, 3, 1, 0, B6, B, s6({ hop: 63 }, { proto: 'icmpv6', type: 128, code: 0, rest }, bytes(16)), s4({ ttl: 63, id: 0 }, { proto: 'icmpv4', type: 8, code: 0, rest }, bytes(16)));
    out.push(vec({ name: '5.3-inner-icmp-echo-translated', rfc: 'RFC 7915 §5.3: the quoted Echo Request (128) becomes ICMPv4 Echo (8) with its checksum without the pseudo-header.', from6: e.input, emit: [to4(e.output, 'blue', INNER_ID64)] }));
  }
  return out;
}

// ---- audit additions: §4.1 / §5.1 behaviours, PLAT, RFC 7757 hairpinning ---------------------

/** A tenant with its own /96 prefix and a PLAT prefix (RFC 6877 464XLAT): 10.0.0.1 is fd00:64:1::a00:1, 8.8.8.8 behind the PLAT is fd00:6464::808:808. */
const PLAT_CONFIG = {
  translator: TRANSLATOR,
  tenants: [{ name: 'blue', prefix: 'fd00:64:1::/96', ipv4: ['10.0.0.0/8'], plat: 'fd00:6464::/96' }],
};
const PLAT_HOST6 = v6('fd00:64:1::a00:1');
const PLAT_REMOTE4 = v4('8.8.8.8');
const PLAT_REMOTE6 = v6('fd00:6464::808:808');

const RFC1812_ERR = 'RFC 1812 §4.3.2.7 (the translator is a router, RFC 7915 §4.1): an ICMP error message is not sent as the result of receiving an ICMP error message.';
const RFC4443_ERR = 'RFC 4443 §2.4 (e.1): "An ICMPv6 error message MUST NOT be originated as a result of receiving ... an ICMPv6 error message."';

function section41Extra(): Vector[] {
  const out: Vector[] = [];
  {
    // An ICMPv4 error B sends to A, arriving with TTL 1: it expires here, and no error answers an error.
    const input = pkt(s4({ src: B, dst: A, ttl: 1, id: 7 }, { proto: 'icmpv4', type: 3, code: 3, rest: 0, inner: s4({ ttl: 63 }, udp()) }, NONE));
    out.push(
      vec({
        name: '4.1-ttl-expired-icmp-error-dropped-without-answer',
        rfc: `RFC 7915 §4.1: the translator MUST check the decremented TTL for zero and send Time Exceeded — except that ${RFC1812_ERR}`,
        note: 'The input is a Destination Unreachable (Port Unreachable) with TTL 1: dropped, and nothing is emitted (no Time Exceeded, no translated error).',
        from4: input,
        drop: '46.*',
      }),
    );
  }
  // DF=0 fragmentation when the IPv6 next hop is smaller than lowestIpv6Mtu.
  {
    const big4 = s4({ df: false, id: 0x4321 }, udp(), bytes(1500 - 28));
    const big6 = s6({ hop: 63 }, udp(), bytes(1500 - 28));
    out.push(
      vec({
        name: '4.1-df-clear-fragmented-to-smaller-ipv6-next-hop-mtu',
        rfc: 'RFC 7915 §4.1: a DF=0 packet that would become larger than the lowest IPv6 MTU "SHOULD be fragmented so the resulting IPv6 packet (with Fragment header added to each fragment) will be less than or equal to" it; each fragment must also fit the IPv6 next hop (ipv6Mtu 1400 < lowestIpv6Mtu 1500), so the limit is min(lowestIpv6Mtu, ipv6Mtu) = 1400.',
        note: 'How the data is split is the translator\'s choice; this vector expects the largest multiple of 8 that fits 1400 - 40 - 8 (1352 octets), then the rest (128).',
        config: config({ lowestIpv6Mtu: 1500, ipv6Mtu: 1400 }),
        from4: pkt(big4),
        emit: buildFragments(big6, 1352, 0x4321).map((f) => to6(f)),
      }),
    );
  }
  for (const [p, what] of [
    [0, 'hop-by-hop'],
    [43, 'routing'],
    [44, 'fragment'],
    [58, 'icmpv6'],
    [60, 'destination-options'],
  ] as const) {
    out.push(
      vec({
        name: `4.1-ipv6-only-protocol-${p}-${what}-dropped`,
        rfc: 'RFC 7915 §4.1 Next Header is the IPv4 Protocol copied; but these numbers name IPv6 headers (RFC 8200 §4: 0 Hop-by-Hop, 43 Routing, 44 Fragment, 60 Destination Options; RFC 4443: 58 ICMPv6), which no IPv4 packet can carry.',
        note: `AMBIGUOUS: §4.1 says copy the Protocol field and does not list these. Copied, protocol ${p} would make IPv6 nodes parse the IPv4 payload as ${p === 58 ? 'an ICMPv6 message whose checksum never covered an IPv6 pseudo-header' : 'an IPv6 extension header'}; this vector takes the reading that the packet is untranslatable and dropped (no error: the RFC names none).`,
        from4: pkt(s4({ protocol: p }, undefined, bytes(24))),
        drop: '46.*',
      }),
    );
  }
  out.push(
    vec({
      name: '4.1-plat-destination-written-through-plat-prefix',
      rfc: 'RFC 6877 §6.3 (464XLAT) with RFC 6052 §2.2: an IPv4 destination outside the tenant is written through the tenant\'s PLAT prefix (fd00:6464::/96, 8.8.8.8 in the last 32 bits); the source through the tenant\'s own prefix.',
      config: PLAT_CONFIG,
      from4: pkt(s4({ src: A, dst: PLAT_REMOTE4 }, udp())),
      emit: [to6(pkt(s6({ src: PLAT_HOST6, dst: PLAT_REMOTE6, hop: 63 }, udp())))],
    }),
  );
  return out;
}

function section51Extra(): Vector[] {
  const out: Vector[] = [];
  {
    const input = pkt(s6({ src: B6, dst: A6, hop: 1 }, { proto: 'icmpv6', type: 1, code: 4, rest: 0, inner: s6({ hop: 63 }, udp()) }, NONE));
    out.push(
      vec({
        name: '5.1-hop-limit-expired-icmpv6-error-dropped-without-answer',
        rfc: `RFC 7915 §5.1: the translator MUST check the decremented Hop Limit for zero and send Hop Limit Exceeded — except that ${RFC4443_ERR}`,
        note: 'The input is a Destination Unreachable (Port Unreachable) with Hop Limit 1: dropped, and nothing is emitted.',
        from6: input,
        drop: '64.*',
      }),
    );
  }
  {
    const dgram6 = s6({}, udp(), bytes(100));
    const atomic = buildFragments(dgram6, 1024, 0xabcd1234);
    if (atomic.length !== 1) throw new Error('an atomic fragment is one fragment');
    out.push(
      vec({
        name: '5.1.1-atomic-fragment-translated-with-its-identification',
        rfc: 'RFC 7915 §5.1.1: with a Fragment header, "Identification: Copied from the low-order 16 bits in the Identification field in the Fragment Header"; MF copied from M (0); "The IPv4 Don\'t Fragment (DF) flag is cleared"; Fragment Offset copied (0). RFC 8021 deprecates generating atomic fragments; RFC 6946 §4: a received one (offset 0, M 0) is processed in isolation, as any fragment.',
        note: 'Fragment header Identification 0xabcd1234 -> IPv4 Identification 0x1234, DF 0, MF 0, offset 0: an unfragmented IPv4 packet.',
        from6: atomic[0]!,
        emit: [to4(pkt(s4({ ttl: 63, id: 0x1234, df: false }, udp(), bytes(100))))],
      }),
    );
  }
  out.push(
    vec({
      name: '5.1-unknown-protocol-passes-with-its-number',
      rfc: 'RFC 7915 §5.1 Protocol: for ICMPv6 (58) changed to ICMPv4 (1); otherwise the Next Header of the last IPv6 header (after skipping extension headers) is copied.',
      from6: pkt(s6({ nextHeader: 253 }, undefined, bytes(24))),
      emit: [to4(pkt(s4({ ttl: 63, id: 0, protocol: 253 }, undefined, bytes(24))), 'blue', ID64)],
    }),
    vec({
      name: '5.1-icmpv4-next-header-1-dropped',
      rfc: 'RFC 7915 §5.1 maps ICMPv6 (58) to ICMPv4 (1); an IPv6 packet whose upper layer claims to be ICMPv4 (Next Header 1) has no meaning in IPv6 (RFC 4443 replaces it there).',
      note: 'AMBIGUOUS: RFC 7915 does not name Next Header 1. Copied, it would reach the IPv4 host as an ICMPv4 message no translation rule (§5.2) ever checked; this vector takes the reading that it is dropped.',
      from6: pkt(s6({ nextHeader: 1 }, undefined, Uint8Array.of(8, 0, 0xf7, 0xfe, 0, 1, 0, 0))),
      drop: '64.*',
    }),
    vec({
      name: '5.1-plat-source-delivered-with-extracted-ipv4-source',
      rfc: 'RFC 6877 §6.3 (464XLAT) with RFC 6052 §2.3: a source under the tenant\'s PLAT prefix (fd00:6464::808:808) is an IPv4 host behind the PLAT; its IPv4 address is extracted from the last 32 bits (8.8.8.8) and the packet goes to the tenant owning the destination (fd00:64:1::a00:1 -> 10.0.0.1).',
      config: PLAT_CONFIG,
      from6: pkt(s6({ src: PLAT_REMOTE6, dst: PLAT_HOST6 }, udp())),
      emit: [to4(pkt(s4({ src: PLAT_REMOTE4, dst: A, ttl: 63, id: 0 }, udp())), 'blue', ID64)],
    }),
  );
  return out;
}

/** RFC 7757 hairpinning: blue owns 10.0.0.0/8 under 2001:db8:b::/96 and maps 192.0.2.0/24 <-> 2001:db8:e::/120 (EAM). */
function hairpinConfig(mode: 'off' | 'simple' | 'intrinsic'): unknown {
  return {
    translator: { ...TRANSLATOR, eamHairpin: mode },
    tenants: [{ name: 'blue', prefix: '2001:db8:b::/96', ipv4: ['10.0.0.0/8'], eam: [{ ipv4: '192.0.2.0/24', ipv6: '2001:db8:e::/120' }] }],
  };
}

function rfc7757Hairpin(): Vector[] {
  const E7 = v4('192.0.2.7');
  const E9 = v4('192.0.2.9');
  const E7_EAM6 = v6('2001:db8:e::7');
  const E9_EAM6 = v6('2001:db8:e::9');
  const E7_6052 = v6('2001:db8:b::c000:207');
  const E9_6052 = v6('2001:db8:b::c000:209');
  const HP = 'RFC 7757 §4.2 (hairpinning between two EAM-mapped IPv6 hosts): an EAM host that reaches another EAM host by the RFC 6052 form of its IPv4 address makes the translated IPv4 packet come back to the translator; the translated source must then be written with the RFC 6052 prefix (not the EAM) so that the answer comes back through the translator too.';
  // 6->4: EAM host 2001:db8:e::7 (192.0.2.7) sends to the RFC 6052 form of 192.0.2.9, which is an EAM address.
  const in6 = pkt(s6({ src: E7_EAM6, dst: E9_6052 }, udp()));
  const toTenant = to4(pkt(s4({ src: E7, dst: E9, ttl: 63, id: 0 }, udp())), 'blue', ID64);
  // 4->6: that IPv4 packet, routed back by the tenant, arrives from blue with an EAM source and an EAM destination.
  const in4 = pkt(s4({ src: E7, dst: E9, ttl: 63 }, udp()));
  return [
    vec({
      name: 'rfc7757-4.2-simple-4to6-eam-source-written-through-rfc6052-prefix',
      rfc: `${HP} Simple mode: the 4->6 direction recognises the IPv4 packet (EAM source and EAM destination) and writes the source 192.0.2.7 through the tenant\'s RFC 6052 prefix (2001:db8:b::c000:207), the destination by EAM (2001:db8:e::9).`,
      config: hairpinConfig('simple'),
      from4: in4,
      emit: [to6(pkt(s6({ src: E7_6052, dst: E9_EAM6, hop: 62 }, udp())))],
    }),
    vec({
      name: 'rfc7757-4.2-off-4to6-eam-source-dropped',
      rfc: `${HP} With hairpinning off, an IPv4 packet from the tenant whose source (192.0.2.7) is an EAM address rather than one of the tenant's ranges is not translated (tenant isolation: it could not be answered).`,
      config: hairpinConfig('off'),
      from4: in4,
      drop: '46.*',
    }),
    vec({
      name: 'rfc7757-4.2-simple-6to4-delivered-to-tenant',
      rfc: `${HP} Simple mode hairpins in the 4->6 direction only: the 6->4 direction translates normally and the IPv4 packet goes to the tenant, whose routing brings it back.`,
      config: hairpinConfig('simple'),
      from6: in6,
      emit: [toTenant],
    }),
    vec({
      name: 'rfc7757-4.2-off-6to4-delivered-to-tenant',
      rfc: `${HP} With hairpinning off, the 6->4 translation is the ordinary one (RFC 7757 §3.2: source by EAM, destination by the RFC 6052 prefix).`,
      config: hairpinConfig('off'),
      from6: in6,
      emit: [toTenant],
    }),
    vec({
      name: 'rfc7757-4.2-intrinsic-6to4-turned-back-to-ipv6-inside-translator',
      rfc: `${HP} Intrinsic mode: the translator sees that the destination (RFC 6052 form of 192.0.2.9) is an EAM address and translates the IPv4 result back to IPv6 itself: source 192.0.2.7 through the RFC 6052 prefix (2001:db8:b::c000:207), destination by EAM (2001:db8:e::9).`,
      note: 'The packet is translated twice (6->4, then 4->6) and RFC 7915 §4.1 / §5.1 decrement the hop count once per translation, so Hop Limit 64 arrives as 62, as in simple mode where the packet crosses the translator twice. Nothing goes to the tenant.',
      config: hairpinConfig('intrinsic'),
      from6: in6,
      emit: [to6(pkt(s6({ src: E7_6052, dst: E9_EAM6, hop: 62 }, udp())))],
    }),
  ];
}

// ---- files ---------------------------------------------------------------------------------

function file(section: string, title: string, vectors: Vector[], rfc = 'RFC 7915'): VectorFile {
  return { rfc, section, title, vectors };
}

/** Build every vector file (pure: no I/O). */
export function generate(): Record<string, VectorFile> {
  crossCheckAddresses();
  return {
    '4.1-ipv4-to-ipv6-headers.json': file('4.1', 'Translating IPv4 Headers into IPv6 Headers (with fragments, TTL, options, DF, tenant rules)', section41()),
    '4.2-icmpv4-to-icmpv6.json': file('4.2, 4.3', 'Translating ICMPv4 Headers into ICMPv6 Headers, and ICMPv4 error messages', section42()),
    '4.5-transport.json': file('4.5', 'Transport-Layer Header Translation (UDP zero checksum)', section45()),
    '5.1-ipv6-to-ipv4-headers.json': file('5.1, 5.1.1', 'Translating IPv6 Headers into IPv4 Headers (extension headers, fragments, DF, tenant rules)', section51()),
    '5.2-icmpv6-to-icmpv4.json': file('5.2, 5.3', 'Translating ICMPv6 Headers into ICMPv4 Headers, and ICMPv6 error messages', section52()),
    'rfc7757-4.2-eam-hairpinning.json': file('4.2', 'RFC 7757 EAM hairpinning: simple, intrinsic and off', rfc7757Hairpin(), 'RFC 7757'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = fileURLToPath(new URL('../../rfc-vectors/rfc7915/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const names = new Set<string>();
  let n = 0;
  for (const [name, data] of Object.entries(generate())) {
    for (const v of data.vectors) {
      if (names.has(v.name)) throw new Error(`duplicate vector name ${v.name}`);
      names.add(v.name);
    }
    n += data.vectors.length;
    writeFileSync(dir + name, JSON.stringify(data, null, 1) + '\n');
  }
  process.stdout.write(`wrote ${n} vectors to ${dir}\n`);
}

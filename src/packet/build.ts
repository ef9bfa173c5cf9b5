/**
 * Whole-packet builders for tests and the CLI (never the fast path): an IP
 * header, optional extension headers, a transport or ICMP header with a
 * correct checksum, and payload, in one call. ICMP errors can quote another
 * built packet; buildFragments cuts one datagram into RFC 791 §2.3 / RFC
 * 8200 §4.5 fragments whose upper-layer checksum covers the reassembled
 * datagram, as on the wire.
 */
import { emitIPv4, Ipv4View, IPV4_MIN_HEADER_LEN, type Ipv4Fields } from './ipv4.js';
import { emitIPv6, ipv6ExtLen, IPV6_HEADER_LEN, IPV6_NEXT_HEADER, IPV6_SRC, IPV6_DST, IPV6_PAYLOAD_LEN, EXT_HDR_EXT_LEN, type Ipv6Fields } from './ipv6.js';
import { emitFrag6, FRAG6_LEN, IPPROTO_FRAGMENT } from './frag6.js';
import { emitUdp, UDP_HEADER_LEN, IPPROTO_UDP, type UdpFields } from './udp.js';
import { emitTcp, tcpHeaderLen, IPPROTO_TCP, type TcpFields } from './tcp.js';
import { emitIcmpv4, ICMPV4_HEADER_LEN, IPPROTO_ICMP } from './icmpv4.js';
import { emitIcmpv6, ICMPV6_HEADER_LEN, IPPROTO_ICMPV6 } from './icmpv6.js';
import { put16 } from './bytes.js';
import { pseudoSum4, pseudoSum6 } from '../checksum/reference.js';

/** IPv4 part of a {@link PacketSpec}; `protocol` defaults from `l4` (or 253, RFC 3692 experimental). */
export type Ipv4Spec = { version: 4 } & Omit<Ipv4Fields, 'payloadLen' | 'protocol'> & { protocol?: number };
/** IPv6 part of a {@link PacketSpec}; `nextHeader` (after the extensions) defaults from `l4` (or 253). */
export type Ipv6Spec = { version: 6 } & Omit<Ipv6Fields, 'upperLen' | 'nextHeader'> & { nextHeader?: number };

/** ICMP part of a {@link PacketSpec}. */
export interface IcmpSpec {
  proto: 'icmpv4' | 'icmpv6';
  type: number;
  code: number;
  /** Second 32-bit word, as is (id/seq, MTU, pointer...). */
  rest?: number;
  /** The original datagram an error quotes; placed right after the ICMP header. */
  inner?: PacketSpec | Uint8Array;
  /** Cut the quoted datagram to this many octets. */
  innerLen?: number;
  /** RFC 4884 length in octets, merged into `rest` in the type's units (32-bit words v4, 64-bit v6). */
  origDatagramLen?: number;
  checksum?: number;
}

/** Transport or ICMP part of a {@link PacketSpec}. */
export type L4Spec =
  | ({ proto: 'udp' } & Omit<UdpFields, 'payloadLen'>)
  | ({ proto: 'tcp' } & Omit<TcpFields, 'payloadLen'>)
  | IcmpSpec;

/**
 * A packet to build. `payload` follows the L4 header (after the quoted
 * datagram for ICMP errors, e.g. an RFC 4884 extension structure), or the
 * IP header when there is no `l4`.
 */
export interface PacketSpec {
  ip: Ipv4Spec | Ipv6Spec;
  l4?: L4Spec;
  payload?: Uint8Array;
}

const PROTO_EXPERIMENTAL = 253;

function l4Proto(l4: L4Spec | undefined): number | undefined {
  if (l4 === undefined) return undefined;
  switch (l4.proto) {
    case 'udp':
      return IPPROTO_UDP;
    case 'tcp':
      return IPPROTO_TCP;
    case 'icmpv4':
      return IPPROTO_ICMP;
    case 'icmpv6':
      return IPPROTO_ICMPV6;
  }
}

function l4HeaderLen(l4: L4Spec): number {
  switch (l4.proto) {
    case 'udp':
      return UDP_HEADER_LEN;
    case 'tcp':
      return tcpHeaderLen(l4);
    case 'icmpv4':
      return ICMPV4_HEADER_LEN;
    case 'icmpv6':
      return ICMPV6_HEADER_LEN;
  }
}

/**
 * Builds one packet with correct lengths and checksums (IPv4 header,
 * TCP/UDP/ICMPv6 over their pseudo-headers, ICMPv4). Fields left out take
 * harmless defaults (TTL/hop limit 64, ports as given, zeros).
 *
 * @example
 * const pkt = buildPacket({
 *   ip: { version: 4, src: 0xc0000201, dst: 0xc6336401 },
 *   l4: { proto: 'udp', srcPort: 1234, dstPort: 53 },
 *   payload: Uint8Array.of(1, 2, 3),
 * });
 */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const l4 = spec.l4;
  const payload = spec.payload ?? new Uint8Array(0);
  let inner: Uint8Array = new Uint8Array(0);
  if (l4 !== undefined && (l4.proto === 'icmpv4' || l4.proto === 'icmpv6') && l4.inner !== undefined) {
    const whole = l4.inner instanceof Uint8Array ? l4.inner : buildPacket(l4.inner);
    inner = whole.subarray(0, Math.min(whole.length, l4.innerLen ?? whole.length));
  }
  const hl4 = l4 === undefined ? 0 : l4HeaderLen(l4);
  const upperLen = hl4 + inner.length + payload.length;
  const proto = l4Proto(l4) ?? (spec.ip.version === 4 ? spec.ip.protocol : spec.ip.nextHeader) ?? PROTO_EXPERIMENTAL;

  let ipLen: number;
  if (spec.ip.version === 4) {
    ipLen = IPV4_MIN_HEADER_LEN + (spec.ip.options === undefined ? 0 : (spec.ip.options.length + 3) & ~3);
  } else {
    ipLen = IPV6_HEADER_LEN;
    for (const e of spec.ip.ext ?? []) ipLen += ipv6ExtLen(e);
  }
  const out = new Uint8Array(ipLen + upperLen);
  if (spec.ip.version === 4) {
    emitIPv4(out, 0, { ...spec.ip, protocol: proto, payloadLen: upperLen });
  } else {
    emitIPv6(out, 0, { ...spec.ip, nextHeader: proto, upperLen });
  }
  const l4Off = ipLen;
  out.set(inner, l4Off + hl4);
  out.set(payload, l4Off + hl4 + inner.length);
  if (l4 === undefined) return out;

  const pseudo =
    spec.ip.version === 4
      ? pseudoSum4(spec.ip.src >>> 0, spec.ip.dst >>> 0, proto, upperLen)
      : pseudoSum6(out, IPV6_SRC, IPV6_DST, proto, upperLen);
  const bodyLen = upperLen - hl4;
  switch (l4.proto) {
    case 'udp':
      emitUdp(out, l4Off, { ...l4, payloadLen: bodyLen }, pseudo);
      break;
    case 'tcp':
      emitTcp(out, l4Off, { ...l4, payloadLen: bodyLen }, pseudo);
      break;
    case 'icmpv4': {
      let rest = l4.rest ?? 0;
      // RFC 4884 §4.1: Length is octet 5, in 32-bit words.
      if (l4.origDatagramLen !== undefined) rest = ((rest & ~0x00ff0000) | (((l4.origDatagramLen / 4) & 0xff) << 16)) >>> 0;
      emitIcmpv4(out, l4Off, { type: l4.type, code: l4.code, rest, bodyLen, checksum: l4.checksum });
      break;
    }
    case 'icmpv6': {
      let rest = l4.rest ?? 0;
      // RFC 4884 §4.2: Length is octet 4, in 64-bit words.
      if (l4.origDatagramLen !== undefined) rest = ((rest & 0x00ffffff) | (((l4.origDatagramLen / 8) & 0xff) << 24)) >>> 0;
      emitIcmpv6(out, l4Off, { type: l4.type, code: l4.code, rest, bodyLen, checksum: l4.checksum }, pseudo);
      break;
    }
  }
  return out;
}

/**
 * Builds the datagram `spec` describes, then cuts it into fragments carrying
 * at most `fragDataLen` octets of fragmentable data each (a multiple of 8).
 * IPv4: every fragment copies the whole header (options included) and gets
 * its own MF, offset, Total Length and checksum. IPv6: a Fragment header
 * with identification `id6` goes after the unfragmentable part (the IPv6
 * header and any extension headers up to the last Hop-by-Hop or Routing
 * header in `spec.ip.ext`).
 *
 * @example
 * const [first, second] = buildFragments({ ip: { version: 6, src, dst }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(100) }, 64, 0xabcd);
 */
export function buildFragments(spec: PacketSpec, fragDataLen: number, id6 = 0): Uint8Array[] {
  if (fragDataLen <= 0 || fragDataLen % 8 !== 0) throw new RangeError(`buildFragments: fragDataLen must be a positive multiple of 8, got ${fragDataLen}`);
  const whole = buildPacket(spec);
  const out: Uint8Array[] = [];
  if (spec.ip.version === 4) {
    const v = new Ipv4View().bind(whole, 0, whole.length);
    const hl = v.headerLen();
    const baseOff = v.fragOffset();
    const baseMf = v.mf();
    for (let at = hl; at < whole.length || at === hl; at += fragDataLen) {
      const n = Math.min(fragDataLen, whole.length - at);
      const f = new Uint8Array(hl + n);
      f.set(whole.subarray(0, hl), 0);
      f.set(whole.subarray(at, at + n), hl);
      const last = at + n >= whole.length;
      new Ipv4View().bind(f, 0, f.length).setTotalLen(hl + n).setMf(!last || baseMf).setFragOffset(baseOff + at - hl).fillChecksum();
      out.push(f);
      if (last) break;
    }
    return out;
  }
  const ext = spec.ip.ext ?? [];
  let unfragCount = 0;
  for (let i = 0; i < ext.length; i++) if (ext[i]!.type === 0 || ext[i]!.type === 43) unfragCount = i + 1;
  // Walk the built bytes to find the end of the unfragmentable part and the Next Header field that must now say 44.
  let nhPos = IPV6_NEXT_HEADER;
  let p = IPV6_HEADER_LEN;
  for (let i = 0; i < unfragCount; i++) {
    nhPos = p;
    p += (whole[p + EXT_HDR_EXT_LEN]! + 1) * 8;
  }
  const firstNext = whole[nhPos]!;
  for (let at = p; at < whole.length || at === p; at += fragDataLen) {
    const n = Math.min(fragDataLen, whole.length - at);
    const f = new Uint8Array(p + FRAG6_LEN + n);
    f.set(whole.subarray(0, p), 0);
    f[nhPos] = IPPROTO_FRAGMENT;
    const last = at + n >= whole.length;
    emitFrag6(f, p, { nextHeader: firstNext, fragOffset: at - p, more: !last, id: id6 });
    f.set(whole.subarray(at, at + n), p + FRAG6_LEN);
    put16(f, IPV6_PAYLOAD_LEN, f.length - IPV6_HEADER_LEN);
    out.push(f);
    if (last) break;
  }
  return out;
}

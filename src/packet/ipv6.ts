/**
 * IPv6 header view and extension-header walk: RFC 8200 §3 (header), §4
 * (extension headers: §4.3 Hop-by-Hop, §4.4 Routing, §4.5 Fragment, §4.6
 * Destination Options), §8.1 (pseudo-header). RFC 7915 §5.1 needs from the
 * chain: the upper-layer protocol, the Fragment header's values, and a
 * Routing header's Segments Left with its octet position (for the ICMPv6
 * Parameter Problem pointer).
 *
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Version| Traffic Class |           Flow Label                  |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |         Payload Length        |  Next Header  |   Hop Limit   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                                                               |
 *    +                                                               +
 *    |                                                               |
 *    +                         Source Address                        +
 *    |                                                               |
 *    +                                                               +
 *    |                                                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                                                               |
 *    +                                                               +
 *    |                                                               |
 *    +                      Destination Address                      +
 *    |                                                               |
 *    +                                                               +
 *    |                                                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Hop-by-Hop and Destination Options headers (§4.3, §4.6):
 *
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  Next Header  |  Hdr Ext Len  |                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *    |                                                               |
 *    .                            Options                            .
 *    |                                                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Routing header (§4.4):
 *
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                                                               |
 *    .                       type-specific data                      .
 *    |                                                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Hdr Ext Len counts 8-octet units after the first 8 octets. The Fragment
 * header (see frag6.ts) is always 8 octets and has no length field.
 */
import { be16, be32, put16, inBounds, EMPTY } from './bytes.js';
import { pseudoSum6 } from '../checksum/reference.js';
import { FRAG6_LEN, FRAG6_OFFSET_FLAGS, FRAG6_OFFSET_MASK, FRAG6_M, FRAG6_ID, FRAG6_NEXT_HEADER, IPPROTO_FRAGMENT, emitFrag6 } from './frag6.js';
import type { PacketReason } from './reasons.js';

/** Octet offsets from the start of the IPv6 header. */
export const IPV6_VER_TC_FLOW = 0;
export const IPV6_PAYLOAD_LEN = 4;
export const IPV6_NEXT_HEADER = 6;
export const IPV6_HOP_LIMIT = 7;
export const IPV6_SRC = 8;
export const IPV6_DST = 24;
/** Fixed header length in octets. */
export const IPV6_HEADER_LEN = 40;

/** Octet offsets within an extension header (options and routing). */
export const EXT_NEXT_HEADER = 0;
export const EXT_HDR_EXT_LEN = 1;
export const RH_ROUTING_TYPE = 2;
export const RH_SEGMENTS_LEFT = 3;
/** Every length-carrying extension header is at least this long, in octets. */
const EXT_MIN_LEN = 8;

/** Next Header values the walk steps over (with IPPROTO_FRAGMENT, 44, from frag6.ts). Anything else ends the chain. */
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_DSTOPTS = 60;
/** Values the walk stops at on purpose (listed for readers; not special-cased). */
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_NONE = 59;

/**
 * Whether a Next Header value names an IPv6 extension header (RFC 7045 §4, IANA's list):
 * Hop-by-Hop 0, Routing 43, Fragment 44, ESP 50, AH 51, Destination Options 60, Mobility 135,
 * HIP 139, Shim6 140, and the RFC 3692 experimental values 253/254.
 */
export function isExtensionHeader(nh: number): boolean {
  return nh === 0 || nh === 43 || nh === 44 || nh === 50 || nh === 51 || nh === 60 || nh === 135 || nh === 139 || nh === 140 || nh === 253 || nh === 254;
}

/**
 * Zero-copy view over an IPv6 header and its extension-header chain.
 *
 * {@link Ipv6View.check} validates the fixed header and walks the chain
 * once (Hop-by-Hop 0, Routing 43, Fragment 44, Destination Options 60;
 * anything else, including AH 51, ESP 50 and No Next Header 59, ends it),
 * storing what it found in fields. After it returns null, every accessor
 * reads inside `[off, off+len)`.
 *
 * Offsets: every `*Off()` is an index into `buf` (absolute), except
 * {@link Ipv6View.segmentsLeftPointer}, which is relative to the IPv6 header
 * start because that is what an ICMPv6 Parameter Problem pointer counts.
 *
 * Trailing bytes past 40 + Payload Length are ignored (`len` is trimmed);
 * fewer bound bytes than that is 'ipv6.truncated' (checkEmbedded accepts it).
 * Payload Length 0 with a Hop-by-Hop header is not read as a jumbogram
 * (RFC 2675): a translator cannot carry one into IPv4.
 *
 * @example
 * const ip6 = new Ipv6View();
 * if (ip6.bind(buf, 0, n).check() === null && ip6.hasUpperHeader() && ip6.upperProto() === 17) {
 *   udp.bind(buf, ip6.upperOff(), ip6.upperLen());
 * }
 */
export class Ipv6View {
  buf: Uint8Array = EMPTY;
  off = 0;
  /** Octets in use: bound length, trimmed to 40 + Payload Length by a passing check. */
  len = 0;
  /** Octets bound, before any trimming. */
  capLen = 0;
  /** After checkEmbedded(): the datagram is cut short. */
  truncated = false;

  private upProto = 0;
  private upOff = 0;
  private hbh = false;
  private dstOpts = false;
  private rhOff = -1;
  private segLeft = 0;
  private fhOff = -1;
  private fOffset = 0;
  private fMore = false;
  private fId = 0;

  /** Points the view at `len` octets of `buf` from `off`. No validation: call check(). */
  bind(buf: Uint8Array, off: number, len: number): this {
    this.buf = buf;
    this.off = off;
    this.len = len;
    this.capLen = len;
    this.truncated = false;
    this.upProto = 0;
    this.upOff = off + IPV6_HEADER_LEN;
    this.hbh = false;
    this.dstOpts = false;
    this.rhOff = -1;
    this.segLeft = 0;
    this.fhOff = -1;
    this.fOffset = 0;
    this.fMore = false;
    this.fId = 0;
    return this;
  }

  /**
   * Validates bounds, version 6, 40 + Payload Length inside the bound bytes,
   * and walks the extension headers (each must lie inside the payload).
   * Returns null when every accessor is safe, else a reason from
   * PACKET_REASONS.
   */
  check(): PacketReason | null {
    return this.validate(false);
  }

  /**
   * Like check(), for the original datagram inside an ICMPv6 error: the
   * fixed header and the extension headers present must be complete, but the
   * payload may be cut short (`truncated` is then set and `len` is what is
   * present).
   */
  checkEmbedded(): PacketReason | null {
    return this.validate(true);
  }

  private validate(embedded: boolean): PacketReason | null {
    const b = this.buf;
    const o = this.off;
    if (!inBounds(b, o, this.len) || this.len < IPV6_HEADER_LEN) return 'ipv6.truncated';
    if (b[o + IPV6_VER_TC_FLOW]! >>> 4 !== 6) return 'ipv6.bad-version';
    const total = IPV6_HEADER_LEN + be16(b, o + IPV6_PAYLOAD_LEN);
    if (total > this.len) {
      if (!embedded) return 'ipv6.truncated';
      this.truncated = true;
    } else {
      this.len = total;
    }
    return this.walk();
  }

  /** RFC 8200 §4.1 order is not enforced beyond Hop-by-Hop being first (§4.3 MUST). */
  private walk(): PacketReason | null {
    const b = this.buf;
    const end = this.off + this.len;
    let nh = b[this.off + IPV6_NEXT_HEADER]!;
    let p = this.off + IPV6_HEADER_LEN;
    for (;;) {
      if (nh === IPPROTO_FRAGMENT) {
        if (this.fhOff >= 0) return 'ipv6.multiple-fragment';
        if (p + FRAG6_LEN > end) return 'ipv6.ext-truncated';
        const w = be16(b, p + FRAG6_OFFSET_FLAGS);
        this.fhOff = p;
        this.fOffset = w & FRAG6_OFFSET_MASK;
        this.fMore = (w & FRAG6_M) !== 0;
        this.fId = be32(b, p + FRAG6_ID);
        nh = b[p + FRAG6_NEXT_HEADER]!;
        p += FRAG6_LEN;
        // A non-first fragment carries the middle of the fragmentable part:
        // what follows is not a header, so the walk must stop here.
        if (this.fOffset !== 0) break;
        continue;
      }
      if (nh !== IPPROTO_HOPOPTS && nh !== IPPROTO_ROUTING && nh !== IPPROTO_DSTOPTS) break;
      if (nh === IPPROTO_HOPOPTS) {
        if (p !== this.off + IPV6_HEADER_LEN) return 'ipv6.hbh-not-first';
        this.hbh = true;
      }
      if (p + EXT_MIN_LEN > end) return 'ipv6.ext-truncated';
      const hlen = (b[p + EXT_HDR_EXT_LEN]! + 1) * 8;
      if (p + hlen > end) return 'ipv6.ext-truncated';
      if (nh === IPPROTO_DSTOPTS) this.dstOpts = true;
      // Only the first Routing header can be the one acted on: a router
      // processes headers in order, so a second one is never reached first.
      if (nh === IPPROTO_ROUTING && this.rhOff < 0) {
        this.rhOff = p;
        this.segLeft = b[p + RH_SEGMENTS_LEFT]!;
      }
      nh = b[p + EXT_NEXT_HEADER]!;
      p += hlen;
    }
    this.upProto = nh;
    this.upOff = p;
    return null;
  }

  /** Version nibble (6 after a passing check). */
  version(): number {
    return this.buf[this.off + IPV6_VER_TC_FLOW]! >>> 4;
  }
  /** Traffic Class octet (DSCP and ECN). */
  trafficClass(): number {
    return (be16(this.buf, this.off + IPV6_VER_TC_FLOW) >>> 4) & 0xff;
  }
  /** 20-bit Flow Label. */
  flowLabel(): number {
    return be32(this.buf, this.off + IPV6_VER_TC_FLOW) & 0xfffff;
  }
  /** Payload Length field in octets (extension headers plus upper layer). */
  payloadLen(): number {
    return be16(this.buf, this.off + IPV6_PAYLOAD_LEN);
  }
  /** Next Header of the fixed header (the first extension header, or the upper layer). */
  nextHeader(): number {
    return this.buf[this.off + IPV6_NEXT_HEADER]!;
  }
  hopLimit(): number {
    return this.buf[this.off + IPV6_HOP_LIMIT]!;
  }
  /** Index in `buf` of the 16-octet source address. */
  srcOff(): number {
    return this.off + IPV6_SRC;
  }
  /** Index in `buf` of the 16-octet destination address. */
  dstOff(): number {
    return this.off + IPV6_DST;
  }

  /**
   * Protocol that follows the walked chain: the upper layer (6, 17, 58, ...)
   * or where the walk stopped (51 AH, 50 ESP, 59 No Next Header, unknown).
   * For a non-first fragment it is the Fragment header's Next Header, which
   * RFC 7915 §5.1 copies into the IPv4 Protocol field.
   */
  upperProto(): number {
    return this.upProto;
  }
  /** Index in `buf` where the upper-layer header (or, for a non-first fragment, the fragment data) begins. */
  upperOff(): number {
    return this.upOff;
  }
  /** Octets from upperOff() to the end of the view. */
  upperLen(): number {
    return this.off + this.len - this.upOff;
  }
  /** False for a non-first fragment (offset ≠ 0): its data starts mid-datagram, there is no upper-layer header. */
  hasUpperHeader(): boolean {
    return this.fOffset === 0;
  }
  /** Octets of all extension headers walked (upperOff() - off - 40). */
  extLen(): number {
    return this.upOff - this.off - IPV6_HEADER_LEN;
  }
  hasHopByHop(): boolean {
    return this.hbh;
  }
  /** True if any Destination Options header was walked (before or after a Routing header). */
  hasDestOptions(): boolean {
    return this.dstOpts;
  }
  /** Index in `buf` of the first Routing header, or -1. */
  routingHeaderOff(): number {
    return this.rhOff;
  }
  /** Segments Left of the first Routing header (0 when there is none). */
  segmentsLeft(): number {
    return this.segLeft;
  }
  /**
   * Octet offset of the Segments Left field counted from the start of the
   * IPv6 header (the ICMPv6 Parameter Problem pointer, RFC 7915 §5.1), or -1.
   */
  segmentsLeftPointer(): number {
    return this.rhOff < 0 ? -1 : this.rhOff - this.off + RH_SEGMENTS_LEFT;
  }
  hasFragment(): boolean {
    return this.fhOff >= 0;
  }
  /** Index in `buf` of the Fragment header, or -1. */
  fragHeaderOff(): number {
    return this.fhOff;
  }
  /** Fragment offset in octets (0 without a Fragment header). */
  fragOffset(): number {
    return this.fOffset;
  }
  /** M flag of the Fragment header (false without one). */
  fragMore(): boolean {
    return this.fMore;
  }
  /** Identification of the Fragment header (0 without one). */
  fragId(): number {
    return this.fId;
  }
  /**
   * Pseudo-header sum (RFC 8200 §8.1) over this packet's addresses, for
   * upper-layer protocol `nextHeader` of `upperLen` octets (argument order
   * as in pseudoSum6 of src/checksum).
   */
  pseudoSum(nextHeader: number, upperLen: number): number {
    return pseudoSum6(this.buf, this.off + IPV6_SRC, this.off + IPV6_DST, nextHeader, upperLen);
  }

  /** Writes version 6, Traffic Class and Flow Label (the first 32 bits). */
  setVersionTcFlow(trafficClass: number, flowLabel: number): this {
    const b = this.buf;
    const o = this.off + IPV6_VER_TC_FLOW;
    b[o] = 0x60 | ((trafficClass >>> 4) & 0x0f);
    b[o + 1] = ((trafficClass & 0x0f) << 4) | ((flowLabel >>> 16) & 0x0f);
    b[o + 2] = (flowLabel >>> 8) & 0xff;
    b[o + 3] = flowLabel & 0xff;
    return this;
  }
  /** Sets Payload Length in octets. Does not change `len`. */
  setPayloadLen(octets: number): this {
    put16(this.buf, this.off + IPV6_PAYLOAD_LEN, octets);
    return this;
  }
  setNextHeader(v: number): this {
    this.buf[this.off + IPV6_NEXT_HEADER] = v;
    return this;
  }
  setHopLimit(v: number): this {
    this.buf[this.off + IPV6_HOP_LIMIT] = v;
    return this;
  }
}

/** One extension header for {@link emitIPv6}, in chain order. */
export type Ipv6Ext =
  /** Hop-by-Hop (0) or Destination Options (60): option TLVs after the two-octet prefix; emit pads with Pad1/PadN to a multiple of 8. */
  | { type: 0 | 60; options?: Uint8Array }
  /** Routing (43): type-specific data after the four-octet prefix, zero-padded to a multiple of 8. */
  | { type: 43; routingType?: number; segmentsLeft: number; data?: Uint8Array }
  /** Fragment (44): `fragOffset` in octets, a multiple of 8. */
  | { type: 44; fragOffset: number; more: boolean; id: number };

/** Fields for {@link emitIPv6}. Lengths in octets. */
export interface Ipv6Fields {
  trafficClass?: number;
  flowLabel?: number;
  hopLimit?: number;
  /** Protocol after the last extension header. */
  nextHeader: number;
  /** 16-octet addresses, copied in. */
  src: Uint8Array;
  dst: Uint8Array;
  ext?: readonly Ipv6Ext[];
  /** Octets that follow the extension headers; Payload Length = extension octets + this. */
  upperLen: number;
}

/** Length in octets that {@link emitIpv6Ext} writes for `e`. */
export function ipv6ExtLen(e: Ipv6Ext): number {
  switch (e.type) {
    case 44:
      return FRAG6_LEN;
    case 43:
      return (4 + (e.data?.length ?? 4) + 7) & ~7;
    default:
      return (2 + (e.options?.length ?? 0) + 7) & ~7;
  }
}

/**
 * Writes one extension header at `buf[off]` whose Next Header is
 * `nextHeader`; returns its length in octets. Not for the fast path.
 *
 * @example
 * emitIpv6Ext(buf, 40, { type: 43, segmentsLeft: 1, data: addr16 }, 17);
 */
export function emitIpv6Ext(buf: Uint8Array, off: number, e: Ipv6Ext, nextHeader: number): number {
  const n = ipv6ExtLen(e);
  if (n > 2048) throw new RangeError(`emitIpv6Ext: header of ${n} octets exceeds 2048`);
  if (e.type === 44) return emitFrag6(buf, off, { nextHeader, fragOffset: e.fragOffset, more: e.more, id: e.id });
  buf.fill(0, off, off + n);
  buf[off + EXT_NEXT_HEADER] = nextHeader;
  buf[off + EXT_HDR_EXT_LEN] = n / 8 - 1;
  if (e.type === 43) {
    buf[off + RH_ROUTING_TYPE] = e.routingType ?? 0;
    buf[off + RH_SEGMENTS_LEFT] = e.segmentsLeft;
    if (e.data !== undefined) buf.set(e.data, off + 4);
    return n;
  }
  const opts = e.options ?? new Uint8Array(0);
  buf.set(opts, off + 2);
  // RFC 8200 §4.2: Pad1 is a single zero octet, PadN is type 1, length, zeros.
  const pad = n - 2 - opts.length;
  const p = off + 2 + opts.length;
  if (pad >= 2) {
    buf[p] = 1;
    buf[p + 1] = pad - 2;
  }
  return n;
}

/**
 * Writes the IPv6 header and its extension headers at `buf[off]`; returns
 * the octets written (40 + extensions). For tests and the CLI.
 *
 * @example
 * const n = emitIPv6(buf, 0, { nextHeader: 17, src, dst, upperLen: 12, ext: [{ type: 0 }] });
 */
export function emitIPv6(buf: Uint8Array, off: number, f: Ipv6Fields): number {
  const ext = f.ext ?? [];
  let p = off + IPV6_HEADER_LEN;
  for (let i = 0; i < ext.length; i++) {
    const next = i + 1 < ext.length ? ext[i + 1]!.type : f.nextHeader;
    p += emitIpv6Ext(buf, p, ext[i]!, next);
  }
  const extLen = p - off - IPV6_HEADER_LEN;
  const v = new Ipv6View().bind(buf, off, IPV6_HEADER_LEN);
  v.setVersionTcFlow(f.trafficClass ?? 0, f.flowLabel ?? 0)
    .setPayloadLen(extLen + f.upperLen)
    .setNextHeader(ext.length > 0 ? ext[0]!.type : f.nextHeader)
    .setHopLimit(f.hopLimit ?? 64);
  buf.set(f.src.subarray(0, 16), off + IPV6_SRC);
  buf.set(f.dst.subarray(0, 16), off + IPV6_DST);
  return p - off;
}

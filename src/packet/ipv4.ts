/**
 * IPv4 header view: RFC 791 §3.1 (header format, options), RFC 1071 (header
 * checksum), and the one option RFC 7915 §4.1 cares about: an unexpired
 * Loose or Strict Source Route makes the translator drop the packet.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Version|  IHL  |Type of Service|          Total Length         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |         Identification        |Flags|      Fragment Offset    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  Time to Live |    Protocol   |         Header Checksum       |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                       Source Address                          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Destination Address                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Options                    |    Padding    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *    Flags:  bit 0 reserved, bit 1 DF (Don't Fragment), bit 2 MF (More Fragments)
 */
import { be16, be32, put16, put32, inBounds, EMPTY } from './bytes.js';
import { checksumSkipping } from './checksum.js';
import { pseudoSum4 } from '../checksum/reference.js';
import type { PacketReason } from './reasons.js';

/** Octet offsets from the start of the IPv4 header (see the diagram above). */
export const IPV4_VERSION_IHL = 0;
export const IPV4_TOS = 1;
export const IPV4_TOTAL_LEN = 2;
export const IPV4_ID = 4;
export const IPV4_FLAGS_FRAG = 6;
export const IPV4_TTL = 8;
export const IPV4_PROTOCOL = 9;
export const IPV4_CHECKSUM = 10;
export const IPV4_SRC = 12;
export const IPV4_DST = 16;
export const IPV4_OPTIONS = 20;
/** Length of the header without options, in octets. */
export const IPV4_MIN_HEADER_LEN = 20;
/** Length of the largest header (IHL 15), in octets. */
export const IPV4_MAX_HEADER_LEN = 60;

const DF = 0x4000;
const MF = 0x2000;
const FRAG_MASK = 0x1fff;

/** RFC 791 option types that the walker understands. */
export const IPV4_OPT_EOL = 0;
export const IPV4_OPT_NOP = 1;
export const IPV4_OPT_LSRR = 131;
export const IPV4_OPT_SSRR = 137;
/** Within a source-route option: type, length, pointer (octets from the option start). */
const OPT_LEN = 1;
const OPT_POINTER = 2;

/**
 * Zero-copy view over an IPv4 header and its datagram.
 *
 * Bind it to bytes, call {@link Ipv4View.check} (or `checkEmbedded` for the
 * packet quoted inside an ICMP error), and only when that returns null read
 * the accessors: after a passing check every accessor reads inside
 * `[off, off+len)`. On bytes you wrote yourself (building a header in place)
 * the setters may be used without a check.
 *
 * Trailing bytes: when the bound length exceeds Total Length (link padding),
 * check() trims `len` to Total Length and the rest is ignored; `capLen` keeps
 * what was bound. When the bound length is shorter, check() says
 * 'ipv4.truncated' (checkEmbedded() accepts it and sets `truncated`).
 *
 * One instance per worker is meant to be re-bound for every packet: nothing
 * here allocates.
 *
 * @example
 * const ip = new Ipv4View();
 * if (ip.bind(frame, 0, n).check() === null && !ip.hasSourceRoute()) {
 *   ip.setTtl(ip.ttl() - 1);
 *   ip.fillChecksum();
 * }
 */
export class Ipv4View {
  /** The bound buffer. Assign through {@link Ipv4View.bind} only. */
  buf: Uint8Array = EMPTY;
  /** Offset of the header's first octet in `buf`. */
  off = 0;
  /** Octets of the datagram in use: bound length, trimmed to Total Length by a passing check. */
  len = 0;
  /** Octets bound, before any trimming. */
  capLen = 0;
  /** After checkEmbedded(): the datagram is cut short (Total Length > bound bytes). */
  truncated = false;
  private srcRoute = -1;

  /** Points the view at `len` octets of `buf` from `off`. No validation: call check(). */
  bind(buf: Uint8Array, off: number, len: number): this {
    this.buf = buf;
    this.off = off;
    this.len = len;
    this.capLen = len;
    this.truncated = false;
    this.srcRoute = -1;
    return this;
  }

  /**
   * Validates a whole datagram: bounds, version 4, IHL >= 5, the header and
   * Total Length inside the bound bytes, Total Length >= header length, and a
   * well-formed option list. Returns null when every accessor is safe, else a
   * reason from PACKET_REASONS. Trims `len` to Total Length.
   */
  check(): PacketReason | null {
    return this.validate(false);
  }

  /**
   * Like check(), for the original datagram quoted in an ICMP error: the
   * header must be complete, but the datagram may be cut short. Then `len` is
   * the octets present and `truncated` is set; Total Length keeps its value.
   */
  checkEmbedded(): PacketReason | null {
    return this.validate(true);
  }

  private validate(embedded: boolean): PacketReason | null {
    const b = this.buf;
    const o = this.off;
    if (!inBounds(b, o, this.len) || this.len < IPV4_MIN_HEADER_LEN) return 'ipv4.truncated';
    if (b[o + IPV4_VERSION_IHL]! >>> 4 !== 4) return 'ipv4.bad-version';
    const hl = (b[o + IPV4_VERSION_IHL]! & 0x0f) * 4;
    if (hl < IPV4_MIN_HEADER_LEN) return 'ipv4.bad-ihl';
    if (hl > this.len) return 'ipv4.truncated';
    const total = be16(b, o + IPV4_TOTAL_LEN);
    if (total < hl) return 'ipv4.bad-total-length';
    if (total > this.len) {
      if (!embedded) return 'ipv4.truncated';
      this.truncated = true;
    } else {
      this.len = total;
    }
    return this.walkOptions(o + IPV4_OPTIONS, o + hl);
  }

  /**
   * RFC 791 §3.1 option list: EOL ends it, NOP is one octet, everything else
   * is type-length-value with length >= 2 counting the type and length
   * octets. Remembers the first unexpired LSRR/SSRR (pointer <= length).
   */
  private walkOptions(p: number, end: number): PacketReason | null {
    const b = this.buf;
    while (p < end) {
      const type = b[p]!;
      if (type === IPV4_OPT_EOL) break;
      if (type === IPV4_OPT_NOP) {
        p += 1;
        continue;
      }
      if (p + 1 >= end) return 'ipv4.bad-options';
      const olen = b[p + OPT_LEN]!;
      if (olen < 2 || p + olen > end) return 'ipv4.bad-options';
      if (type === IPV4_OPT_LSRR || type === IPV4_OPT_SSRR) {
        if (olen < 3) return 'ipv4.bad-options';
        if (this.srcRoute < 0 && b[p + OPT_POINTER]! <= olen) this.srcRoute = p;
      }
      p += olen;
    }
    return null;
  }

  /** Version nibble (4 after a passing check). */
  version(): number {
    return this.buf[this.off + IPV4_VERSION_IHL]! >>> 4;
  }
  /** Header length in octets (IHL × 4), 20..60. */
  headerLen(): number {
    return (this.buf[this.off + IPV4_VERSION_IHL]! & 0x0f) * 4;
  }
  /** Type of Service / Traffic Class octet (DSCP and ECN together). */
  tos(): number {
    return this.buf[this.off + IPV4_TOS]!;
  }
  /** Total Length field in octets (header plus payload). */
  totalLen(): number {
    return be16(this.buf, this.off + IPV4_TOTAL_LEN);
  }
  /** Identification field. */
  id(): number {
    return be16(this.buf, this.off + IPV4_ID);
  }
  /** Don't Fragment flag. */
  df(): boolean {
    return (be16(this.buf, this.off + IPV4_FLAGS_FRAG) & DF) !== 0;
  }
  /** More Fragments flag. */
  mf(): boolean {
    return (be16(this.buf, this.off + IPV4_FLAGS_FRAG) & MF) !== 0;
  }
  /** Fragment offset in octets (the field × 8). */
  fragOffset(): number {
    return (be16(this.buf, this.off + IPV4_FLAGS_FRAG) & FRAG_MASK) * 8;
  }
  /** True for any fragment: MF set or a nonzero offset. */
  isFragment(): boolean {
    return (be16(this.buf, this.off + IPV4_FLAGS_FRAG) & (MF | FRAG_MASK)) !== 0;
  }
  /** False for a non-first fragment (offset ≠ 0): its payload starts mid-datagram, with no transport header. */
  hasUpperHeader(): boolean {
    return (be16(this.buf, this.off + IPV4_FLAGS_FRAG) & FRAG_MASK) === 0;
  }
  /** Time to Live. */
  ttl(): number {
    return this.buf[this.off + IPV4_TTL]!;
  }
  /** Protocol number of the payload (6 TCP, 17 UDP, 1 ICMP, ...). */
  protocol(): number {
    return this.buf[this.off + IPV4_PROTOCOL]!;
  }
  /** Header Checksum field as stored. */
  checksum(): number {
    return be16(this.buf, this.off + IPV4_CHECKSUM);
  }
  /** Source address as an unsigned 32-bit number (10.0.0.1 is 0x0a000001). */
  src(): number {
    return be32(this.buf, this.off + IPV4_SRC);
  }
  /** Destination address as an unsigned 32-bit number. */
  dst(): number {
    return be32(this.buf, this.off + IPV4_DST);
  }
  /** True when the header carries options (IHL > 5). */
  hasOptions(): boolean {
    return this.headerLen() > IPV4_MIN_HEADER_LEN;
  }
  /** Options length in octets, padding included (headerLen - 20). */
  optionsLen(): number {
    return this.headerLen() - IPV4_MIN_HEADER_LEN;
  }
  /**
   * Offset in `buf` of the first unexpired Loose or Strict Source Route
   * option (RFC 791 types 131/137 with pointer <= length), or -1. Found by
   * check(); RFC 7915 §4.1 says such packets must not be translated.
   */
  sourceRouteOff(): number {
    return this.srcRoute;
  }
  /** True when check() found an unexpired LSRR/SSRR option. */
  hasSourceRoute(): boolean {
    return this.srcRoute >= 0;
  }
  /** Offset in `buf` of the payload (first octet after the options). */
  payloadOff(): number {
    return this.off + this.headerLen();
  }
  /** Payload octets present in the view (`len - headerLen`; Total Length minus header unless truncated). */
  payloadLen(): number {
    return this.len - this.headerLen();
  }
  /** Header checksum the header should carry, computed with the field taken as zero (RFC 1071). */
  computeChecksum(): number {
    return checksumSkipping(this.buf, this.off, this.headerLen(), IPV4_CHECKSUM, 0);
  }
  /** True when the stored header checksum is correct. */
  checksumOk(): boolean {
    return this.computeChecksum() === this.checksum();
  }
  /**
   * Pseudo-header sum (RFC 793 §3.1) for this packet's addresses and
   * protocol, for TCP/UDP checksums. `upperLen` in octets.
   */
  pseudoSum(upperLen: number): number {
    return pseudoSum4(this.src(), this.dst(), this.protocol(), upperLen);
  }

  /** Writes version 4 and IHL = `octets` / 4 (`octets` a multiple of 4 in 20..60). */
  setHeaderLen(octets: number): this {
    this.buf[this.off + IPV4_VERSION_IHL] = 0x40 | ((octets >>> 2) & 0x0f);
    return this;
  }
  setTos(v: number): this {
    this.buf[this.off + IPV4_TOS] = v;
    return this;
  }
  /** Sets Total Length, in octets. Does not change `len`. */
  setTotalLen(octets: number): this {
    put16(this.buf, this.off + IPV4_TOTAL_LEN, octets);
    return this;
  }
  setId(v: number): this {
    put16(this.buf, this.off + IPV4_ID, v);
    return this;
  }
  setDf(on: boolean): this {
    const v = be16(this.buf, this.off + IPV4_FLAGS_FRAG);
    put16(this.buf, this.off + IPV4_FLAGS_FRAG, on ? v | DF : v & ~DF);
    return this;
  }
  setMf(on: boolean): this {
    const v = be16(this.buf, this.off + IPV4_FLAGS_FRAG);
    put16(this.buf, this.off + IPV4_FLAGS_FRAG, on ? v | MF : v & ~MF);
    return this;
  }
  /** Sets the fragment offset from octets; the low 3 bits are dropped (the field counts 8-octet blocks). */
  setFragOffset(octets: number): this {
    const v = be16(this.buf, this.off + IPV4_FLAGS_FRAG);
    put16(this.buf, this.off + IPV4_FLAGS_FRAG, (v & ~FRAG_MASK) | ((octets >>> 3) & FRAG_MASK));
    return this;
  }
  setTtl(v: number): this {
    this.buf[this.off + IPV4_TTL] = v;
    return this;
  }
  setProtocol(v: number): this {
    this.buf[this.off + IPV4_PROTOCOL] = v;
    return this;
  }
  setChecksum(v: number): this {
    put16(this.buf, this.off + IPV4_CHECKSUM, v);
    return this;
  }
  setSrc(addr: number): this {
    put32(this.buf, this.off + IPV4_SRC, addr);
    return this;
  }
  setDst(addr: number): this {
    put32(this.buf, this.off + IPV4_DST, addr);
    return this;
  }
  /** Computes and stores the header checksum. */
  fillChecksum(): this {
    return this.setChecksum(this.computeChecksum());
  }
}

/**
 * Fields for {@link emitIPv4}. Lengths in octets; `fragOffset` in octets
 * (a multiple of 8).
 */
export interface Ipv4Fields {
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** Octets, multiple of 8. */
  fragOffset?: number;
  ttl?: number;
  protocol: number;
  /** Unsigned 32-bit address. */
  src: number;
  /** Unsigned 32-bit address. */
  dst: number;
  /** Raw option bytes; emit pads them with EOL (zero) octets to a multiple of 4, at most 40. */
  options?: Uint8Array;
  /** Octets that follow the header; Total Length = header length + this. */
  payloadLen: number;
  /** Written instead of the computed header checksum (to build broken packets). */
  checksum?: number;
}

/**
 * Writes an IPv4 header with a correct checksum at `buf[off]` and returns
 * its length in octets. For tests and the CLI, not the fast path.
 *
 * @example
 * const n = emitIPv4(buf, 0, { protocol: 17, src: 0xc0000201, dst: 0xc6336401, payloadLen: 12 });
 */
export function emitIPv4(buf: Uint8Array, off: number, f: Ipv4Fields): number {
  const optLen = f.options === undefined ? 0 : (f.options.length + 3) & ~3;
  if (optLen > IPV4_MAX_HEADER_LEN - IPV4_MIN_HEADER_LEN) throw new RangeError(`emitIPv4: options of ${optLen} octets exceed 40`);
  const hl = IPV4_MIN_HEADER_LEN + optLen;
  const v = new Ipv4View().bind(buf, off, hl);
  v.setHeaderLen(hl).setTos(f.tos ?? 0).setTotalLen(hl + f.payloadLen).setId(f.id ?? 0);
  put16(buf, off + IPV4_FLAGS_FRAG, 0);
  v.setDf(f.df ?? false).setMf(f.mf ?? false).setFragOffset(f.fragOffset ?? 0);
  v.setTtl(f.ttl ?? 64).setProtocol(f.protocol).setSrc(f.src).setDst(f.dst);
  if (f.options !== undefined) {
    buf.set(f.options, off + IPV4_OPTIONS);
    buf.fill(IPV4_OPT_EOL, off + IPV4_OPTIONS + f.options.length, off + hl);
  }
  v.setChecksum(0);
  v.setChecksum(f.checksum ?? v.computeChecksum());
  return hl;
}

/**
 * ICMPv6 header view: RFC 4443 §2.1 (general format), §3 (error messages),
 * §4 (echo), §2.3 (checksum over the RFC 8200 §8.1 pseudo-header), and
 * RFC 4884 §4 (length of the original datagram field in Destination
 * Unreachable and Time Exceeded).
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |     Type      |     Code      |          Checksum             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                     rest of header (below)                    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    As much of invoking packet                 |
 *    +               as possible without the ICMPv6 packet           +
 *    |               exceeding the minimum IPv6 MTU [IPv6]           |
 *
 *  Destination Unreachable (1), Time Exceeded (3) (RFC 4884):
 *    |     Length    |                  Unused                       |
 *  Packet Too Big (2):
 *    |                             MTU                               |
 *  Parameter Problem (4):
 *    |                            Pointer                            |
 *  Echo Request / Reply (128 / 129):
 *    |           Identifier          |        Sequence Number        |
 *
 * Length counts 64-bit words of the original datagram field.
 */
import { be16, be32, put16, put32, inBounds, EMPTY } from './bytes.js';
import { checksumSkipping } from './checksum.js';
import type { PacketReason } from './reasons.js';

export const ICMPV6_TYPE = 0;
export const ICMPV6_CODE = 1;
export const ICMPV6_CHECKSUM = 2;
export const ICMPV6_REST = 4;
export const ICMPV6_LENGTH = 4;
export const ICMPV6_MTU = 4;
export const ICMPV6_POINTER = 4;
export const ICMPV6_ID = 4;
export const ICMPV6_SEQ = 6;
/** Header length in octets; an error's invoking packet starts here. */
export const ICMPV6_HEADER_LEN = 8;
/** RFC 4884 Length unit, octets. */
const ICMPV6_LENGTH_UNIT = 8;

export const ICMPV6_DEST_UNREACH = 1;
export const ICMPV6_PACKET_TOO_BIG = 2;
export const ICMPV6_TIME_EXCEEDED = 3;
export const ICMPV6_PARAM_PROBLEM = 4;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;
/** IPv6 Next Header value of ICMPv6. */
export const IPPROTO_ICMPV6 = 58;

/**
 * Zero-copy view over an ICMPv6 message. Bind it to the upper-layer bytes;
 * after {@link Icmpv6View.check} returns null every accessor reads inside
 * `[off, off+len)`. The checksum needs the IPv6 pseudo-header sum
 * (Ipv6View.pseudoSum(58, len)).
 *
 * @example
 * const icmp = new Icmpv6View().bind(buf, ip6.upperOff(), ip6.upperLen());
 * if (icmp.check() === null && icmp.checksumOk(ip6.pseudoSum(58, icmp.len))) ...
 */
export class Icmpv6View {
  buf: Uint8Array = EMPTY;
  off = 0;
  len = 0;

  /** Points the view at the `len` octets of the ICMPv6 message at `buf[off]`. */
  bind(buf: Uint8Array, off: number, len: number): this {
    this.buf = buf;
    this.off = off;
    this.len = len;
    return this;
  }
  /** Null when the 8-octet header is inside the bound bytes, else 'icmpv6.truncated'. */
  check(): PacketReason | null {
    if (!inBounds(this.buf, this.off, this.len) || this.len < ICMPV6_HEADER_LEN) return 'icmpv6.truncated';
    return null;
  }
  type(): number {
    return this.buf[this.off + ICMPV6_TYPE]!;
  }
  code(): number {
    return this.buf[this.off + ICMPV6_CODE]!;
  }
  checksum(): number {
    return be16(this.buf, this.off + ICMPV6_CHECKSUM);
  }
  /** The second 32-bit word, whatever the type. */
  restOfHeader(): number {
    return be32(this.buf, this.off + ICMPV6_REST);
  }
  /** Echo identifier. */
  id(): number {
    return be16(this.buf, this.off + ICMPV6_ID);
  }
  /** Echo sequence number. */
  seq(): number {
    return be16(this.buf, this.off + ICMPV6_SEQ);
  }
  /** Packet Too Big MTU in octets (32 bits). */
  mtu(): number {
    return be32(this.buf, this.off + ICMPV6_MTU);
  }
  /** Parameter Problem pointer: octet offset into the invoking packet (32 bits). */
  pointer(): number {
    return be32(this.buf, this.off + ICMPV6_POINTER);
  }
  /** RFC 4443 §2.1: types 0..127 are errors. */
  isError(): boolean {
    return this.type() < 128;
  }
  /** True for the types with an RFC 4884 Length field: 1 and 3. */
  hasLengthField(): boolean {
    const t = this.type();
    return t === ICMPV6_DEST_UNREACH || t === ICMPV6_TIME_EXCEEDED;
  }
  /** Raw RFC 4884 Length field in 64-bit words (0 for types without it). */
  lengthWords(): number {
    return this.hasLengthField() ? this.buf[this.off + ICMPV6_LENGTH]! : 0;
  }
  /**
   * RFC 4884 length of the original datagram field in octets, or 0 when the
   * field is absent, zero, or claims more octets than the message holds.
   */
  origDatagramLen(): number {
    const n = this.lengthWords() * ICMPV6_LENGTH_UNIT;
    return n <= this.len - ICMPV6_HEADER_LEN ? n : 0;
  }
  /** Index in `buf` of the invoking packet (the inner IPv6 header). */
  innerOff(): number {
    return this.off + ICMPV6_HEADER_LEN;
  }
  /** Octets of the invoking packet: origDatagramLen() when set, else everything after the header. */
  innerLen(): number {
    return this.origDatagramLen() || this.len - ICMPV6_HEADER_LEN;
  }
  /** Index in `buf` of the RFC 4884 extension structure, or -1 when there is none. */
  extOff(): number {
    const n = this.origDatagramLen();
    return n > 0 && n < this.len - ICMPV6_HEADER_LEN ? this.off + ICMPV6_HEADER_LEN + n : -1;
  }
  /** Checksum the message should carry, given the pseudo-header sum `pseudo` (field taken as zero). */
  computeChecksum(pseudo: number): number {
    return checksumSkipping(this.buf, this.off, this.len, ICMPV6_CHECKSUM, pseudo);
  }
  checksumOk(pseudo: number): boolean {
    return this.computeChecksum(pseudo) === this.checksum();
  }

  setType(v: number): this {
    this.buf[this.off + ICMPV6_TYPE] = v;
    return this;
  }
  setCode(v: number): this {
    this.buf[this.off + ICMPV6_CODE] = v;
    return this;
  }
  setChecksum(v: number): this {
    put16(this.buf, this.off + ICMPV6_CHECKSUM, v);
    return this;
  }
  setRestOfHeader(v: number): this {
    put32(this.buf, this.off + ICMPV6_REST, v);
    return this;
  }
  setId(v: number): this {
    put16(this.buf, this.off + ICMPV6_ID, v);
    return this;
  }
  setSeq(v: number): this {
    put16(this.buf, this.off + ICMPV6_SEQ, v);
    return this;
  }
  setMtu(octets: number): this {
    put32(this.buf, this.off + ICMPV6_MTU, octets);
    return this;
  }
  setPointer(v: number): this {
    put32(this.buf, this.off + ICMPV6_POINTER, v);
    return this;
  }
  /** Writes the RFC 4884 Length from octets (rounded down to 64-bit words; the sender pads). */
  setOrigDatagramLen(octets: number): this {
    this.buf[this.off + ICMPV6_LENGTH] = octets / ICMPV6_LENGTH_UNIT;
    return this;
  }
  fillChecksum(pseudo: number): this {
    return this.setChecksum(this.computeChecksum(pseudo));
  }
}

/** Fields for {@link emitIcmpv6}. */
export interface Icmpv6Fields {
  type: number;
  code: number;
  /** Second 32-bit word (length, MTU, pointer, id/seq), written as is. */
  rest?: number;
  /** Octets that follow the 8-octet header (already in the buffer). */
  bodyLen: number;
  /** Written instead of the computed checksum. */
  checksum?: number;
}

/**
 * Writes an ICMPv6 header at `buf[off]`; the checksum covers the pseudo-header
 * sum `pseudo` (see Ipv6View.pseudoSum, or pseudoSum6 in src/checksum), the header and the `bodyLen` octets already
 * written after it. Returns 8. For tests and the CLI.
 *
 * @example
 * emitIcmpv6(buf, 40, { type: 128, code: 0, rest: 0x00010001, bodyLen: 8 }, pseudoSum6(buf, 8, 24, 58, 16));
 */
export function emitIcmpv6(buf: Uint8Array, off: number, f: Icmpv6Fields, pseudo: number): number {
  const v = new Icmpv6View().bind(buf, off, ICMPV6_HEADER_LEN + f.bodyLen);
  v.setType(f.type).setCode(f.code).setRestOfHeader(f.rest ?? 0).setChecksum(0);
  v.setChecksum(f.checksum ?? v.computeChecksum(pseudo));
  return ICMPV6_HEADER_LEN;
}

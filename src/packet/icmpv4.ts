/**
 * ICMPv4 header view: RFC 792 (message formats), RFC 1191 §4 (Next-Hop MTU
 * in Fragmentation Needed), RFC 4884 §4 (length of the "original datagram"
 * field in Destination Unreachable, Time Exceeded and Parameter Problem).
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |     Type      |     Code      |          Checksum             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                     rest of header (below)                    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |      Internet Header + leading octets of original datagram    |
 *
 *  Echo / Echo Reply (8 / 0):
 *    |           Identifier          |        Sequence Number        |
 *  Destination Unreachable (3), Time Exceeded (11) (RFC 4884, RFC 1191):
 *    |     unused    |    Length     |          Next-Hop MTU         |
 *  Parameter Problem (12) (RFC 4884):
 *    |    Pointer    |    Length     |          unused               |
 *
 * Length counts 32-bit words of the original datagram field.
 */
import { be16, be32, put16, put32, inBounds, EMPTY } from './bytes.js';
import { checksumSkipping } from './checksum.js';
import type { PacketReason } from './reasons.js';

export const ICMPV4_TYPE = 0;
export const ICMPV4_CODE = 1;
export const ICMPV4_CHECKSUM = 2;
export const ICMPV4_REST = 4;
export const ICMPV4_ID = 4;
export const ICMPV4_SEQ = 6;
export const ICMPV4_POINTER = 4;
export const ICMPV4_LENGTH = 5;
export const ICMPV4_MTU = 6;
/** Header length in octets; an error's original datagram starts here. */
export const ICMPV4_HEADER_LEN = 8;
/** RFC 4884 Length unit, octets. */
const ICMPV4_LENGTH_UNIT = 4;

/** IPv4 Protocol value of ICMP. */
export const IPPROTO_ICMP = 1;

export const ICMPV4_ECHO_REPLY = 0;
export const ICMPV4_DEST_UNREACH = 3;
export const ICMPV4_SOURCE_QUENCH = 4;
export const ICMPV4_REDIRECT = 5;
export const ICMPV4_ECHO_REQUEST = 8;
export const ICMPV4_TIME_EXCEEDED = 11;
export const ICMPV4_PARAM_PROBLEM = 12;

/**
 * Zero-copy view over an ICMPv4 message. Bind it to the IP payload; after
 * {@link Icmpv4View.check} returns null every accessor reads inside
 * `[off, off+len)`. The original datagram of an error is left to an
 * Ipv4View bound at innerOff()/innerLen() with checkEmbedded().
 *
 * @example
 * const icmp = new Icmpv4View().bind(buf, ip.payloadOff(), ip.payloadLen());
 * if (icmp.check() === null && icmp.isError()) inner.bind(buf, icmp.innerOff(), icmp.innerLen()).checkEmbedded();
 */
export class Icmpv4View {
  buf: Uint8Array = EMPTY;
  off = 0;
  len = 0;

  /** Points the view at the `len` octets of the ICMP message at `buf[off]`. */
  bind(buf: Uint8Array, off: number, len: number): this {
    this.buf = buf;
    this.off = off;
    this.len = len;
    return this;
  }
  /** Null when the 8-octet header is inside the bound bytes, else 'icmpv4.truncated'. */
  check(): PacketReason | null {
    if (!inBounds(this.buf, this.off, this.len) || this.len < ICMPV4_HEADER_LEN) return 'icmpv4.truncated';
    return null;
  }
  type(): number {
    return this.buf[this.off + ICMPV4_TYPE]!;
  }
  code(): number {
    return this.buf[this.off + ICMPV4_CODE]!;
  }
  checksum(): number {
    return be16(this.buf, this.off + ICMPV4_CHECKSUM);
  }
  /** The second 32-bit word, whatever the type. */
  restOfHeader(): number {
    return be32(this.buf, this.off + ICMPV4_REST);
  }
  /** Echo identifier. */
  id(): number {
    return be16(this.buf, this.off + ICMPV4_ID);
  }
  /** Echo sequence number. */
  seq(): number {
    return be16(this.buf, this.off + ICMPV4_SEQ);
  }
  /** Next-Hop MTU of Fragmentation Needed (type 3 code 4), octets; 0 from pre-RFC 1191 routers. */
  mtu(): number {
    return be16(this.buf, this.off + ICMPV4_MTU);
  }
  /** Parameter Problem pointer: octet offset into the original datagram. */
  pointer(): number {
    return this.buf[this.off + ICMPV4_POINTER]!;
  }
  /** True for the types that quote an original datagram: 3, 4, 5, 11, 12. */
  isError(): boolean {
    const t = this.type();
    return (
      t === ICMPV4_DEST_UNREACH ||
      t === ICMPV4_SOURCE_QUENCH ||
      t === ICMPV4_REDIRECT ||
      t === ICMPV4_TIME_EXCEEDED ||
      t === ICMPV4_PARAM_PROBLEM
    );
  }
  /** True for the types with an RFC 4884 Length field: 3, 11, 12. */
  hasLengthField(): boolean {
    const t = this.type();
    return t === ICMPV4_DEST_UNREACH || t === ICMPV4_TIME_EXCEEDED || t === ICMPV4_PARAM_PROBLEM;
  }
  /** Raw RFC 4884 Length field in 32-bit words (0 for types without it). */
  lengthWords(): number {
    return this.hasLengthField() ? this.buf[this.off + ICMPV4_LENGTH]! : 0;
  }
  /**
   * RFC 4884 length of the original datagram field in octets, or 0 when the
   * field is absent, zero, or claims more octets than the message holds (then
   * the message is read as RFC 792: the whole rest is the original datagram).
   */
  origDatagramLen(): number {
    const n = this.lengthWords() * ICMPV4_LENGTH_UNIT;
    return n <= this.len - ICMPV4_HEADER_LEN ? n : 0;
  }
  /** Index in `buf` of the original datagram (the inner IPv4 header). */
  innerOff(): number {
    return this.off + ICMPV4_HEADER_LEN;
  }
  /** Octets of the original datagram: origDatagramLen() when set, else everything after the header. */
  innerLen(): number {
    return this.origDatagramLen() || this.len - ICMPV4_HEADER_LEN;
  }
  /** Index in `buf` of the RFC 4884 extension structure, or -1 when there is none. */
  extOff(): number {
    const n = this.origDatagramLen();
    return n > 0 && n < this.len - ICMPV4_HEADER_LEN ? this.off + ICMPV4_HEADER_LEN + n : -1;
  }
  /** Checksum the message should carry (RFC 792: over the whole message, field as zero). */
  computeChecksum(): number {
    return checksumSkipping(this.buf, this.off, this.len, ICMPV4_CHECKSUM, 0);
  }
  checksumOk(): boolean {
    return this.computeChecksum() === this.checksum();
  }

  setType(v: number): this {
    this.buf[this.off + ICMPV4_TYPE] = v;
    return this;
  }
  setCode(v: number): this {
    this.buf[this.off + ICMPV4_CODE] = v;
    return this;
  }
  setChecksum(v: number): this {
    put16(this.buf, this.off + ICMPV4_CHECKSUM, v);
    return this;
  }
  setRestOfHeader(v: number): this {
    put32(this.buf, this.off + ICMPV4_REST, v);
    return this;
  }
  setId(v: number): this {
    put16(this.buf, this.off + ICMPV4_ID, v);
    return this;
  }
  setSeq(v: number): this {
    put16(this.buf, this.off + ICMPV4_SEQ, v);
    return this;
  }
  setMtu(octets: number): this {
    put16(this.buf, this.off + ICMPV4_MTU, octets);
    return this;
  }
  setPointer(v: number): this {
    this.buf[this.off + ICMPV4_POINTER] = v;
    return this;
  }
  /** Writes the RFC 4884 Length from octets (rounded down to 32-bit words; the sender pads). */
  setOrigDatagramLen(octets: number): this {
    this.buf[this.off + ICMPV4_LENGTH] = octets / ICMPV4_LENGTH_UNIT;
    return this;
  }
  fillChecksum(): this {
    return this.setChecksum(this.computeChecksum());
  }
}

/** Fields for {@link emitIcmpv4}. */
export interface Icmpv4Fields {
  type: number;
  code: number;
  /** Second 32-bit word (id/seq, pointer/length, length/MTU), written as is. */
  rest?: number;
  /** Octets that follow the 8-octet header (already in the buffer). */
  bodyLen: number;
  /** Written instead of the computed checksum. */
  checksum?: number;
}

/**
 * Writes an ICMPv4 header at `buf[off]` with the checksum over the header
 * and the `bodyLen` octets already written after it; returns 8. Write the
 * body first. For tests and the CLI.
 *
 * @example
 * emitIcmpv4(buf, 20, { type: 8, code: 0, rest: (id << 16) | seq, bodyLen: 56 });
 */
export function emitIcmpv4(buf: Uint8Array, off: number, f: Icmpv4Fields): number {
  const v = new Icmpv4View().bind(buf, off, ICMPV4_HEADER_LEN + f.bodyLen);
  v.setType(f.type).setCode(f.code).setRestOfHeader(f.rest ?? 0).setChecksum(0);
  v.setChecksum(f.checksum ?? v.computeChecksum());
  return ICMPV4_HEADER_LEN;
}

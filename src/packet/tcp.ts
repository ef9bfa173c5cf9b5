/**
 * TCP header view: RFC 9293 §3.1 (header format), checksum over the
 * pseudo-header of RFC 9293 §3.1 / RFC 8200 §8.1. The translator only
 * rewrites the checksum (RFC 7915 §4.5, §5.5), so that is what this view is
 * mostly for.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |          Source Port          |       Destination Port        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                        Sequence Number                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Acknowledgment Number                      |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  Data |       |C|E|U|A|P|R|S|F|                               |
 *    | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *    |       |       |R|E|G|K|H|T|N|N|                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           Checksum            |         Urgent Pointer        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           [Options]                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { be16, be32, put16, put32, inBounds, EMPTY } from './bytes.js';
import { checksumSkipping } from './checksum.js';
import type { PacketReason } from './reasons.js';

export const TCP_SRC_PORT = 0;
export const TCP_DST_PORT = 2;
export const TCP_SEQ = 4;
export const TCP_ACK = 8;
export const TCP_DATA_OFFSET = 12;
export const TCP_FLAGS = 13;
export const TCP_WINDOW = 14;
export const TCP_CHECKSUM = 16;
export const TCP_URGENT = 18;
export const TCP_OPTIONS = 20;
/** Header length without options, octets. */
export const TCP_MIN_HEADER_LEN = 20;
/** Octets of an embedded TCP header that RFC 792 guarantees in an ICMPv4 error (ports and sequence number). */
export const TCP_EMBEDDED_MIN_LEN = 8;
export const IPPROTO_TCP = 6;

/** Flag bits of the octet at TCP_FLAGS. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK_FLAG = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

/**
 * Zero-copy view over a TCP segment. After {@link TcpView.check} returns
 * null every accessor reads inside `[off, off+len)`.
 *
 * For a segment quoted in an ICMP error use checkEmbedded(): it needs only
 * the first 8 octets. When it sets `truncated` (fewer than 20 octets), only
 * srcPort(), dstPort() and seq() are in range; otherwise the fixed header is,
 * and headerLen() may still exceed `len` if options were cut.
 *
 * @example
 * const tcp = new TcpView().bind(buf, ip.payloadOff(), ip.payloadLen());
 * if (tcp.check() === null) tcp.fillChecksum(ip.pseudoSum(tcp.len));
 */
export class TcpView {
  buf: Uint8Array = EMPTY;
  off = 0;
  len = 0;
  /** After checkEmbedded(): fewer than 20 octets present. */
  truncated = false;

  /** Points the view at the `len` octets of the segment at `buf[off]` (the IP payload length). */
  bind(buf: Uint8Array, off: number, len: number): this {
    this.buf = buf;
    this.off = off;
    this.len = len;
    this.truncated = false;
    return this;
  }
  /** Validates 20 octets, Data Offset >= 5 and the options inside the bound bytes. */
  check(): PacketReason | null {
    if (!inBounds(this.buf, this.off, this.len) || this.len < TCP_MIN_HEADER_LEN) return 'tcp.truncated';
    const hl = this.headerLen();
    if (hl < TCP_MIN_HEADER_LEN) return 'tcp.bad-data-offset';
    if (hl > this.len) return 'tcp.truncated';
    return null;
  }
  /** For a segment inside an ICMP error: at least 8 octets; see the class comment. */
  checkEmbedded(): PacketReason | null {
    if (!inBounds(this.buf, this.off, this.len) || this.len < TCP_EMBEDDED_MIN_LEN) return 'tcp.truncated';
    if (this.len < TCP_MIN_HEADER_LEN) {
      this.truncated = true;
      return null;
    }
    if (this.headerLen() < TCP_MIN_HEADER_LEN) return 'tcp.bad-data-offset';
    return null;
  }
  srcPort(): number {
    return be16(this.buf, this.off + TCP_SRC_PORT);
  }
  dstPort(): number {
    return be16(this.buf, this.off + TCP_DST_PORT);
  }
  seq(): number {
    return be32(this.buf, this.off + TCP_SEQ);
  }
  ack(): number {
    return be32(this.buf, this.off + TCP_ACK);
  }
  /** Header length in octets (Data Offset × 4), 20..60 after a passing check. */
  headerLen(): number {
    return (this.buf[this.off + TCP_DATA_OFFSET]! >>> 4) * 4;
  }
  /** The eight flag bits (CWR..FIN); test with TCP_SYN etc. */
  flags(): number {
    return this.buf[this.off + TCP_FLAGS]!;
  }
  window(): number {
    return be16(this.buf, this.off + TCP_WINDOW);
  }
  checksum(): number {
    return be16(this.buf, this.off + TCP_CHECKSUM);
  }
  /** Index in `buf` of the checksum field (for RFC 1624 incremental updates). */
  checksumOff(): number {
    return this.off + TCP_CHECKSUM;
  }
  urgentPointer(): number {
    return be16(this.buf, this.off + TCP_URGENT);
  }
  /** Index in `buf` of the first data octet. */
  payloadOff(): number {
    return this.off + this.headerLen();
  }
  /** Data octets present (0 when options were cut in an embedded segment). */
  payloadLen(): number {
    const n = this.len - this.headerLen();
    return n > 0 ? n : 0;
  }
  /** Checksum the segment should carry, given the pseudo-header sum (field taken as zero). */
  computeChecksum(pseudo: number): number {
    return checksumSkipping(this.buf, this.off, this.len, TCP_CHECKSUM, pseudo);
  }
  checksumOk(pseudo: number): boolean {
    return this.computeChecksum(pseudo) === this.checksum();
  }

  setSrcPort(v: number): this {
    put16(this.buf, this.off + TCP_SRC_PORT, v);
    return this;
  }
  setDstPort(v: number): this {
    put16(this.buf, this.off + TCP_DST_PORT, v);
    return this;
  }
  setSeq(v: number): this {
    put32(this.buf, this.off + TCP_SEQ, v);
    return this;
  }
  setAck(v: number): this {
    put32(this.buf, this.off + TCP_ACK, v);
    return this;
  }
  /** Writes Data Offset from octets (a multiple of 4 in 20..60) and clears the reserved bits. */
  setHeaderLen(octets: number): this {
    this.buf[this.off + TCP_DATA_OFFSET] = ((octets >>> 2) & 0x0f) << 4;
    return this;
  }
  setFlags(v: number): this {
    this.buf[this.off + TCP_FLAGS] = v;
    return this;
  }
  setWindow(v: number): this {
    put16(this.buf, this.off + TCP_WINDOW, v);
    return this;
  }
  setChecksum(v: number): this {
    put16(this.buf, this.off + TCP_CHECKSUM, v);
    return this;
  }
  setUrgentPointer(v: number): this {
    put16(this.buf, this.off + TCP_URGENT, v);
    return this;
  }
  fillChecksum(pseudo: number): this {
    return this.setChecksum(this.computeChecksum(pseudo));
  }
}

/** Fields for {@link emitTcp}. */
export interface TcpFields {
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  /** Flag bits (TCP_SYN | TCP_ACK_FLAG ...). */
  flags?: number;
  window?: number;
  urgentPointer?: number;
  /** Raw option bytes; emit pads with EOL (zero) to a multiple of 4, at most 40. */
  options?: Uint8Array;
  /** Data octets after the header (already in the buffer). */
  payloadLen: number;
  /** Written instead of the computed checksum. */
  checksum?: number;
}

/** Header length in octets that {@link emitTcp} writes for `f`. */
export function tcpHeaderLen(f: Pick<TcpFields, 'options'>): number {
  return TCP_MIN_HEADER_LEN + (f.options === undefined ? 0 : (f.options.length + 3) & ~3);
}

/**
 * Writes a TCP header at `buf[off]` whose data (`payloadLen` octets) is
 * already in place after the header; the checksum covers the pseudo-header
 * sum `pseudo`. Returns the header length in octets. For tests and the CLI.
 *
 * @example
 * const hl = tcpHeaderLen(f); buf.set(data, off + hl);
 * emitTcp(buf, off, { srcPort: 443, dstPort: 50000, flags: TCP_SYN, payloadLen: data.length }, pseudo);
 */
export function emitTcp(buf: Uint8Array, off: number, f: TcpFields, pseudo: number): number {
  const hl = tcpHeaderLen(f);
  if (hl > 60) throw new RangeError(`emitTcp: options of ${hl - 20} octets exceed 40`);
  const v = new TcpView().bind(buf, off, hl + f.payloadLen);
  v.setSrcPort(f.srcPort).setDstPort(f.dstPort).setSeq(f.seq ?? 0).setAck(f.ack ?? 0).setHeaderLen(hl);
  v.setFlags(f.flags ?? 0).setWindow(f.window ?? 65535).setUrgentPointer(f.urgentPointer ?? 0).setChecksum(0);
  if (f.options !== undefined) {
    buf.set(f.options, off + TCP_OPTIONS);
    buf.fill(0, off + TCP_OPTIONS + f.options.length, off + hl);
  }
  v.setChecksum(f.checksum ?? v.computeChecksum(pseudo));
  return hl;
}

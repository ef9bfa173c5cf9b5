/**
 * UDP header view: RFC 768, with the IPv6 rules of RFC 8200 §8.1 (checksum
 * mandatory) that RFC 7915 §4.5 and §5.5 translate between.
 *
 *                  0      7 8     15 16    23 24    31
 *                 +--------+--------+--------+--------+
 *                 |     Source      |   Destination   |
 *                 |      Port       |      Port       |
 *                 +--------+--------+--------+--------+
 *                 |                 |                 |
 *                 |     Length      |    Checksum     |
 *                 +--------+--------+--------+--------+
 *                 |
 *                 |          data octets ...
 *                 +---------------- ...
 */
import { be16, put16, inBounds, EMPTY } from './bytes.js';
import { checksumSkipping } from './checksum.js';
import type { PacketReason } from './reasons.js';

export const UDP_SRC_PORT = 0;
export const UDP_DST_PORT = 2;
export const UDP_LENGTH = 4;
export const UDP_CHECKSUM = 6;
/** Header length, octets. */
export const UDP_HEADER_LEN = 8;
export const IPPROTO_UDP = 17;

/**
 * Zero-copy view over a UDP datagram. After {@link UdpView.check} returns
 * null every accessor reads inside `[off, off+len)`.
 *
 * Bind it to the IP payload. check() then trims `len` to the UDP Length
 * when the IP payload is longer (the extra octets are not UDP's) and says
 * 'udp.truncated' when it is shorter. checkEmbedded() (for a datagram quoted
 * in an ICMP error) accepts the shorter case and sets `truncated`.
 *
 * @example
 * const udp = new UdpView().bind(buf, ip.payloadOff(), ip.payloadLen());
 * if (udp.check() === null && udp.checksum() === 0) { ... IPv4 zero checksum, RFC 7915 §4.5 ... }
 */
export class UdpView {
  buf: Uint8Array = EMPTY;
  off = 0;
  len = 0;
  /** After checkEmbedded(): the UDP Length claims more octets than are present. */
  truncated = false;

  /** Points the view at `len` octets of `buf` from `off`. */
  bind(buf: Uint8Array, off: number, len: number): this {
    this.buf = buf;
    this.off = off;
    this.len = len;
    this.truncated = false;
    return this;
  }
  /** Validates 8 octets and 8 <= UDP Length <= bound octets; trims `len` to the UDP Length. */
  check(): PacketReason | null {
    return this.validate(false);
  }
  /** Like check(), but a UDP Length past the bound octets only sets `truncated`. */
  checkEmbedded(): PacketReason | null {
    return this.validate(true);
  }
  private validate(embedded: boolean): PacketReason | null {
    if (!inBounds(this.buf, this.off, this.len) || this.len < UDP_HEADER_LEN) return 'udp.truncated';
    const ulen = this.length();
    if (ulen < UDP_HEADER_LEN) return 'udp.bad-length';
    if (ulen > this.len) {
      if (!embedded) return 'udp.truncated';
      this.truncated = true;
    } else {
      this.len = ulen;
    }
    return null;
  }
  srcPort(): number {
    return be16(this.buf, this.off + UDP_SRC_PORT);
  }
  dstPort(): number {
    return be16(this.buf, this.off + UDP_DST_PORT);
  }
  /** UDP Length field in octets (header plus data). */
  length(): number {
    return be16(this.buf, this.off + UDP_LENGTH);
  }
  /** Checksum field; 0 means "none" (allowed over IPv4 only). */
  checksum(): number {
    return be16(this.buf, this.off + UDP_CHECKSUM);
  }
  /** Index in `buf` of the checksum field (for RFC 1624 incremental updates). */
  checksumOff(): number {
    return this.off + UDP_CHECKSUM;
  }
  /** Index in `buf` of the first data octet. */
  payloadOff(): number {
    return this.off + UDP_HEADER_LEN;
  }
  /** Data octets present. */
  payloadLen(): number {
    return this.len - UDP_HEADER_LEN;
  }
  /**
   * Checksum the datagram should carry, given the pseudo-header sum (field
   * taken as zero). A computed 0 is returned as 0xffff (RFC 768: zero is
   * reserved for "no checksum").
   */
  computeChecksum(pseudo: number): number {
    return checksumSkipping(this.buf, this.off, this.len, UDP_CHECKSUM, pseudo) || 0xffff;
  }
  /** True when the stored checksum is the computed one. A zero (absent) checksum is not "ok": test for it first. */
  checksumOk(pseudo: number): boolean {
    return this.computeChecksum(pseudo) === this.checksum();
  }

  setSrcPort(v: number): this {
    put16(this.buf, this.off + UDP_SRC_PORT, v);
    return this;
  }
  setDstPort(v: number): this {
    put16(this.buf, this.off + UDP_DST_PORT, v);
    return this;
  }
  /** Sets the UDP Length in octets. Does not change `len`. */
  setLength(octets: number): this {
    put16(this.buf, this.off + UDP_LENGTH, octets);
    return this;
  }
  setChecksum(v: number): this {
    put16(this.buf, this.off + UDP_CHECKSUM, v);
    return this;
  }
  fillChecksum(pseudo: number): this {
    return this.setChecksum(this.computeChecksum(pseudo));
  }
}

/** Fields for {@link emitUdp}. */
export interface UdpFields {
  srcPort: number;
  dstPort: number;
  /** Data octets after the header (already in the buffer). */
  payloadLen: number;
  /** Written instead of the computed checksum; 0 writes "no checksum". */
  checksum?: number;
}

/**
 * Writes a UDP header at `buf[off]` whose data is already in place; the
 * checksum covers the pseudo-header sum `pseudo`. Returns 8. For tests and
 * the CLI.
 *
 * @example
 * buf.set(data, off + 8);
 * emitUdp(buf, off, { srcPort: 53, dstPort: 40000, payloadLen: data.length }, pseudo);
 */
export function emitUdp(buf: Uint8Array, off: number, f: UdpFields, pseudo: number): number {
  const v = new UdpView().bind(buf, off, UDP_HEADER_LEN + f.payloadLen);
  v.setSrcPort(f.srcPort).setDstPort(f.dstPort).setLength(UDP_HEADER_LEN + f.payloadLen).setChecksum(0);
  v.setChecksum(f.checksum ?? v.computeChecksum(pseudo));
  return UDP_HEADER_LEN;
}

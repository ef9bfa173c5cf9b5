/**
 * IPv6 Fragment header view: RFC 8200 §4.5.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                         Identification                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The Ipv6View walk already records these values; this view is for writing
 * a Fragment header in place (6to4 reads, 4to6 writes) and for tests.
 */
import { be16, be32, put16, put32, inBounds, EMPTY } from './bytes.js';
import type { PacketReason } from './reasons.js';

export const FRAG6_NEXT_HEADER = 0;
export const FRAG6_RESERVED = 1;
/** 16 bits: 13-bit offset in 8-octet units, 2 reserved bits, M flag. */
export const FRAG6_OFFSET_FLAGS = 2;
export const FRAG6_ID = 4;
/** The Fragment header is always 8 octets. */
export const FRAG6_LEN = 8;
/** IPv6 Next Header value of a Fragment header. */
export const IPPROTO_FRAGMENT = 44;

/** Mask of the offset bits within the 16-bit offset/flags word; the value is already in octets. */
export const FRAG6_OFFSET_MASK = 0xfff8;
export const FRAG6_M = 0x0001;

/**
 * Zero-copy view over one IPv6 Fragment header. After {@link Frag6View.check}
 * returns null, every accessor reads inside the 8 bound octets.
 *
 * @example
 * const fh = new Frag6View().bind(buf, 40, 8);
 * if (fh.check() === null) console.log(fh.fragOffset(), fh.more(), fh.id());
 */
export class Frag6View {
  buf: Uint8Array = EMPTY;
  off = 0;
  len = 0;

  /** Points the view at `len` octets of `buf` from `off`. */
  bind(buf: Uint8Array, off: number, len: number): this {
    this.buf = buf;
    this.off = off;
    this.len = len;
    return this;
  }
  /** Null when 8 octets are bound, else 'frag6.truncated'. Extra bound octets are ignored (`len` becomes 8). */
  check(): PacketReason | null {
    if (!inBounds(this.buf, this.off, this.len) || this.len < FRAG6_LEN) return 'frag6.truncated';
    this.len = FRAG6_LEN;
    return null;
  }
  /** Protocol of the first header of the fragmentable part. */
  nextHeader(): number {
    return this.buf[this.off + FRAG6_NEXT_HEADER]!;
  }
  /** Fragment offset in octets (a multiple of 8). */
  fragOffset(): number {
    return be16(this.buf, this.off + FRAG6_OFFSET_FLAGS) & FRAG6_OFFSET_MASK;
  }
  /** M flag: more fragments follow. */
  more(): boolean {
    return (be16(this.buf, this.off + FRAG6_OFFSET_FLAGS) & FRAG6_M) !== 0;
  }
  /** 32-bit Identification. */
  id(): number {
    return be32(this.buf, this.off + FRAG6_ID);
  }
  setNextHeader(v: number): this {
    this.buf[this.off + FRAG6_NEXT_HEADER] = v;
    return this;
  }
  /** Writes offset (octets; low 3 bits dropped), M flag, and clears both reserved fields. */
  setOffsetMore(octets: number, more: boolean): this {
    this.buf[this.off + FRAG6_RESERVED] = 0;
    put16(this.buf, this.off + FRAG6_OFFSET_FLAGS, (octets & FRAG6_OFFSET_MASK) | (more ? FRAG6_M : 0));
    return this;
  }
  setId(v: number): this {
    put32(this.buf, this.off + FRAG6_ID, v);
    return this;
  }
}

/** Fields for {@link emitFrag6}. `fragOffset` in octets, a multiple of 8. */
export interface Frag6Fields {
  nextHeader: number;
  fragOffset: number;
  more: boolean;
  id: number;
}

/**
 * Writes an 8-octet Fragment header at `buf[off]`; returns 8.
 *
 * @example
 * emitFrag6(buf, 40, { nextHeader: 17, fragOffset: 1232, more: true, id: 0x12345678 });
 */
export function emitFrag6(buf: Uint8Array, off: number, f: Frag6Fields): number {
  new Frag6View().bind(buf, off, FRAG6_LEN).setNextHeader(f.nextHeader).setOffsetMore(f.fragOffset, f.more).setId(f.id);
  return FRAG6_LEN;
}

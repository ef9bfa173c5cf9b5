// The one seam between the translator and the checksum implementations (RFC 1071 sum).

/**
 * Something that computes the RFC 1071 ones'-complement sum. The translator depends only on this,
 * so the plain TypeScript oracle and the WASM module are interchangeable.
 *
 * `sum16(buf, off, len, initial)` sums the big-endian 16-bit words of `buf[off .. off + len)`
 * (octets; an odd trailing octet is padded with zero), adds `initial` (a partial sum, 0..2^32-1,
 * e.g. a pseudo-header sum) and returns the sum folded to 16 bits, NOT complemented
 * (0..0xffff, and 0 only when all words and `initial` are zero). Complement it with `finish()`.
 *
 * @example
 *   const sum = cs.sum16(pkt, l4Off, l4Len, pseudoSum4(src, dst, 17, l4Len));
 *   const checksum = udpFinish(finish(sum));
 */
export interface Checksum {
  sum16(buf: Uint8Array, off: number, len: number, initial: number): number;
}

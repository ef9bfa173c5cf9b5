// The Internet checksum in plain TypeScript: the permanent oracle every faster path is tested
// against. Written for obviousness, not speed; it is also the fallback for buffers that do not
// live in WASM memory and for short lengths.
//
// RFC 1071 §1 (the ones'-complement sum of 16-bit words, with end-around carry),
// RFC 1071 §4.1 (an odd trailing octet is padded with a zero octet on the right),
// RFC 768 (the UDP/IPv4 pseudo-header), RFC 9293 §3.1 (the TCP/IPv4 pseudo-header),
// RFC 8200 §8.1 (the IPv6 pseudo-header, also used by ICMPv6, RFC 4443 §2.3).

import type { Checksum } from './types.js';

/**
 * Fold a non-negative integer sum (up to 2^53) to 16 bits with end-around carry.
 * Returns 0..0xffff, and 0 only for an input of 0, so +0 and -0 stay distinguishable.
 *
 * @example fold(0x2bbcf) // 0xbbd1
 */
export function fold(sum: number): number {
  while (sum > 0xffff) {
    // `& 0xffff` is exact for any integer below 2^53 (ToInt32 keeps the low 32 bits); the
    // division, not `>>>`, keeps bits above 2^32.
    sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  return sum;
}

/**
 * Ones'-complement sum of the big-endian 16-bit words in `buf[off .. off + len)`, plus `initial`,
 * folded to 16 bits, not complemented (RFC 1071 §1). An odd trailing octet is padded with zero.
 *
 * @param buf     any Uint8Array, including a subarray (indices are relative to the view)
 * @param off     first octet, relative to `buf`
 * @param len     length in octets, 0 or more
 * @param initial a partial sum to add in, 0..2^32-1 (e.g. a pseudo-header sum); default 0
 * @returns 0..0xffff; 0 only when every word and `initial` are zero
 * @throws RangeError when `[off, off + len)` is not inside `buf` (a programmer error)
 *
 * @example
 *   // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2; the checksum is finish(0xddf2) = 0x220d
 *   sum16(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7), 0, 8) // 0xddf2
 */
export function sum16(buf: Uint8Array, off: number, len: number, initial = 0): number {
  checkRange(buf, off, len);
  // A double holds the unfolded sum exactly for any buffer below 2^37 octets, so fold once.
  let sum = initial;
  const end = off + len - (len & 1);
  for (let i = off; i < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (len & 1) sum += buf[end]! << 8;
  return fold(sum);
}

/**
 * The checksum field value for a folded sum: its ones' complement, 16 bits.
 *
 * @example finish(0xddf2) // 0x220d
 */
export function finish(sum: number): number {
  return ~sum & 0xffff;
}

/**
 * Folded sum of the IPv4 pseudo-header used by UDP (RFC 768) and TCP (RFC 9293 §3.1):
 * source, destination, zero octet + protocol, and the upper-layer length.
 *
 * @param src   source address as a u32 (a signed int32 with the same bits works too)
 * @param dst   destination address as a u32
 * @param proto IP protocol number (17 UDP, 6 TCP)
 * @param len   upper-layer length in octets (header + data)
 * @returns 0..0xffff, to pass as `initial` to sum16
 *
 * @example
 *   // 10.211.55.7 -> 8.8.8.8, UDP, 59 octets
 *   pseudoSum4(0x0ad33707, 0x08080808, 17, 59) // 0x5236
 */
export function pseudoSum4(src: number, dst: number, proto: number, len: number): number {
  return fold(
    (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + (len >>> 16) + (len & 0xffff),
  );
}

/**
 * Folded sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination, 32-bit upper-layer
 * length, three zero octets and the next header. The addresses are read in place, 16 octets each,
 * so the caller can point at the IPv6 header itself (src at 8, dst at 24).
 *
 * @param buf    buffer holding both addresses
 * @param srcOff offset of the 16-octet source address in `buf`
 * @param dstOff offset of the 16-octet destination address in `buf`
 * @param proto  upper-layer protocol (58 ICMPv6, 17 UDP, 6 TCP)
 * @param len    upper-layer length in octets
 * @returns 0..0xffff, to pass as `initial` to sum16
 *
 * @example
 *   const ck = finish(sum16(pkt, 40, payloadLen, pseudoSum6(pkt, 8, 24, 58, payloadLen)));
 */
export function pseudoSum6(buf: Uint8Array, srcOff: number, dstOff: number, proto: number, len: number): number {
  checkRange(buf, srcOff, 16);
  checkRange(buf, dstOff, 16);
  let sum = proto + (len >>> 16) + (len & 0xffff);
  for (let i = 0; i < 16; i += 2) {
    sum += (buf[srcOff + i]! << 8) | buf[srcOff + i + 1]!;
    sum += (buf[dstOff + i]! << 8) | buf[dstOff + i + 1]!;
  }
  return fold(sum);
}

/**
 * The reference implementation behind the {@link Checksum} interface.
 *
 * @example referenceChecksum.sum16(pkt, 0, 20, 0) // IPv4 header sum; 0xffff when it verifies
 */
export const referenceChecksum: Checksum = { sum16 };

/** @internal Shared by the WASM loader so both paths reject the same bad ranges. */
export function checkRange(buf: Uint8Array, off: number, len: number): void {
  // Reading past the end would give `undefined` (summed as 0) here and neighbouring arena bytes
  // in WASM: silently wrong either way, so refuse. Negated so NaN fails too.
  if (!(off >= 0 && len >= 0 && off + len <= buf.length)) {
    throw new RangeError(`checksum range [${off}, ${off + len}) is outside a buffer of ${buf.length} octets`);
  }
}

// Incremental checksum update: change a checksum for an edited field or region without summing
// the whole packet again (the translator rewrites addresses, so pseudo-headers change wholesale).
//
// RFC 1624 §3, eqn. 3, used everywhere here:
//
//     HC' = ~(C + (-m) + m')  =  ~(~HC + ~m + m')
//
//   HC, HC' old and new checksum field; C the old ones'-complement sum; m, m' old and new value.
//   The RFC 1141 form, HC' = HC + m + ~m' (eqn. 2), is not used: it yields -0 (0xffff) where a
//   full recomputation yields +0 (0x0000) (RFC 1624 §3, and the 0x5555 -> 0x3285 example in §4).
//
// Corner cases, all the caller's to handle:
// - All additions fold with end-around carry and keep 0xffff as -0; never normalise -0 to +0 in
//   between (that is what makes RFC 1624 erratum 4782's "m == m', HC == 0" worry not arise here:
//   an unchanged field leaves HC unchanged, including HC = 0).
// - The result equals a full recomputation whenever the new data is not all zero. For an all-zero
//   packet the full sum is +0 (checksum 0xffff) and no incremental form can tell; real headers
//   always carry a nonzero field (RFC 1624 §3).
// - UDP transmits a computed 0x0000 as 0xffff (RFC 768; RFC 8200 §8.1): apply udpFinish() to the
//   result. The stored 0xffff and a computed 0 are the same ones'-complement value, so feeding a
//   UDP checksum of 0xffff back in as HC is correct.
// - An IPv4 UDP checksum of 0 means "none" and cannot be updated; RFC 7915 §4.5 decides what the
//   translator does then, not this module.

import { fold } from './reference.js';

/**
 * New checksum after one 16-bit word changes from `oldWord` to `newWord` (RFC 1624 eqn. 3).
 *
 * @param hc      checksum field value before the change, 0..0xffff
 * @param oldWord the word's old value, 0..0xffff
 * @param newWord the word's new value, 0..0xffff
 * @returns the new checksum field value, 0..0xffff
 *
 * @example
 *   // RFC 1624 §4: m = 0x5555 -> 0x3285 under HC = 0xdd2f gives +0, not RFC 1141's -0
 *   update16(0xdd2f, 0x5555, 0x3285) // 0x0000
 */
export function update16(hc: number, oldWord: number, newWord: number): number {
  return ~fold((~hc & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
}

/**
 * New checksum after a 32-bit field (an IPv4 address) changes: eqn. 3 applied to both halves.
 *
 * @param hc     checksum field value before the change, 0..0xffff
 * @param oldU32 the field's old value as a u32 (signed int32 bits work too)
 * @param newU32 the field's new value as a u32
 * @returns the new checksum field value, 0..0xffff
 *
 * @example update32(ipv4.checksum, 0xc0000201, 0xc0000202) // after rewriting the destination
 */
export function update32(hc: number, oldU32: number, newU32: number): number {
  return ~fold(
    (~hc & 0xffff) + (~oldU32 & 0xffff) + (~oldU32 >>> 16) + (newU32 & 0xffff) + (newU32 >>> 16),
  ) & 0xffff;
}

/**
 * New checksum after a whole summed region is replaced, e.g. the IPv4 pseudo-header by the IPv6
 * one when translating UDP, TCP or ICMP: eqn. 3 with m and m' the folded sums of the old and new
 * region (valid because the ones'-complement sum is associative, RFC 1071 §2(A)). The region must
 * start an even number of octets into the checksummed data; otherwise byte-swap its sums first
 * (RFC 1071 §2(B)).
 *
 * @param hc     checksum field value before the change, 0..0xffff
 * @param oldSum folded sum of the old region (e.g. `pseudoSum4(...)`), 0..0xffff
 * @param newSum folded sum of the new region (e.g. `pseudoSum6(...)`), 0..0xffff
 * @returns the new checksum field value, 0..0xffff (apply udpFinish() for UDP)
 *
 * @example
 *   const ck6 = udpFinish(adjust(udp.checksum, pseudoSum4(s4, d4, 17, len), pseudoSum6(pkt, 8, 24, 17, len)));
 */
export function adjust(hc: number, oldSum: number, newSum: number): number {
  return ~fold((~hc & 0xffff) + (~oldSum & 0xffff) + (newSum & 0xffff)) & 0xffff;
}

/**
 * The UDP transmission rule: a computed checksum of 0x0000 is sent as 0xffff, because 0 on the wire
 * means "no checksum" (RFC 768; over IPv6 a zero checksum is not allowed, RFC 8200 §8.1).
 *
 * @param checksum a finished checksum (complemented sum), 0..0xffff
 * @returns the value to write into the UDP checksum field
 *
 * @example udpFinish(finish(0xffff)) // 0xffff
 */
export function udpFinish(checksum: number): number {
  return checksum === 0 ? 0xffff : checksum;
}

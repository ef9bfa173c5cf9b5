/**
 * Big-endian reads and writes, and byte copies, for both directions of the packet path.
 * `dst.set(src.subarray(a, b), at)` reads well but makes a new typed-array object per call, which
 * the hot path must not do; copyBytes allocates nothing. (A test runs every kind of packet with
 * --trace-gc and fails on any garbage collection.)
 */

/** Copies `n` octets from `src[so..]` to `dst[dO..]`. The two regions must not overlap. */
export function copyBytes(src: Uint8Array, so: number, dst: Uint8Array, dO: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dO + i] = src[so + i]!;
}

// The packet views' own big-endian helpers, shared rather than written again.
export { be16, put16, put32 } from '../packet/bytes.js';

/**
 * The 32 bits at `o`, big-endian, as a SIGNED integer. IPv4 addresses travel the packet path this
 * way: to V8 an unsigned value of 2^31 or more is a heap number, boxed at every call it is not
 * inlined into, while a signed 32-bit value stays a small integer.
 */
export function get32s(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

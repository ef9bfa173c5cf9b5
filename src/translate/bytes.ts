/**
 * Byte copies for the packet path. `dst.set(src.subarray(a, b), at)` reads well but makes a new
 * typed-array object per call, which the hot path must not do; this loop allocates nothing.
 * (A test runs every kind of packet with --trace-gc and fails on any garbage collection.)
 */

/** Copies `n` octets from `src[so..]` to `dst[dO..]`. The two regions must not overlap. */
export function copyBytes(src: Uint8Array, so: number, dst: Uint8Array, dO: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dO + i] = src[so + i]!;
}

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

/** A view of a whole ArrayBuffer (the WASM memory every packet slot lives in), made once per buffer. */
let whole: Uint8Array | null = null;

/**
 * Copies `n` octets from `src[so..]` to `dst[dO..]` with memmove speed and no allocation when both
 * views share one buffer (the packet slots of a WASM arena do): copyWithin on a view of the whole
 * buffer, made once. Otherwise a plain loop. Overlapping regions are fine in the first case only.
 */
export function moveBytes(src: Uint8Array, so: number, dst: Uint8Array, dO: number, n: number): void {
  if (src.buffer === dst.buffer && src.buffer instanceof ArrayBuffer) {
    if (whole === null || whole.buffer !== src.buffer) whole = new Uint8Array(src.buffer);
    const from = src.byteOffset + so;
    whole.copyWithin(dst.byteOffset + dO, from, from + n);
    return;
  }
  copyBytes(src, so, dst, dO, n);
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

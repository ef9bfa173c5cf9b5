/**
 * Big-endian reads and writes on a Uint8Array, without DataView (a DataView
 * per packet would allocate, and one shared DataView cannot follow every
 * buffer the views are bound to).
 *
 * Not re-exported from the package (src/translate/bytes.ts shares it with the translator). Reads out of range yield 0 for the
 * missing bytes (`undefined << 8` is 0), which is why every view has a
 * `check()` that must pass before accessors run on untrusted input.
 */

/** Reads an unsigned 16-bit big-endian value at `o`. */
export function be16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Reads an unsigned 32-bit big-endian value at `o` (always >= 0). */
export function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Writes the low 16 bits of `v` big-endian at `o`. */
export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

/** Writes the low 32 bits of `v` big-endian at `o`. */
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/**
 * True when `[off, off+len)` is a well-formed range inside `buf`. Views call
 * this first in `check()` so that a caller's bad bind (negative, fractional,
 * past the end) reports "truncated" instead of reading garbage.
 */
export function inBounds(buf: Uint8Array, off: number, len: number): boolean {
  return Number.isInteger(off) && Number.isInteger(len) && off >= 0 && len >= 0 && off + len <= buf.length;
}

/** Shared empty buffer that unbound views point at. */
export const EMPTY: Uint8Array = new Uint8Array(0);

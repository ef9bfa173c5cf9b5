/**
 * Bit fields inside IPv6 addresses held as bytes (network order, bit 0 is the most
 * significant bit of byte 0). Used for the tenant-id field of an address plan.
 */

/**
 * Reads `count` bits (0..32) starting at bit `start` of `buf[off..]`, most significant first.
 * Allocates nothing.
 *
 * @returns an unsigned number below 2^count
 * @example readBits(Uint8Array.of(0x12, 0x34), 0, 4, 8) === 0x23
 */
export function readBits(buf: Uint8Array, off: number, start: number, count: number): number {
  let v = 0;
  let pos = start;
  let remaining = count;
  while (remaining > 0) {
    const inByte = pos & 7;
    const take = Math.min(8 - inByte, remaining);
    const chunk = ((buf[off + (pos >>> 3)] as number) >>> (8 - inByte - take)) & ((1 << take) - 1);
    // Multiply rather than shift: a 32-bit field would turn negative under `<<`.
    v = v * (1 << take) + chunk;
    pos += take;
    remaining -= take;
  }
  return v;
}

/**
 * Writes the low `count` bits (0..32) of `value` at bit `start` of `out[off..]`, most
 * significant first, leaving the other bits alone. Allocates nothing.
 *
 * @example writeBits(b, 0, 4, 8, 0x23) // b[0] low nibble = 2, b[1] high nibble = 3
 */
export function writeBits(out: Uint8Array, off: number, start: number, count: number, value: number): void {
  let pos = start;
  let remaining = count;
  while (remaining > 0) {
    const inByte = pos & 7;
    const take = Math.min(8 - inByte, remaining);
    const chunk = Math.floor(value / 2 ** (remaining - take)) & ((1 << take) - 1);
    const shift = 8 - inByte - take;
    const m = ((1 << take) - 1) << shift;
    const i = off + (pos >>> 3);
    out[i] = ((out[i] as number) & ~m) | (chunk << shift);
    pos += take;
    remaining -= take;
  }
}

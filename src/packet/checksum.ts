/**
 * Internet checksum glue for the packet views (RFC 1071 §1). The arithmetic
 * is the reference `sum16` in src/checksum; this file only decides which
 * bytes go in. Internal to src/packet.
 */
import { sum16 } from '../checksum/reference.js';

/**
 * One's-complement checksum of `[off, off+len)` as if the 16-bit field at
 * `off + fieldRel` were zero, seeded with `initial` (a pseudo-header sum).
 * Summing around the field, rather than subtracting its old value, keeps the
 * result identical to "zero the field, sum, complement" even for the
 * 0x0000/0xffff double representation of zero, and does not write the
 * buffer. `fieldRel` must be even so both halves stay on 16-bit words.
 */
export function checksumSkipping(buf: Uint8Array, off: number, len: number, fieldRel: number, initial: number): number {
  const head = sum16(buf, off, fieldRel, initial);
  const tail = sum16(buf, off + fieldRel + 2, len - fieldRel - 2, head);
  return ~tail & 0xffff;
}

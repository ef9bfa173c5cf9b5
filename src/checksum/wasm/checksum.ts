// The Internet checksum hot path, in AssemblyScript, compiled twice by `npm run build:wasm`:
// with SIMD (dist/wasm/checksum.wasm) and without (dist/wasm/checksum-scalar.wasm, kept for the
// benchmark). One source serves both through the compile-time constant ASC_FEATURE_SIMD.
//
// RFC 1071 §2(A) (the sum is associative and commutative, so any grouping and any number of
//   accumulators gives the same folded result),
// RFC 1071 §2(B) (byte-order independence: summing the words byte-swapped yields the byte-swapped
//   sum, so we load little-endian and swap once at the end instead of once per word),
// RFC 1071 §2(C) (parallel summation: wider accumulators are folded back, since 2^16 ≡ 1 and
//   2^32 ≡ 1 (mod 0xffff), with end-around carry).
//
// This module owns no memory layout: memory is imported from JavaScript (env.memory), there are no
// data segments, no globals in memory and no allocator calls, so every byte belongs to the JS
// arena. The only export is sum16.

/** Bytes summed into the v128 accumulators before they are emptied into the u64 total. Each u32
 *  lane gains at most 2 * 0xffff per 16-byte load, so 4 accumulators x 4 lanes can take far more
 *  than 64 KiB; the bound keeps lane overflow impossible for any length. */
const SIMD_CHUNK: usize = 64 * 1024;

/** Ones'-complement add on 64 bits: a carry out of bit 63 comes back in at bit 0 (RFC 1071 §1).
 *  Because 0xffff divides 2^64 - 1, the result stays congruent to the 16-bit sum. */
// @ts-ignore: decorator
@inline function addc(a: u64, b: u64): u64 {
  const s = a + b;
  return s + <u64>(s < b);
}

/** Fold a 64-bit ones'-complement accumulator to 16 bits. Zero only when every word was zero. */
// @ts-ignore: decorator
@inline function fold(s: u64): u32 {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return <u32>s;
}

/**
 * Ones'-complement sum of the big-endian 16-bit words at [ptr, ptr + len), folded to 16 bits and
 * not complemented, plus `initial` (any u32 partial sum, e.g. a pseudo-header sum). An odd trailing
 * byte is padded with a zero byte. `ptr` may be odd: v128 and u64 loads need no alignment, and the
 * words are paired from ptr, so only speed depends on alignment.
 * Same result, bit for bit, as sum16 in src/checksum/reference.ts.
 */
export function sum16(ptr: usize, len: i32, initial: u32): u32 {
  let p = ptr;
  let n = <usize>len;
  let acc: u64 = 0;

  if (ASC_FEATURE_SIMD) {
    while (n >= 64) {
      const chunk = min(n & ~(<usize>63), SIMD_CHUNK);
      const end = p + chunk;
      // Four independent accumulators so consecutive adds do not wait on each other.
      let a0 = i32x4.splat(0);
      let a1 = i32x4.splat(0);
      let a2 = i32x4.splat(0);
      let a3 = i32x4.splat(0);
      do {
        // Each u16 lane is a byte-swapped word (RFC 1071 §2(B)); pairs widen into u32 lanes.
        a0 = i32x4.add(a0, i32x4.extadd_pairwise_i16x8_u(v128.load(p)));
        a1 = i32x4.add(a1, i32x4.extadd_pairwise_i16x8_u(v128.load(p, 16)));
        a2 = i32x4.add(a2, i32x4.extadd_pairwise_i16x8_u(v128.load(p, 32)));
        a3 = i32x4.add(a3, i32x4.extadd_pairwise_i16x8_u(v128.load(p, 48)));
        p += 64;
      } while (p < end);
      const v = i32x4.add(i32x4.add(a0, a1), i32x4.add(a2, a3));
      // Lanes are below 2^31 here (see SIMD_CHUNK); widen to u64 before adding them up.
      acc = addc(acc,
        <u64>i32x4.extract_lane(v, 0) + <u64>i32x4.extract_lane(v, 1) +
        <u64>i32x4.extract_lane(v, 2) + <u64>i32x4.extract_lane(v, 3));
      n -= chunk;
    }
    if (n >= 16) {
      let a = i32x4.splat(0);
      do {
        a = i32x4.add(a, i32x4.extadd_pairwise_i16x8_u(v128.load(p)));
        p += 16;
        n -= 16;
      } while (n >= 16);
      acc = addc(acc,
        <u64>i32x4.extract_lane(a, 0) + <u64>i32x4.extract_lane(a, 1) +
        <u64>i32x4.extract_lane(a, 2) + <u64>i32x4.extract_lane(a, 3));
    }
  } else {
    while (n >= 32) {
      acc = addc(acc, load<u64>(p));
      acc = addc(acc, load<u64>(p, 8));
      acc = addc(acc, load<u64>(p, 16));
      acc = addc(acc, load<u64>(p, 24));
      p += 32;
      n -= 32;
    }
  }

  // Tail, fewer than 32 bytes. Every load starts an even distance from ptr, so the words stay
  // paired as on the wire.
  while (n >= 8) {
    acc = addc(acc, load<u64>(p));
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    acc = addc(acc, <u64>load<u32>(p));
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    acc = addc(acc, <u64>load<u16>(p));
    p += 2;
    n -= 2;
  }
  // The odd last byte is the high byte of a big-endian word padded with zero (RFC 1071 §4.1),
  // which in our byte-swapped view is the low byte.
  if (n) acc = addc(acc, <u64>load<u8>(p));

  const le = fold(acc);
  const be = ((le & 0xff) << 8) | (le >> 8);
  return fold(<u64>be + <u64>initial);
}

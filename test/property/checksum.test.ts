// Differential properties for the checksum layer: the WASM builds (SIMD and scalar) agree with the
// reference bit for bit, and RFC 1624 incremental updates agree with recomputing from scratch.
// One fixed seed makes every run the same; a failure prints it.

import { test } from 'node:test';
import fc from 'fast-check';
import {
  WasmChecksum,
  adjust,
  finish,
  pseudoSum4,
  pseudoSum6,
  sum16,
  udpFinish,
  update16,
  update32,
} from '../../src/checksum/index.js';

const SEED = 0x10711624;

function check(name: string, property: Parameters<typeof fc.assert>[0], numRuns: number): void {
  try {
    fc.assert(property, { seed: SEED, numRuns, includeErrorInReport: true });
  } catch (err) {
    throw new Error(`${name}: property failed with SEED = ${SEED} (fixed in test/property/checksum.test.ts)\n${(err as Error).message}`, {
      cause: err,
    });
  }
}

const simd = WasmChecksum.load({ memoryBytes: 1 << 20, simd: true, jsCutoff: 0 });
const scalar = WasmChecksum.load({ memoryBytes: 1 << 20, simd: false, jsCutoff: 0 });
/** With the default JS cutoff, so the routing between JS and WASM is covered too. */
const auto = WasmChecksum.load({ memoryBytes: 1 << 20 });

const MAX_LEN = 2048;
const MAX_BASE = 128;
const AREA = MAX_BASE + 64 + MAX_LEN;
const simdArea = simd.arena(AREA);
const scalarArea = scalar.arena(AREA);
const autoArea = auto.arena(AREA);
const plainArea = new Uint8Array(AREA);

/** Uniform bytes, bytes with the high bits set (long carry chains), and runs of a single value. */
function bytes(len: number): fc.Arbitrary<Uint8Array> {
  const uniform = fc.uint8Array({ minLength: len, maxLength: len });
  return fc.oneof(
    uniform,
    uniform.map((b) => b.map((x) => x | 0xf0)),
    fc.constantFrom(0x00, 0xff, 0x80, 0x01).map((v) => new Uint8Array(len).fill(v)),
  );
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });

function load(b: Uint8Array): void {
  for (const area of [simdArea, scalarArea, autoArea, plainArea]) area.set(b);
}

/**
 * All four paths on the same bytes at the same position inside views starting at `base`. Base 0
 * passes the arena views themselves (which carry their address), others a caller-made subarray
 * (found through .buffer/.byteOffset).
 */
function agree(base: number, off: number, len: number, initial: number): boolean {
  const view = (area: Uint8Array): Uint8Array => (base === 0 ? area : area.subarray(base));
  const expected = sum16(view(plainArea), off, len, initial);
  const got = [
    simd.sum16(view(simdArea), off, len, initial),
    scalar.sum16(view(scalarArea), off, len, initial),
    auto.sum16(view(autoArea), off, len, initial),
  ];
  if (got.every((g) => g === expected)) return true;
  throw new Error(
    `base ${base} off ${off} len ${len} initial ${initial}: reference ${expected}, simd ${got[0]}, scalar ${got[1]}, auto ${got[2]}`,
  );
}

test('WASM SIMD = WASM scalar = reference for every length 0..2048 at offsets 0..7', () => {
  check(
    'every length',
    fc.property(bytes(AREA), u32, (b, initial) => {
      load(b);
      for (let len = 0; len <= MAX_LEN; len++) for (let off = 0; off < 8; off++) agree(0, off, len, initial);
    }),
    6,
  );
});

test('WASM SIMD = WASM scalar = reference on subarrays (byteOffset != 0) at random offsets and lengths', () => {
  check(
    'subarrays',
    fc.property(
      bytes(AREA),
      fc.integer({ min: 0, max: MAX_BASE }),
      fc.integer({ min: 0, max: 63 }),
      fc.integer({ min: 0, max: MAX_LEN }),
      u32,
      (b, base, off, len, initial) => {
        load(b);
        agree(base, off, len, initial);
      },
    ),
    1000,
  );
});

test('WASM SIMD = WASM scalar = reference across the 64 KiB SIMD chunk boundary', () => {
  const big = 3 * 65536 + 256;
  const s = simd.arena(big);
  const c = scalar.arena(big);
  check(
    'large lengths',
    fc.property(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 65536 - 200, max: 3 * 65536 }),
      fc.constantFrom('random', 'ones'),
      u32,
      u32,
      (off, len, fill, initial, noise) => {
        // 196 KiB is too big for fast-check to shrink usefully; fill it from a drawn xorshift32 state.
        const plain = new Uint8Array(big);
        if (fill === 'ones') plain.fill(0xff);
        else {
          let x = noise | 1;
          for (let i = 0; i < big; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            plain[i] = x & 0xff;
          }
        }
        s.set(plain);
        c.set(plain);
        const expected = sum16(plain, off, len, initial);
        const got = [simd.sum16(s, off, len, initial), scalar.sum16(c, off, len, initial)];
        if (got[0] === expected && got[1] === expected) return;
        throw new Error(`off ${off} len ${len} fill ${fill} noise ${noise}: reference ${expected}, simd ${got[0]}, scalar ${got[1]}`);
      },
    ),
    12,
  );
});

/**
 * A header-like buffer: at least 4 octets and a nonzero first word (as every real header has, e.g.
 * IPv4's version nibble), so the new data is never all zero, the one case where +0 and -0 cannot be
 * told apart (RFC 1624 §3).
 */
const header = fc.uint8Array({ minLength: 4, maxLength: 512 }).map((b) => {
  b[0] = b[0]! | 0x40;
  return b;
});

function word(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

test('update16 (RFC 1624 eqn. 3) = full recompute for random word replacements', () => {
  check(
    'update16',
    fc.property(header, fc.nat(), fc.integer({ min: 0, max: 0xffff }), (pkt, pick, newWord) => {
      const words = pkt.length >> 1;
      const at = 2 * (1 + (pick % (words - 1)));
      const hc = finish(sum16(pkt, 0, pkt.length));
      const oldWord = word(pkt, at);
      pkt[at] = newWord >> 8;
      pkt[at + 1] = newWord & 0xff;
      const want = finish(sum16(pkt, 0, pkt.length));
      const got = update16(hc, oldWord, newWord);
      if (got !== want) throw new Error(`at ${at} ${oldWord} -> ${newWord}: incremental ${got}, recomputed ${want}`);
    }),
    3000,
  );
});

test('update32 = full recompute for random 32-bit field replacements', () => {
  const longHeader = header.filter((b) => b.length >= 6);
  check(
    'update32',
    fc.property(longHeader, fc.nat(), u32, (pkt, pick, newU32) => {
      const at = 2 * (1 + (pick % ((pkt.length >> 1) - 2)));
      const hc = finish(sum16(pkt, 0, pkt.length));
      const oldU32 = ((word(pkt, at) << 16) | word(pkt, at + 2)) >>> 0;
      pkt.set([newU32 >>> 24, (newU32 >>> 16) & 0xff, (newU32 >>> 8) & 0xff, newU32 & 0xff], at);
      const want = finish(sum16(pkt, 0, pkt.length));
      const got = update32(hc, oldU32, newU32);
      if (got !== want) throw new Error(`at ${at} ${oldU32} -> ${newU32}: incremental ${got}, recomputed ${want}`);
    }),
    3000,
  );
});

test('adjust = full recompute for random region replacements, also under the UDP 0 -> 0xffff rule', () => {
  check(
    'adjust',
    fc.property(header, fc.nat(), fc.nat(), fc.uint8Array({ minLength: 512, maxLength: 512 }), (pkt, p1, p2, fresh) => {
      const start = 2 * (1 + (p1 % ((pkt.length >> 1) - 1)));
      const len = 2 * (p2 % (((pkt.length - start) >> 1) + 1));
      const hc = finish(sum16(pkt, 0, pkt.length));
      const hcUdp = udpFinish(hc);
      const oldSum = sum16(pkt, start, len);
      pkt.set(fresh.subarray(0, len), start);
      const newSum = sum16(pkt, start, len);
      const want = finish(sum16(pkt, 0, pkt.length));
      const got = adjust(hc, oldSum, newSum);
      const gotUdp = udpFinish(adjust(hcUdp, oldSum, newSum));
      if (got !== want || gotUdp !== udpFinish(want)) {
        throw new Error(`region [${start}, ${start + len}): incremental ${got} (udp ${gotUdp}), recomputed ${want}`);
      }
    }),
    3000,
  );
});

test('adjust from the IPv4 to the IPv6 pseudo-header gives the UDP checksum computed over IPv6', () => {
  check(
    'pseudo-header swap',
    fc.property(u32, u32, fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 8, maxLength: 600 }), (s4, d4, addrs6, udp) => {
      udp[6] = 0;
      udp[7] = 0;
      const len = udp.length;
      const p4 = pseudoSum4(s4, d4, 17, len);
      const p6 = pseudoSum6(addrs6, 0, 16, 17, len);
      const ck4 = udpFinish(finish(sum16(udp, 0, len, p4)));
      const ck6 = udpFinish(finish(sum16(udp, 0, len, p6)));
      const got = udpFinish(adjust(ck4, p4, p6));
      if (got !== ck6) throw new Error(`len ${len}: translated ${got}, computed over IPv6 ${ck6}`);
    }),
    2000,
  );
});

// Checksum microbenchmark: the RFC 1071 reference in TypeScript vs the WASM scalar build vs the
// WASM SIMD build, over packet-sized buffers that live in WASM memory (as the translator's do).
// Also times short lengths, which is how WasmChecksum's JS cutoff was chosen.
//
//   npm run build && node dist/bench/checksum.bench.js

import Benchmark from 'benchmark';
import { pathToFileURL } from 'node:url';
import { WasmChecksum, sum16 } from '../src/checksum/index.js';

/** One measured case. */
export interface ChecksumBenchRow {
  /** Octets summed per call. */
  len: number;
  impl: 'reference' | 'wasm-scalar' | 'wasm-simd';
  opsPerSec: number;
  /** Relative margin of error, percent. */
  rme: number;
  /** opsPerSec / the reference's opsPerSec at the same length. */
  ratio: number;
}

const SIZES = [64, 1500, 9000, 65535];
const SHORT_SIZES = [8, 16, 20, 24, 32, 40, 48];

// Results are folded into this so the engine cannot drop the calls.
let sink = 0;

function measure(len: number, maxTime: number, cases: Record<ChecksumBenchRow['impl'], () => number>): ChecksumBenchRow[] {
  const suite = new Benchmark.Suite(`sum16 ${len}`);
  for (const [name, fn] of Object.entries(cases)) {
    suite.add(name, () => {
      sink ^= fn();
    }, { maxTime });
  }
  suite.run({ async: false });
  const rows: ChecksumBenchRow[] = [];
  let reference = NaN;
  suite.forEach((b: Benchmark) => {
    if (b.name === 'reference') reference = b.hz;
  });
  suite.forEach((b: Benchmark) => {
    rows.push({ len, impl: b.name as ChecksumBenchRow['impl'], opsPerSec: b.hz, rme: b.stats.rme, ratio: b.hz / reference });
  });
  return rows;
}

function print(rows: ChecksumBenchRow[]): void {
  for (const r of rows) {
    const gbps = (r.opsPerSec * r.len) / 1e9;
    console.log(
      `${String(r.len).padStart(6)} B  ${r.impl.padEnd(11)}  ${Math.round(r.opsPerSec).toLocaleString('en-US').padStart(13)} ops/s ±${r.rme.toFixed(1).padStart(4)}%` +
        `  ${gbps.toFixed(2).padStart(6)} GB/s  ${r.ratio.toFixed(1).padStart(6)}x reference`,
    );
  }
}

/** Run the benchmark, print a table, and return the measurements. */
export function main(): ChecksumBenchRow[] {
  const max = SIZES[SIZES.length - 1]!;
  // jsCutoff 0: time the WASM call itself at every length.
  const simd = WasmChecksum.load({ memoryBytes: 1 << 20, simd: true, jsCutoff: 0 });
  const scalar = WasmChecksum.load({ memoryBytes: 1 << 20, simd: false, jsCutoff: 0 });
  const plain = new Uint8Array(max);
  for (let i = 0, x = 0x12345678; i < max; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    plain[i] = x & 0xff;
  }
  const inSimd = simd.arena(max);
  const inScalar = scalar.arena(max);
  inSimd.set(plain);
  inScalar.set(plain);

  console.log(`checksum sum16, node ${process.version}, ${process.arch}`);
  const rows: ChecksumBenchRow[] = [];
  for (const len of SIZES) {
    const r = measure(len, 1, {
      reference: () => sum16(plain, 0, len, 0),
      'wasm-scalar': () => scalar.sum16(inScalar, 0, len, 0),
      'wasm-simd': () => simd.sum16(inSimd, 0, len, 0),
    });
    print(r);
    rows.push(...r);
  }
  console.log('short lengths (choosing the JS cutoff):');
  for (const len of SHORT_SIZES) {
    const r = measure(len, 0.5, {
      reference: () => sum16(plain, 0, len, 0),
      'wasm-scalar': () => scalar.sum16(inScalar, 0, len, 0),
      'wasm-simd': () => simd.sum16(inSimd, 0, len, 0),
    });
    print(r);
    rows.push(...r);
  }
  if (sink === 0x1_0000) console.log('');
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

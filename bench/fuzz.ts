/**
 * On-demand mutation fuzzing of the translator (testlib/fuzz.ts):
 *   node dist/bench/fuzz.js --count 10000000 [--seed 464]
 * Prints the count, the failures (with the input hex) and the drop-reason histogram; exits 1 on
 * any exception, internal error, invalid emitted packet or cross-tenant delivery.
 */
import { formatFuzz, runFuzz, VECTORS_DIR } from '../testlib/fuzz.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return dflt;
  const n = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(n) || n < 0) {
    process.stderr.write(`${name}: expected a non-negative integer, got ${process.argv[i + 1]}\n`);
    process.exit(2);
  }
  return n;
}

const count = arg('--count', 1_000_000);
const seed = arg('--seed', 464);
const t0 = performance.now();
const r = runFuzz({ count, seed, vectorsDir: VECTORS_DIR, onProgress: (n) => process.stderr.write(`  ${n} packets...\n`) });
process.stdout.write(formatFuzz(r, seed, performance.now() - t0) + '\n');
process.exitCode = r.exceptions + r.internalErrors + r.invalidEmits + r.crossTenant > 0 ? 1 : 0;

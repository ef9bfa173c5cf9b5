/**
 * `npm run bench`: every microbenchmark (benchmark.js), one after the other, each printing its own
 * table with ratios. Name some to run only those: `npm run bench -- checksum`.
 * Figures are for reading, never asserted: a shared 2-core machine varies by ±10 %.
 */
import { main as address } from './address.bench.js';
import { main as capture } from './capture.bench.js';
import { main as checksum } from './checksum.bench.js';
import { main as dataplane } from './dataplane.bench.js';
import { main as translate } from './translate.bench.js';

const benches: Record<string, () => unknown> = { address, capture, checksum, dataplane, translate };

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in benches)) {
    process.stderr.write(`unknown bench ${JSON.stringify(name)}; have: ${Object.keys(benches).join(', ')}\n`);
    process.exit(2);
  }
}
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n== ${name}\n`);
  run();
}

/**
 * The mutation fuzzer (testlib/fuzz.ts) on a fixed budget and seed, so CI fails on any exception,
 * internal error, emitted packet our validator rejects, or cross-tenant delivery. Run it longer with
 * `node dist/bench/fuzz.js --count 10000000`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFuzz, runFuzz, VECTORS_DIR } from '../../testlib/fuzz.js';

const COUNT = 200_000;
const SEED = 464;

test(`${COUNT} mutated packets: no exception, no internal error, every emitted packet valid, no cross-tenant delivery (seed ${SEED})`, (t) => {
  const t0 = performance.now();
  const r = runFuzz({ count: COUNT, seed: SEED, vectorsDir: VECTORS_DIR });
  const report = formatFuzz(r, SEED, performance.now() - t0);
  t.diagnostic(report);
  assert.equal(r.count, COUNT);
  assert.deepEqual(
    { exceptions: r.exceptions, internalErrors: r.internalErrors, invalidEmits: r.invalidEmits, crossTenant: r.crossTenant },
    { exceptions: 0, internalErrors: 0, invalidEmits: 0, crossTenant: 0 },
    report,
  );
});

/**
 * The mutation fuzzer (testlib/fuzz.ts) on a fixed budget and seed, so CI fails on any exception,
 * internal error, emitted packet our validator rejects, or cross-tenant delivery. The emitted
 * packets (the first TSHARK_MAX of them) are also dissected by tshark. Run it longer with
 * `node dist/bench/fuzz.js --count 10000000`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFuzz, runFuzz, VECTORS_DIR } from '../../testlib/fuzz.js';
import { tsharkCheck, type LabelledPacket } from '../../testlib/tshark.js';

const COUNT = 200_000;
const SEED = 464;
/** tshark dissects about 10k packets a second here; the cap keeps this test's tshark run to a few seconds. */
const TSHARK_MAX = 30_000;
const forTshark: LabelledPacket[] = [];
let emittedTotal = 0;

test(`${COUNT} mutated packets: no exception, no internal error, every emitted packet valid, no cross-tenant delivery (seed ${SEED})`, (t) => {
  const t0 = performance.now();
  const r = runFuzz({
    count: COUNT,
    seed: SEED,
    vectorsDir: VECTORS_DIR,
    onEmit: (p, label, transportBad) => {
      if (forTshark.length < TSHARK_MAX) forTshark.push({ label, bytes: p.slice(), transportMayBeBad: transportBad, asReceived: true });
    },
  });
  emittedTotal = r.emitted;
  const report = formatFuzz(r, SEED, performance.now() - t0);
  t.diagnostic(report);
  assert.equal(r.count, COUNT);
  assert.deepEqual(
    { exceptions: r.exceptions, internalErrors: r.internalErrors, invalidEmits: r.invalidEmits, crossTenant: r.crossTenant },
    { exceptions: 0, internalErrors: 0, invalidEmits: 0, crossTenant: 0 },
    report,
  );
});

test('tshark finds the packets the fuzzer emitted well-formed (lengths, checksums, no malformed)', (t) => {
  const t0 = performance.now();
  const r = tsharkCheck(forTshark);
  if (r.skipped) return t.skip(r.skipped);
  const line = `tshark checked ${r.checked} of ${emittedTotal} fuzz-emitted packets (cap ${TSHARK_MAX}: every emitted packet up to the cap, in emission order) in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  t.diagnostic(line);
  assert.deepEqual(r.problems.slice(0, 20), [], `${r.problems.length} problems`);
});

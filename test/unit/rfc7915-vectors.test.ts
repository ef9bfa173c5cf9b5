/**
 * RFC 7915 conformance: every vector in rfc-vectors/rfc7915 goes through the code path of
 * `xlat464 translate` (translateRequest); a few go through the real CLI process too. Every packet
 * the vectors make the translator emit is also dissected by tshark in one batch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAnswer, loadVectorFiles, runVector, runVectorReference, type Vector } from '../../testlib/rfc7915-vectors.js';
import type { TranslateAnswer } from '../../src/cli/translate.js';
import { generate } from '../../testlib/generate-rfc7915-vectors.js';
import { tsharkCheck, type LabelledPacket } from '../../testlib/tshark.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = join(root, 'rfc-vectors', 'rfc7915');
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const files = loadVectorFiles(dir);
const emitted: LabelledPacket[] = [];

test('the committed vectors are what the generator builds from its specs', () => {
  const built = generate();
  assert.deepEqual(Object.keys(built).sort(), files.map((f) => f.file));
  for (const f of files) assert.deepEqual(f.data, JSON.parse(JSON.stringify(built[f.file])), `${f.file} is stale: run node dist/testlib/generate-rfc7915-vectors.js`);
});

for (const { file, data } of files) {
  for (const v of data.vectors) {
    test(`${data.rfc}: ${v.name} (${file})`, () => {
      const r = runVector(v);
      r.emitted.forEach((bytes, i) => emitted.push({ label: `${v.name} emit[${i}]`, bytes }));
      assert.deepEqual(r.problems, [], `${v.name}\n  ${v.rfc}${v.note ? `\n  note: ${v.note}` : ''}\n  input: ${JSON.stringify(v.input)}`);
    });
  }
}

test('every vector gives the same answer through the WASM checksum session and the reference checksum', () => {
  let n = 0;
  for (const { data } of files) {
    for (const v of data.vectors) {
      const wasm = runVector(v);
      const ref = runVectorReference(v);
      assert.deepEqual(ref.run.problems, wasm.problems, `${v.name}: the reference checksum and WASM disagree`);
      assert.equal(ref.run.emitted.length, wasm.emitted.length, v.name);
      n++;
    }
  }
  assert.ok(n > 0);
});

test('a sample of vectors gives the same answers through the real `xlat464 translate` process', () => {
  const all: Vector[] = files.flatMap((f) => f.data.vectors);
  const pick = ['4.1-udp-header-translated', '4.1-ttl-expired-answers-time-exceeded', '5.1-udp-header-translated', '5.2-echo-request-becomes-8', '5.1-cross-tenant-dropped'];
  const sample = pick.map((n) => all.find((v) => v.name === n)!);
  const tmp = mkdtempSync(join(tmpdir(), 'xlat464-vectors-'));
  try {
    const cfg = join(tmp, 'config.json');
    writeFileSync(cfg, JSON.stringify(sample[0]!.config));
    for (const v of sample) assert.deepEqual(v.config, sample[0]!.config, 'the sample shares one configuration');
    const input = sample.map((v) => JSON.stringify(v.input)).join('\n') + '\n';
    const r = spawnSync(process.execPath, [cli, 'translate', '--config', cfg], { encoding: 'utf8', input });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as TranslateAnswer);
    assert.equal(lines.length, sample.length);
    // The same expectations as in-process; a vector that fails in-process is reported there, so
    // here the CLI must agree with the in-process answer about pass/fail.
    lines.forEach((ans, i) => {
      const v = sample[i]!;
      assert.deepEqual(checkAnswer(v, ans).problems, runVector(v).problems, `${v.name}: the CLI process and the in-process path disagree`);
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('tshark finds every packet the vectors emitted well-formed (lengths, checksums, no malformed)', (t) => {
  const r = tsharkCheck(emitted);
  if (r.skipped) return t.skip(r.skipped);
  t.diagnostic(`tshark checked ${r.checked} emitted packets`);
  assert.deepEqual(r.problems, []);
});

/**
 * The RFC 7915 vector format (rfc-vectors/README.md) and its runner: load the JSON files, send
 * each input through the `xlat464 translate` code path (`translateRequest`), and compare the answer
 * with the expectation, byte for byte outside the declared `mayDiffer` ranges. Every emitted packet
 * must also pass our validator (testlib/validate.ts), which is what proves the bytes a vector lets
 * differ (identification, checksums over them) are still right.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTranslateSession, MAX_PACKET_LEN, translateRequest, type TranslateAnswer, type TranslateSession } from '../src/cli/translate.js';
import { referenceChecksum, WasmChecksum } from '../src/checksum/index.js';
import { checkConfig } from '../src/config/index.js';
import { HEADROOM, SCRATCH_LEN, Translator, Verdict } from '../src/translate/index.js';
import { validatePacket } from './validate.js';

/** Octets of an expected packet that may differ from the translator's, and why (RFC text or choice). */
export interface MayDiffer {
  at: number;
  len: number;
  why: string;
}

export interface ExpectedEmit {
  to: 'ipv4' | 'ipv6';
  tenant?: string;
  packet: string;
  mayDiffer?: MayDiffer[];
}

export interface Vector {
  /** `<section>-<behaviour>`, unique over all files. */
  name: string;
  /** The RFC sentence(s) the expectation comes from. */
  rfc: string;
  /** Where the RFC is ambiguous or leaves a choice, and which reading the vector takes. */
  note?: string;
  /** A configuration as `checkConfig` takes it. */
  config: unknown;
  input: { from: 'ipv4' | 'ipv6'; tenant?: string; packet: string };
  expect: {
    /** null: the input passes; "46.*" / "64.*": dropped with any reason of that direction (names are the translator's). */
    drop: string | null;
    emit: ExpectedEmit[];
  };
}

export interface VectorFile {
  rfc: string;
  section: string;
  title: string;
  vectors: Vector[];
}

/** All vector files under `dir`, sorted by name. */
export function loadVectorFiles(dir: string): { file: string; data: VectorFile }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, data: JSON.parse(readFileSync(join(dir, file), 'utf8')) as VectorFile }));
}

const sessions = new Map<string, TranslateSession>();
const referenceSessions = new Map<string, TranslateSession>();

/**
 * The `xlat464 translate` session for a configuration, made once: WASM checksum with the packet
 * buffer and scratch in its arena, as in the CLI and the daemon. Throws when the session fell back
 * to the reference checksum, so the vectors cannot silently stop exercising the WASM path.
 */
function sessionFor(config: unknown): TranslateSession {
  const key = JSON.stringify(config);
  let s = sessions.get(key);
  if (s === undefined) {
    s = createTranslateSession(checkConfig(config));
    if (!(s.checksum instanceof WasmChecksum)) throw new Error('the translate session fell back to the reference checksum: is dist/wasm built (npm run build:wasm)?');
    sessions.set(key, s);
  }
  return s;
}

/** The same translator over the reference checksum (RFC 1071 oracle) and plain buffers. */
function referenceSessionFor(config: unknown): TranslateSession {
  const key = JSON.stringify(config);
  let s = referenceSessions.get(key);
  if (s === undefined) {
    const loaded = checkConfig(config);
    const scratch = new Uint8Array(SCRATCH_LEN);
    s = { loaded, translator: new Translator(loaded.table, loaded.translator, referenceChecksum, scratch), verdict: new Verdict(), buf: new Uint8Array(HEADROOM + MAX_PACKET_LEN), scratch, checksum: referenceChecksum };
    referenceSessions.set(key, s);
  }
  return s;
}

/** The answer's emitted packets (bytes) for a vector, for tshark batches. */
export interface VectorRun {
  problems: string[];
  emitted: Uint8Array[];
}

function hexDiff(expected: Uint8Array, actual: Uint8Array, may: MayDiffer[]): string[] {
  const out: string[] = [];
  if (expected.length !== actual.length) out.push(`length ${actual.length}, expected ${expected.length}`);
  const n = Math.min(expected.length, actual.length);
  const free = new Uint8Array(n);
  for (const m of may) for (let i = m.at; i < m.at + m.len && i < n; i++) free[i] = 1;
  for (let i = 0; i < n; i++) {
    if (free[i] || expected[i] === actual[i]) continue;
    let j = i;
    while (j + 1 < n && !free[j + 1] && expected[j + 1] !== actual[j + 1]) j++;
    const e = Buffer.from(expected.subarray(i, j + 1)).toString('hex');
    const a = Buffer.from(actual.subarray(i, j + 1)).toString('hex');
    out.push(`octets ${i}..${j}: got ${a}, expected ${e}`);
    if (out.length > 8) break;
    i = j;
  }
  return out;
}

/**
 * Compare an answer of `xlat464 translate` (in-process or parsed from the CLI's stdout) with a
 * vector's expectation. Returns every mismatch as a line (empty: pass), plus the emitted packets.
 */
export function checkAnswer(v: Vector, ans: TranslateAnswer): VectorRun {
  if ('error' in ans) return { problems: [`request refused: ${ans.error}`], emitted: [] };
  const problems: string[] = [];
  const emitted = ans.emit.map((e) => Uint8Array.from(Buffer.from(e.packet, 'hex')));
  const want = v.expect;
  if (ans.drop !== null && /\.(internal-error|not-implemented)$/.test(ans.drop)) problems.push(`drop ${ans.drop}`);
  else if (want.drop === null && ans.drop !== null) problems.push(`dropped (${ans.drop}), expected to pass`);
  else if (want.drop !== null && ans.drop === null) problems.push(`passed, expected a drop (${want.drop})`);
  else if (want.drop !== null && ans.drop !== null && want.drop.endsWith('*') && !ans.drop.startsWith(want.drop.slice(0, -1))) {
    problems.push(`drop ${ans.drop}, expected ${want.drop}`);
  } else if (want.drop !== null && !want.drop.endsWith('*') && ans.drop !== want.drop) problems.push(`drop ${ans.drop}, expected ${want.drop}`);

  if (ans.emit.length !== want.emit.length) problems.push(`${ans.emit.length} packets emitted, expected ${want.emit.length}`);
  for (let i = 0; i < Math.min(ans.emit.length, want.emit.length); i++) {
    const got = ans.emit[i]!;
    const exp = want.emit[i]!;
    if (got.to !== exp.to) problems.push(`emit[${i}] to ${got.to}, expected ${exp.to}`);
    if (exp.to === 'ipv4' && got.tenant !== exp.tenant) problems.push(`emit[${i}] tenant ${got.tenant}, expected ${exp.tenant}`);
    for (const d of hexDiff(Buffer.from(exp.packet, 'hex'), emitted[i]!, exp.mayDiffer ?? [])) problems.push(`emit[${i}] ${d}`);
  }
  emitted.forEach((p, i) => {
    const bad = validatePacket(p);
    if (bad !== null) problems.push(`emit[${i}] fails validation: ${bad}`);
  });
  return { problems, emitted };
}

/** Run one vector through the CLI's code path (`translateRequest`, WASM checksum) and check the answer. */
export function runVector(v: Vector): VectorRun {
  return checkAnswer(v, translateRequest(sessionFor(v.config), v.input));
}

/** Run one vector through a session over the reference checksum, for comparison with {@link runVector}. */
export function runVectorReference(v: Vector): { answer: TranslateAnswer; run: VectorRun } {
  const answer = translateRequest(referenceSessionFor(v.config), v.input);
  return { answer, run: checkAnswer(v, answer) };
}

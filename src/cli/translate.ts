/**
 * `xlat464 translate --config FILE`: the translator core as a line-oriented filter, for operators
 * (what does the translator do with this packet?) and for conformance tests, which drive the core
 * through exactly this code path.
 *
 * One JSON object per line on stdin, one JSON object per line on stdout, in order:
 *
 *   in:  {"from":"ipv4","tenant":"blue","packet":"4500..."}   (tenant optional with one tenant)
 *        {"from":"ipv6","packet":"6000..."}
 *   out: {"emit":[{"to":"ipv6","packet":"6000..."}],"drop":null}
 *        {"emit":[{"to":"ipv4","tenant":"blue","packet":"4500..."}],"drop":"64.ttl-expired"}
 *        {"error":"line 3: packet: expected an even number of hex digits, got 5"}
 *
 * `emit` lists every packet the input caused, in emission order; `drop` is the verdict's reason or
 * null. Both are present when the input is dropped and answered with an ICMP error. A line that is
 * not a valid request gets `{"error":...}` and the stream goes on. Input is read with readline
 * (streaming) and output respects stdout backpressure, so memory stays constant on any input size.
 *
 * Checksums run as in the daemon (src/service/worker.ts): a session loads `WasmChecksum` once and
 * takes its packet buffer and the translator's scratch from the module's arena, so full sums of
 * `jsCutoff` (40) octets and more run in WASM and shorter ones in JavaScript. Only when the .wasm
 * cannot be loaded does the session fall back to the reference checksum, saying so once on stderr.
 */
import type { Command } from 'commander';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { referenceChecksum, WasmChecksum, type Checksum } from '../checksum/index.js';
import { XlatError } from '../errors.js';
import { loadConfig, type LoadedConfig } from '../config/index.js';
import { HEADROOM, SCRATCH_LEN, TO_IPV4, Translator, Verdict } from '../translate/index.js';
import { EXIT_BAD_INPUT, EXIT_OK, errorLine } from './common.js';

/** Largest packet a request may carry, octets (the IPv4 / IPv6 length fields' limit plus the IPv6 header). */
export const MAX_PACKET_LEN = 65535 + 40;

/** One packet the translator emitted, as the CLI prints it. `tenant` is present for `to: "ipv4"` only. */
export interface EmitRecord {
  to: 'ipv4' | 'ipv6';
  tenant?: string | null;
  packet: string;
}

/** The answer to one request line. */
export type TranslateAnswer = { emit: EmitRecord[]; drop: string | null } | { error: string };

/**
 * A translator plus the reusable buffers one stream of requests needs. Build one per config with
 * {@link createTranslateSession}, then call {@link translateRequest} / {@link translateLine} per input.
 */
export interface TranslateSession {
  readonly loaded: LoadedConfig;
  readonly translator: Translator;
  readonly verdict: Verdict;
  /** Input buffer: HEADROOM free octets, then the packet. In the WASM arena when `checksum` is WASM. */
  readonly buf: Uint8Array;
  /** The translator's scratch (SCRATCH_LEN octets): where it builds ICMP errors and fragments. Same memory as `buf`. */
  readonly scratch: Uint8Array;
  /** The checksum the translator uses: a `WasmChecksum` whose arena holds `buf` and the scratch, or the reference (fallback). */
  readonly checksum: Checksum;
}

/** Options for {@link createTranslateSession}. */
export interface TranslateSessionOptions {
  /** Where the checksum .wasm is (default: the built dist/wasm/checksum.wasm). For tests. */
  wasmUrl?: URL;
  /** Told, once per process, when the .wasm cannot be loaded and the reference checksum is used. Default: a line on stderr. */
  onFallback?: (message: string) => void;
}

/** Octets of WASM memory a session takes: the packet buffer and the scratch, each 64-octet aligned, plus alignment slack. */
export const SESSION_ARENA_LEN = HEADROOM + MAX_PACKET_LEN + SCRATCH_LEN + 2 * 64;

let fallbackReported = false;

/**
 * A session over a checked configuration (from `loadConfig` or `checkConfig`).
 *
 * @example
 *   const s = createTranslateSession(checkConfig({ translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' },
 *                                                 tenants: [{ name: 'blue', prefix: 'fd00:64:1::/64' }] }));
 *   translateLine(s, '{"from":"ipv4","packet":"4500..."}'); // '{"emit":[...],"drop":null}'
 */
export function createTranslateSession(loaded: LoadedConfig, options: TranslateSessionOptions = {}): TranslateSession {
  let checksum: Checksum;
  let buf: Uint8Array;
  let scratch: Uint8Array;
  try {
    const cs = WasmChecksum.load({ memoryBytes: SESSION_ARENA_LEN, ...(options.wasmUrl ? { wasmUrl: options.wasmUrl } : {}) });
    buf = cs.arena(HEADROOM + MAX_PACKET_LEN);
    scratch = cs.arena(SCRATCH_LEN);
    checksum = cs;
  } catch (e) {
    // Only a missing or invalid .wasm falls back; anything else is a bug and must surface.
    if (!(e instanceof XlatError) || e.code !== 'ERR_XLAT_WASM_LOAD') throw e;
    if (!fallbackReported) {
      fallbackReported = true;
      const say = options.onFallback ?? ((m: string) => process.stderr.write(m + '\n'));
      say(`xlat464 translate: ${e.message}; using the reference checksum (same results, slower)`);
    }
    checksum = referenceChecksum;
    buf = new Uint8Array(HEADROOM + MAX_PACKET_LEN);
    scratch = new Uint8Array(SCRATCH_LEN);
  }
  return {
    loaded,
    translator: new Translator(loaded.table, loaded.translator, checksum, scratch),
    verdict: new Verdict(),
    buf,
    scratch,
    checksum,
  };
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function hexToBytes(hex: string, out: Uint8Array, off: number): void {
  for (let i = 0; i < hex.length; i += 2) out[off + i / 2] = parseInt(hex.slice(i, i + 2), 16);
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Octets of a hex string (no separators). @throws RangeError on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  if (!HEX.test(hex)) throw new RangeError(`expected hex digits in pairs, got ${JSON.stringify(hex.slice(0, 40))}`);
  const out = new Uint8Array(hex.length / 2);
  hexToBytes(hex, out, 0);
  return out;
}

const KEYS = new Set(['from', 'tenant', 'packet']);

/**
 * Translate one parsed request object. Never throws: a malformed request is `{error}`.
 * The packet is copied into the session buffer at HEADROOM, so the caller's data is not touched.
 */
export function translateRequest(s: TranslateSession, req: unknown): TranslateAnswer {
  if (typeof req !== 'object' || req === null || Array.isArray(req)) return { error: 'expected a JSON object {"from","packet"[,"tenant"]}' };
  const r = req as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!KEYS.has(k)) return { error: `unknown field ${JSON.stringify(k)} (expected from, tenant, packet)` };
  const { from, tenant, packet } = r;
  if (from !== 'ipv4' && from !== 'ipv6') return { error: `from: expected "ipv4" or "ipv6", got ${JSON.stringify(from) ?? 'nothing'}` };
  if (typeof packet !== 'string') return { error: `packet: expected a hex string, got ${JSON.stringify(packet) ?? 'nothing'}` };
  if (!HEX.test(packet)) return { error: `packet: expected an even number of hex digits and nothing else (length ${packet.length})` };
  const len = packet.length / 2;
  if (len > MAX_PACKET_LEN) return { error: `packet: ${len} octets is longer than ${MAX_PACKET_LEN}` };

  const table = s.translator.table;
  let t = -1;
  if (from === 'ipv4') {
    if (tenant === undefined) {
      if (table.size !== 1) return { error: `tenant: required when the configuration has ${table.size} tenants` };
      t = 0;
    } else if (typeof tenant !== 'string') {
      return { error: `tenant: expected a tenant name, got ${JSON.stringify(tenant)}` };
    } else {
      t = table.indexOf(tenant);
      if (t < 0) return { error: `tenant: no tenant called ${JSON.stringify(tenant)}` };
    }
  } else if (tenant !== undefined) {
    return { error: 'tenant: only IPv4 input comes from a tenant; IPv6 input comes from the fabric' };
  }

  hexToBytes(packet, s.buf, HEADROOM);
  const v = s.verdict;
  if (from === 'ipv4') s.translator.from4(t, s.buf, HEADROOM, len, v);
  else s.translator.from6(s.buf, HEADROOM, len, v);
  return answerOf(s, v);
}

/** The verdict as the CLI prints it. A TO_IPV4 tenant index outside the table prints as null (a translator bug). */
export function answerOf(s: TranslateSession, v: Verdict): { emit: EmitRecord[]; drop: string | null } {
  const table = s.translator.table;
  const emit: EmitRecord[] = [];
  for (let i = 0; i < v.count; i++) {
    const packet = toHex(v.packet(i));
    if (v.to[i] === TO_IPV4) {
      const ti = v.tenant[i]!;
      emit.push({ to: 'ipv4', tenant: ti >= 0 && ti < table.size ? table.nameOf(ti) : null, packet });
    } else {
      emit.push({ to: 'ipv6', packet });
    }
  }
  return { emit, drop: v.drop };
}

/** One request line in, one answer line out (no trailing newline). `lineNo` (1-based) prefixes errors. */
export function translateLine(s: TranslateSession, line: string, lineNo?: number): string {
  let req: unknown;
  let ans: TranslateAnswer;
  try {
    req = JSON.parse(line) as unknown;
    ans = translateRequest(s, req);
  } catch (e) {
    ans = { error: `invalid JSON: ${(e as Error).message}` };
  }
  if ('error' in ans && lineNo !== undefined) ans = { error: `line ${lineNo}: ${ans.error}` };
  return JSON.stringify(ans);
}

/**
 * Run the filter: every line of `input` gets one line on `output`, in order. Resolves at end of input.
 * Waits for 'drain' when `output` is full, so a slow reader never makes the process buffer without bound.
 */
export async function translateStream(s: TranslateSession, input: Readable, output: Writable): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (!output.write(translateLine(s, line, n) + '\n')) await once(output, 'drain');
  }
}

interface TranslateOptions {
  config: string;
}

/** Register `translate` on the program. */
export function register(program: Command): void {
  program
    .command('translate')
    .description('translate packets given as JSON lines on stdin ({"from":"ipv4"|"ipv6","tenant"?,"packet":hex}); one JSON line out per line in')
    .requiredOption('--config <file>', 'configuration file (.yaml, .yml or .json)')
    .action(async (opts: TranslateOptions) => {
      let session: TranslateSession;
      try {
        session = createTranslateSession(loadConfig(opts.config));
      } catch (e) {
        process.stderr.write(errorLine(e) + '\n');
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      await translateStream(session, process.stdin, process.stdout);
      process.exitCode = EXIT_OK;
    });
}

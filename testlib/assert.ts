/**
 * Assertions and literals shared by the unit tests (kept out of test/, where node --test would run
 * this file as a test).
 */
import assert from 'node:assert/strict';
import { XlatError } from '../src/errors.js';

/** Asserts that `fn` throws an XlatError with `code` whose message contains every one of `parts`. */
export function refuses(fn: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof XlatError, `expected XlatError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

/** Bytes from hex octets separated by white space, as packets are written in the tests. */
export const hex = (s: string): Uint8Array => Uint8Array.from(s.trim().split(/\s+/), (h) => parseInt(h, 16));

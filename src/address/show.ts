/**
 * Quoting values for error messages without ever throwing.
 *
 * `show()` from errors.ts throws on a few values (`[0n, Object.create(null)]`: JSON.stringify
 * refuses the BigInt, then String() cannot convert the null-prototype object). Configuration
 * validation must throw only XlatError whatever it is given, so the address library quotes
 * through this wrapper.
 */
import { show } from '../errors.js';

/** Like `show()`: strings in JSON quotes, the rest as JSON; a plain description if that fails. */
export function showAny(value: unknown): string {
  try {
    return show(value);
  } catch {
    return Array.isArray(value) ? `an array of ${value.length}` : `a value of type ${typeof value}`;
  }
}

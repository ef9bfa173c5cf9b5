/**
 * The one error type xlat464 throws on purpose.
 *
 * Throwing is for configuration and programmer errors only; packets never throw, they get a
 * verdict. Codes are stable (`ERR_XLAT_BAD_PREFIX`) so tools can match on them, and the message
 * names the field path and the value received, after Node core's errors.
 *
 * @example
 *   throw new XlatError('ERR_XLAT_BAD_IPV4', 'expected a dotted-quad IPv4 address, got "010.0.0.1"', 'tenants[0].ipv4[1]');
 *   // message: 'tenants[0].ipv4[1]: expected a dotted-quad IPv4 address, got "010.0.0.1"'
 */
export class XlatError extends Error {
  /** A stable code, `ERR_XLAT_*`. */
  readonly code: string;
  /** Where the bad value was, as a field path (`tenants[2].prefix`), or '' when it was a bare argument. */
  readonly path: string;
  /** The message without the path prefix. */
  readonly detail: string;

  constructor(code: string, detail: string, path = '') {
    super(path ? `${path}: ${detail}` : detail);
    this.name = 'XlatError';
    this.code = code;
    this.path = path;
    this.detail = detail;
  }

  /** The same error, reported at `path` (used when a value parser is called for a config field). */
  at(path: string): XlatError {
    return new XlatError(this.code, this.detail, path);
  }
}

/** Quote a received value for an error message: strings in JSON quotes, the rest as JSON or String(). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const s = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    if (s !== undefined) return s.length > 120 ? s.slice(0, 117) + '...' : s;
  } catch {
    // cycles and exotic objects fall through
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value); // e.g. Object.create(null) has no toString
  }
}

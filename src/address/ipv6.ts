/**
 * IPv6 addresses as text and as bytes.
 *
 * Parsing: RFC 4291 §2.2 — eight groups of 1–4 hex digits, one optional `::`, optionally the
 * last two groups as a dotted quad (itself read strictly, see ipv4.ts). Zone ids (RFC 4007
 * `%eth0`), brackets, whitespace and five-digit groups are refused: a translator's addresses
 * are global configuration, never link-scoped.
 *
 * Formatting: RFC 5952 §4 — lowercase, leading zeros dropped, the longest run of two or more
 * zero groups as `::` (the first on a tie), a single zero group kept as `0`. RFC 5952 §5 —
 * IPv4-mapped addresses (`::ffff:0:0/96`, RFC 4291 §2.5.5.2) are written in mixed notation.
 *
 * On the hot path an IPv6 address is 16 bytes in place: a `Uint8Array` and an offset.
 */
import { XlatError, show } from '../errors.js';
import { readIPv4, formatIPv4 } from './ipv4.js';

const CH_COLON = 0x3a;
const CH_DOT = 0x2e;

/** Value of a hex digit character code, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// Groups are collected here before the `::` gap is known; parsing is not re-entrant anyway.
const groups = new Uint16Array(8);

/**
 * Reads RFC 4291 IPv6 text into 16 bytes at `out[off]`, or returns false. Never throws.
 *
 * @param text the string to read from
 * @param start index of the first character (inclusive)
 * @param end index after the last character (exclusive)
 * @param out receives the address in network byte order (written only on success)
 * @param off where in `out` the 16 bytes go
 * @example readIPv6('2001:db8::1', 0, 11, buf, 0) === true
 */
export function readIPv6(text: string, start: number, end: number, out: Uint8Array, off: number): boolean {
  if (end - start < 2) return false;
  let n = 0; // groups read
  let gap = -1; // index in `groups` where `::` stands
  let i = start;
  if (text.charCodeAt(i) === CH_COLON) {
    // Only `::` may open an address; a lone leading colon is a typo.
    if (text.charCodeAt(i + 1) !== CH_COLON) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    if (n === 8) return false;
    const first = i;
    let value = 0;
    while (i < end) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      i++;
    }
    const digits = i - first;
    if (i < end && text.charCodeAt(i) === CH_DOT) {
      // RFC 4291 §2.2 form 3: the dotted quad is the last 32 bits and nothing follows it.
      if (n > 6) return false;
      const v4 = readIPv4(text, first, end);
      if (v4 < 0) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return false;
    groups[n++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== CH_COLON) return false;
    i++;
    if (i < end && text.charCodeAt(i) === CH_COLON) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    } else if (i === end) {
      return false; // trailing single colon
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  const zeros = 8 - n;
  let g = 0;
  for (let k = 0; k < 8; k++) {
    const inGap = gap >= 0 && k >= gap && k < gap + zeros;
    const v = inGap ? 0 : (groups[g++] as number);
    out[off + 2 * k] = v >>> 8;
    out[off + 2 * k + 1] = v & 0xff;
  }
  return true;
}

/**
 * Parses operator input as an IPv6 address (RFC 4291 §2.2 text forms, no zone id).
 *
 * @param text e.g. `'2001:db8::1'`, `'64:ff9b::192.0.2.33'`
 * @returns a new 16-byte array in network byte order
 * @throws XlatError `ERR_XLAT_BAD_IPV6` naming the value
 * @example parseIPv6('::1')[15] === 1
 */
export function parseIPv6(text: unknown): Uint8Array {
  const out = new Uint8Array(16);
  if (typeof text !== 'string') {
    throw new XlatError('ERR_XLAT_BAD_IPV6', `expected an IPv6 address string, got ${show(text)}`);
  }
  if (!readIPv6(text, 0, text.length, out, 0)) {
    throw new XlatError('ERR_XLAT_BAD_IPV6', `expected an IPv6 address (RFC 4291 text, no zone id), got ${show(text)}`);
  }
  return out;
}

/** True if `text` is an IPv6 address that {@link parseIPv6} accepts. */
export function isIPv6(text: string): boolean {
  return readIPv6(text, 0, text.length, scratch, 0);
}
const scratch = new Uint8Array(16);

/**
 * How {@link formatIPv6} writes the last 32 bits.
 * - `'auto'`: dotted only for IPv4-mapped `::ffff:0:0/96` (RFC 5952 §5)
 * - `'hex'`: never dotted
 * - `'dotted'`: always dotted (RFC 6052 §2.4 writes /96 IPv4-embedded addresses this way)
 */
export type Ipv6Tail = 'auto' | 'hex' | 'dotted';

function isMapped(b: Uint8Array, off: number): boolean {
  for (let k = 0; k < 10; k++) if (b[off + k] !== 0) return false;
  return b[off + 10] === 0xff && b[off + 11] === 0xff;
}

/**
 * Formats 16 bytes as RFC 5952 canonical text.
 *
 * @param bytes the address in network byte order
 * @param off where the 16 bytes start
 * @param tail how to write the last 32 bits, see {@link Ipv6Tail}
 * @example formatIPv6(parseIPv6('2001:0db8:0:0:1:0:0:1')) === '2001:db8::1:0:0:1'
 * @example formatIPv6(parseIPv6('::ffff:c000:221')) === '::ffff:192.0.2.33'
 */
export function formatIPv6(bytes: Uint8Array, off = 0, tail: Ipv6Tail = 'auto'): string {
  const dotted = tail === 'dotted' || (tail === 'auto' && isMapped(bytes, off));
  // RFC 5952 §5: the §4 rules apply to the leading hexadecimal part only.
  const hexGroups = dotted ? 6 : 8;
  let bestAt = -1;
  let bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
  for (let k = 0; k < hexGroups; ) {
    if (bytes[off + 2 * k] === 0 && bytes[off + 2 * k + 1] === 0) {
      let e = k;
      while (e < hexGroups && bytes[off + 2 * e] === 0 && bytes[off + 2 * e + 1] === 0) e++;
      // RFC 5952 §4.2.3: strictly longer wins, so the first run wins a tie.
      if (e - k > bestLen) {
        bestAt = k;
        bestLen = e - k;
      }
      k = e;
    } else {
      k++;
    }
  }
  let s = '';
  for (let k = 0; k < hexGroups; k++) {
    if (k === bestAt) {
      s += '::';
      k += bestLen - 1;
      continue;
    }
    if (k > 0 && !s.endsWith(':')) s += ':';
    s += (((bytes[off + 2 * k] as number) << 8) | (bytes[off + 2 * k + 1] as number)).toString(16);
  }
  if (dotted) {
    if (!s.endsWith(':')) s += ':';
    const v4 =
      (((bytes[off + 12] as number) << 24) |
        ((bytes[off + 13] as number) << 16) |
        ((bytes[off + 14] as number) << 8) |
        (bytes[off + 15] as number)) >>>
      0;
    s += formatIPv4(v4);
  }
  return s;
}

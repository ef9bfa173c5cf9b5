/**
 * IPv4 addresses as text and as numbers.
 *
 * RFC 791 §3.2 / RFC 1123 §2.1 dotted-quad text, read strictly: operator input that some C
 * libraries would accept (`010.0.0.1` as octal, `0x0a.0.0.1`, `1.2.3` with a 16-bit tail,
 * surrounding whitespace) is refused, because the same text means different addresses to
 * different tools and a translator that guesses sends traffic to the wrong tenant.
 *
 * On the hot path an IPv4 address is a 32-bit unsigned integer held in a `number`
 * (`192.0.2.33` is `0xc0000221`); keep it unsigned with `>>> 0` after bit operations.
 */
import { XlatError, show } from '../errors.js';

const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_DOT = 0x2e;

/**
 * Reads a dotted-quad IPv4 address, or returns -1. Never throws, never allocates.
 *
 * Used where IPv4 text is embedded in something else (the dotted tail of an IPv6 address) and
 * the caller reports the error with its own code.
 *
 * @param text the string to read from
 * @param start index of the first character (inclusive)
 * @param end index after the last character (exclusive)
 * @returns the address as an unsigned 32-bit number, or -1 if `text[start, end)` is not
 *   exactly four decimal octets 0..255 without leading zeros
 * @example readIPv4('192.0.2.33', 0, 10) === 0xc0000221
 */
export function readIPv4(text: string, start: number, end: number): number {
  let value = 0;
  let parts = 0;
  let i = start;
  while (parts < 4) {
    const first = i;
    let octet = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < CH_0 || c > CH_9) break;
      octet = octet * 10 + (c - CH_0);
      i++;
    }
    const digits = i - first;
    // A leading zero would mean octal to inet_aton(3); refuse rather than pick a meaning.
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(first) === CH_0)) return -1;
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (i >= end || text.charCodeAt(i) !== CH_DOT) return -1;
      i++;
    }
  }
  return i === end ? value : -1;
}

/**
 * Parses operator input as a dotted-quad IPv4 address.
 *
 * @param text e.g. `'192.0.2.33'`
 * @returns the address as an unsigned 32-bit number
 * @throws XlatError `ERR_XLAT_BAD_IPV4` naming the value, for anything but four decimal octets
 * @example parseIPv4('192.0.2.33') === 0xc0000221; parseIPv4('010.0.0.1') // throws
 */
export function parseIPv4(text: unknown): number {
  if (typeof text !== 'string') {
    throw new XlatError('ERR_XLAT_BAD_IPV4', `expected a dotted-quad IPv4 address string, got ${show(text)}`);
  }
  const v = readIPv4(text, 0, text.length);
  if (v < 0) throw new XlatError('ERR_XLAT_BAD_IPV4', `expected a dotted-quad IPv4 address, got ${show(text)}`);
  return v;
}

/** True if `text` is a dotted-quad IPv4 address that {@link parseIPv4} accepts. */
export function isIPv4(text: string): boolean {
  return readIPv4(text, 0, text.length) >= 0;
}

/**
 * Formats an unsigned 32-bit number as dotted-quad text.
 *
 * @param v4 the address, 0..2^32-1
 * @example formatIPv4(0xc0000221) === '192.0.2.33'
 */
export function formatIPv4(v4: number): string {
  return `${(v4 >>> 24) & 255}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`;
}

/**
 * The netmask of an IPv4 prefix length as an unsigned 32-bit number.
 *
 * @param len prefix length in bits, 0..32
 * @example mask4(24) === 0xffffff00; mask4(0) === 0
 */
export function mask4(len: number): number {
  // `x << 32` is `x << 0` in JavaScript, so /0 needs its own case.
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

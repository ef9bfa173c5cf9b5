/**
 * IPv4-embedded IPv6 addresses.
 *
 * RFC 6052 §2.2 (address format): the IPv4 address follows the prefix, for prefix lengths
 * 32, 40, 48, 56, 64 and 96 only; bits 64–71 (the "u" octet, RFC 4291 appendix A) "MUST be
 * set to zero", so IPv4 octets that would land there move one octet to the right; the
 * remaining suffix bits "SHOULD be set to zero".
 *
 *   PL  |0-------32--40--48--56--64--72--80--88--96--104---------|
 *   32  |     prefix    |v4(32)         | u | suffix                    |
 *   40  |     prefix        |v4(24)     | u |(8)| suffix                |
 *   48  |     prefix            |v4(16) | u | (16)  | suffix            |
 *   56  |     prefix                |(8)| u |  v4(24)   | suffix        |
 *   64  |     prefix                    | u |   v4(32)      | suffix    |
 *   96  |     prefix                                    |    v4(32)     |
 *
 * On decode the u octet is checked (non-zero does not decode) and the suffix is ignored:
 * RFC 6052 gives no receive rule for the suffix, it reserves it "for future extensions".
 *
 * RFC 6052 §2.4 (text): the RFC writes /96 examples in mixed notation (`64:ff9b::192.0.2.33`,
 * `2001:db8:122:344::192.0.2.33`) and RFC 5952 §5 allows it "if it is known by some external
 * method that a given prefix is used to embed IPv4". {@link embedIPv4} knows exactly that, so
 * it returns mixed notation for /96 and plain RFC 5952 hex for the other lengths (where the
 * IPv4 octets are not the last 32 bits and a dotted tail would be wrong).
 *
 * RFC 6052 §3.1: the Well-Known Prefix 64:ff9b::/96 never carries a non-global IPv4 address
 * (see special.ts), neither when embedding nor when extracting.
 */
import { XlatError, show } from '../errors.js';
import { parseIPv4, formatIPv4 } from './ipv4.js';
import { parseIPv6, formatIPv6 } from './ipv6.js';
import { parsePrefix6, formatPrefix6, contains6, type Prefix6 } from './prefix.js';
import { isGlobalIPv4, nonGlobalBlock } from './special.js';

/** The prefix lengths RFC 6052 §2.2 defines, in bits. */
export const RFC6052_LENGTHS: readonly number[] = Object.freeze([32, 40, 48, 56, 64, 96]);

/** True if `len` (bits) is one of {@link RFC6052_LENGTHS}. */
export function isRfc6052Length(len: number): boolean {
  return len === 32 || len === 40 || len === 48 || len === 56 || len === 64 || len === 96;
}

/** The byte index of the u octet (bits 64–71). */
export const U_OCTET = 8;

/** RFC 6052 §2.1 Well-Known Prefix 64:ff9b::/96 as text. */
export const WELL_KNOWN_PREFIX = '64:ff9b::/96';
const WKP_BYTES = parseIPv6('64:ff9b::');

/**
 * True if the first `len` bits at `buf[off..]` are exactly the Well-Known Prefix and `len` is 96.
 * Allocates nothing.
 */
export function isWellKnownPrefix(buf: Uint8Array, off: number, len: number): boolean {
  if (len !== 96) return false;
  for (let k = 0; k < 12; k++) if (buf[off + k] !== WKP_BYTES[k]) return false;
  return true;
}

/**
 * Parses an RFC 6052 prefix: a strict IPv6 prefix whose length is one of 32, 40, 48, 56, 64,
 * 96 and, for /96, whose u octet (bits 64–71, inside the prefix) is zero.
 *
 * @throws XlatError `ERR_XLAT_BAD_PREFIX` (syntax, host bits, length) or
 *   `ERR_XLAT_BAD_U_OCTET`, naming the value
 * @example parseRfc6052Prefix('2001:db8:100::/40').len === 40
 */
export function parseRfc6052Prefix(text: unknown): Prefix6 {
  const p = parsePrefix6(text);
  checkRfc6052Prefix(p, text);
  return p;
}

/** Throws unless `p` is usable as an RFC 6052 prefix; `text` is what to show in the error. */
export function checkRfc6052Prefix(p: Prefix6, text: unknown = formatPrefix6(p)): void {
  if (!isRfc6052Length(p.len)) {
    throw new XlatError(
      'ERR_XLAT_BAD_PREFIX',
      `expected an RFC 6052 prefix length (32,40,48,56,64,96), got /${p.len} in ${show(text)}`,
    );
  }
  if (p.bytes[U_OCTET] !== 0) {
    throw new XlatError('ERR_XLAT_BAD_U_OCTET', `bits 64-71 of an RFC 6052 prefix must be zero (RFC 6052 §2.2), got ${show(text)}`);
  }
}

/**
 * Writes the IPv4-embedded IPv6 address for `v4` under a prefix. Hot path: no checks, no
 * allocation. The caller guarantees `len` is an RFC 6052 length and the prefix's u octet is 0.
 *
 * @param prefix bytes holding the prefix (at least `len / 8` of them)
 * @param pOff where the prefix starts in `prefix`
 * @param len prefix length in bits (32, 40, 48, 56, 64 or 96)
 * @param v4 unsigned 32-bit IPv4 address
 * @param out receives 16 bytes
 * @param off where they go
 * @example embed4(prefixBytes, 0, 96, 0xc0000221, out, 0) // out = 64:ff9b::c000:221
 */
export function embed4(prefix: Uint8Array, pOff: number, len: number, v4: number, out: Uint8Array, off: number): void {
  const n = len >>> 3;
  for (let k = 0; k < n; k++) out[off + k] = prefix[pOff + k] as number;
  let pos = n;
  for (let shift = 24; shift >= 0; shift -= 8) {
    if (pos === U_OCTET) out[off + pos++] = 0;
    out[off + pos++] = (v4 >>> shift) & 0xff;
  }
  for (; pos < 16; pos++) out[off + pos] = 0;
}

/**
 * Reads the IPv4 address embedded after a `len`-bit prefix. Hot path: checks neither the prefix
 * bits (the caller matched them) nor the u octet (the caller checks `buf[off + U_OCTET] === 0`
 * first: RFC 6052 §2.2), allocates nothing.
 *
 * @param buf holds the IPv6 address
 * @param off where its 16 bytes start
 * @param len prefix length in bits (32, 40, 48, 56, 64 or 96)
 * @returns the IPv4 address's 32 bits as a SIGNED integer (`>>> 0` gives the unsigned value)
 * @example extract4(parseIPv6('2001:db8:1c0:2:21::'), 0, 40) >>> 0 === 0xc0000221
 */
export function extract4(buf: Uint8Array, off: number, len: number): number {
  let pos = len >>> 3;
  let v = 0;
  for (let k = 0; k < 4; k++) {
    if (pos === U_OCTET) pos++;
    v = (v << 8) | (buf[off + pos++] as number);
  }
  // Signed: an unsigned value of 2^31 or more is no small integer to V8 and would be boxed on the
  // heap each time it is returned across a call the compiler did not inline.
  return v | 0;
}

/** Text of an embedded address: mixed notation for /96, see the file comment. */
export function formatEmbedded(bytes: Uint8Array, off: number, len: number): string {
  return formatIPv6(bytes, off, len === 96 ? 'dotted' : 'hex');
}

/**
 * RFC 6052 §2.2: the IPv4-embedded IPv6 address of `ipv4` under `prefix`.
 *
 * @param prefix an RFC 6052 prefix, e.g. `'2001:db8:100::/40'`
 * @param ipv4 a dotted-quad address
 * @returns RFC 5952 text; mixed notation for /96 prefixes (RFC 6052 §2.4)
 * @throws XlatError `ERR_XLAT_BAD_PREFIX`, `ERR_XLAT_BAD_U_OCTET`, `ERR_XLAT_BAD_IPV4`, or
 *   `ERR_XLAT_NON_GLOBAL` (Well-Known Prefix with a non-global address, RFC 6052 §3.1)
 * @example embedIPv4('2001:db8:100::/40', '192.0.2.33') === '2001:db8:1c0:2:21::'
 * @example embedIPv4('64:ff9b::/96', '198.51.100.7') // throws ERR_XLAT_NON_GLOBAL (TEST-NET-2)
 */
export function embedIPv4(prefix: string, ipv4: string): string {
  const p = parseRfc6052Prefix(prefix);
  const v4 = parseIPv4(ipv4);
  if (isWellKnownPrefix(p.bytes, 0, p.len)) checkGlobal(v4, ipv4);
  const out = new Uint8Array(16);
  embed4(p.bytes, 0, p.len, v4, out, 0);
  return formatEmbedded(out, 0, p.len);
}

/**
 * RFC 6052 §2.3: the IPv4 address embedded in `ipv6` under `prefix`.
 *
 * @param prefix an RFC 6052 prefix, e.g. `'2001:db8:100::/40'`
 * @param ipv6 an address inside it
 * @returns dotted-quad text
 * @throws XlatError `ERR_XLAT_NOT_IN_PREFIX` if the address is outside the prefix,
 *   `ERR_XLAT_BAD_U_OCTET` if bits 64–71 are not zero, `ERR_XLAT_NON_GLOBAL` for the
 *   Well-Known Prefix with a non-global address, or a parse error
 * @example extractIPv4('2001:db8:100::/40', '2001:db8:1c0:2:21::') === '192.0.2.33'
 */
export function extractIPv4(prefix: string, ipv6: string): string {
  const p = parseRfc6052Prefix(prefix);
  const a = parseIPv6(ipv6);
  if (!contains6(p, a, 0)) {
    throw new XlatError('ERR_XLAT_NOT_IN_PREFIX', `address is not inside ${formatPrefix6(p)}, got ${show(ipv6)}`);
  }
  if (a[U_OCTET] !== 0) {
    throw new XlatError('ERR_XLAT_BAD_U_OCTET', `bits 64-71 must be zero in an IPv4-embedded address (RFC 6052 §2.2), got ${show(ipv6)}`);
  }
  const v4 = extract4(a, 0, p.len) >>> 0;
  if (isWellKnownPrefix(p.bytes, 0, p.len)) checkGlobal(v4, ipv6);
  return formatIPv4(v4);
}

function checkGlobal(v4: number, shown: string): void {
  if (isGlobalIPv4(v4)) return;
  const b = nonGlobalBlock(v4);
  throw new XlatError(
    'ERR_XLAT_NON_GLOBAL',
    `the Well-Known Prefix ${WELL_KNOWN_PREFIX} must not carry a non-global IPv4 address (RFC 6052 §3.1; ${formatIPv4(v4)} is in ${b?.prefix} ${b?.name}), got ${show(shown)}`,
  );
}

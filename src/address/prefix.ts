/**
 * IPv4 and IPv6 prefixes: CIDR text (RFC 4632 §3.1, RFC 4291 §2.3), strict.
 *
 * A prefix with bits set after its length (`192.0.2.1/24`, `2001:db8::1/64`) is refused
 * instead of being masked: it is almost always a typo for a different prefix or a host
 * address, and silently masking it would map a tenant somewhere the operator did not write.
 */
import { XlatError, show } from '../errors.js';
import { readIPv4, formatIPv4, mask4 } from './ipv4.js';
import { readIPv6, formatIPv6 } from './ipv6.js';

/** An IPv4 prefix: `addr` is an unsigned 32-bit number with no bits set after `len`. */
export interface Prefix4 {
  readonly addr: number;
  /** Prefix length in bits, 0..32. */
  readonly len: number;
}

/** An IPv6 prefix: 16 bytes in network order, all bits after `len` zero. */
export interface Prefix6 {
  readonly bytes: Uint8Array;
  /** Prefix length in bits, 0..128. */
  readonly len: number;
}

/** Options for the prefix parsers. */
export interface PrefixParseOptions {
  /** Accept a bare address as a host prefix (/32 or /128). Default false. */
  readonly allowBare?: boolean;
}

/** Reads a decimal prefix length without sign or leading zeros, or -1. */
function readLength(text: string, start: number, max: number): number {
  const digits = text.length - start;
  if (digits < 1 || digits > 3) return -1;
  if (digits > 1 && text.charCodeAt(start) === 0x30) return -1;
  let v = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v <= max ? v : -1;
}

/**
 * Parses an IPv4 prefix in CIDR notation.
 *
 * @param text e.g. `'192.0.2.0/24'`
 * @throws XlatError `ERR_XLAT_BAD_PREFIX` naming the value: bad address, length not 0..32,
 *   or host bits set
 * @example parsePrefix4('10.0.0.0/8') // { addr: 0x0a000000, len: 8 }
 */
export function parsePrefix4(text: unknown, options: PrefixParseOptions = {}): Prefix4 {
  if (typeof text !== 'string') {
    throw new XlatError('ERR_XLAT_BAD_PREFIX', `expected an IPv4 prefix string like "192.0.2.0/24", got ${show(text)}`);
  }
  const slash = text.indexOf('/');
  if (slash < 0 && options.allowBare) {
    const addr = readIPv4(text, 0, text.length);
    if (addr >= 0) return { addr, len: 32 };
  }
  const addr = slash < 0 ? -1 : readIPv4(text, 0, slash);
  if (addr < 0) {
    throw new XlatError('ERR_XLAT_BAD_PREFIX', `expected an IPv4 prefix like "192.0.2.0/24", got ${show(text)}`);
  }
  const len = readLength(text, slash + 1, 32);
  if (len < 0) {
    throw new XlatError('ERR_XLAT_BAD_PREFIX', `expected an IPv4 prefix length 0..32, got ${show(text)}`);
  }
  if ((addr & ~mask4(len)) !== 0) {
    throw new XlatError(
      'ERR_XLAT_BAD_PREFIX',
      `host bits set after /${len} (did you mean "${formatIPv4((addr & mask4(len)) >>> 0)}/${len}"?), got ${show(text)}`,
    );
  }
  return { addr, len };
}

/**
 * Parses an IPv6 prefix in CIDR notation.
 *
 * @param text e.g. `'2001:db8::/32'`
 * @throws XlatError `ERR_XLAT_BAD_PREFIX` naming the value: bad address, length not 0..128,
 *   or host bits set
 * @example parsePrefix6('64:ff9b::/96').len === 96
 */
export function parsePrefix6(text: unknown, options: PrefixParseOptions = {}): Prefix6 {
  if (typeof text !== 'string') {
    throw new XlatError('ERR_XLAT_BAD_PREFIX', `expected an IPv6 prefix string like "2001:db8::/32", got ${show(text)}`);
  }
  const bytes = new Uint8Array(16);
  const slash = text.indexOf('/');
  if (slash < 0 && options.allowBare && readIPv6(text, 0, text.length, bytes, 0)) return { bytes, len: 128 };
  if (slash < 0 || !readIPv6(text, 0, slash, bytes, 0)) {
    throw new XlatError('ERR_XLAT_BAD_PREFIX', `expected an IPv6 prefix like "2001:db8::/32", got ${show(text)}`);
  }
  const len = readLength(text, slash + 1, 128);
  if (len < 0) {
    throw new XlatError('ERR_XLAT_BAD_PREFIX', `expected an IPv6 prefix length 0..128, got ${show(text)}`);
  }
  if (!hostBitsZero6(bytes, len)) {
    const masked = new Uint8Array(bytes);
    clearHostBits6(masked, len);
    throw new XlatError(
      'ERR_XLAT_BAD_PREFIX',
      `host bits set after /${len} (did you mean "${formatIPv6(masked)}/${len}"?), got ${show(text)}`,
    );
  }
  return { bytes, len };
}

/** True if every bit of `bytes` from bit `len` on is zero. */
function hostBitsZero6(bytes: Uint8Array, len: number): boolean {
  const full = len >>> 3;
  const rem = len & 7;
  if (rem !== 0 && ((bytes[full] as number) & (0xff >>> rem)) !== 0) return false;
  for (let k = rem === 0 ? full : full + 1; k < 16; k++) if (bytes[k] !== 0) return false;
  return true;
}

/** Zeroes every bit of `bytes` from bit `len` on, in place. */
export function clearHostBits6(bytes: Uint8Array, len: number): void {
  const full = len >>> 3;
  const rem = len & 7;
  if (rem !== 0) bytes[full] = (bytes[full] as number) & ~(0xff >>> rem) & 0xff;
  for (let k = rem === 0 ? full : full + 1; k < 16; k++) bytes[k] = 0;
}

/** Formats an IPv4 prefix as CIDR text, e.g. `'192.0.2.0/24'`. */
export function formatPrefix4(p: Prefix4): string {
  return `${formatIPv4(p.addr)}/${p.len}`;
}

/** Formats an IPv6 prefix as RFC 5952 CIDR text, e.g. `'2001:db8::/32'`. */
export function formatPrefix6(p: Prefix6): string {
  return `${formatIPv6(p.bytes, 0, 'hex')}/${p.len}`;
}

/**
 * True if the first `len` bits of `a[aOff..]` and `b[bOff..]` are equal. Allocates nothing.
 *
 * @param len bits to compare, 0..128
 */
export function prefixEqual6(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  const full = len >>> 3;
  for (let k = 0; k < full; k++) if (a[aOff + k] !== b[bOff + k]) return false;
  const rem = len & 7;
  if (rem === 0) return true;
  const m = (0xff << (8 - rem)) & 0xff;
  return (((a[aOff + full] as number) ^ (b[bOff + full] as number)) & m) === 0;
}

/** True if the address at `buf[off..off+16)` lies in prefix `p`. */
export function contains6(p: Prefix6, buf: Uint8Array, off: number): boolean {
  return prefixEqual6(p.bytes, 0, buf, off, p.len);
}

/** True if prefix `outer` contains prefix `inner` (equal prefixes contain each other). */
export function covers6(outer: Prefix6, inner: Prefix6): boolean {
  return outer.len <= inner.len && prefixEqual6(outer.bytes, 0, inner.bytes, 0, outer.len);
}

/** True if two IPv6 prefixes share at least one address. */
export function overlaps6(a: Prefix6, b: Prefix6): boolean {
  return covers6(a, b) || covers6(b, a);
}

/** True if IPv4 prefix `p` contains the address `v4` (unsigned 32-bit). */
export function contains4(p: Prefix4, v4: number): boolean {
  return ((v4 & mask4(p.len)) >>> 0) === p.addr;
}

/**
 * Orders IPv6 prefixes by address, then shorter first, so that every prefix comes right
 * after the prefixes that contain it (the overlap checks sort with this).
 */
export function comparePrefix6(a: Prefix6, b: Prefix6): number {
  for (let k = 0; k < 16; k++) {
    const d = (a.bytes[k] as number) - (b.bytes[k] as number);
    if (d !== 0) return d;
  }
  return a.len - b.len;
}

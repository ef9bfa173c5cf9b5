/**
 * The ICMPv4 errors the 4->6 translator generates towards the IPv4 sender (RFC 7915 §4.4, §4.1):
 * Time Exceeded 11/0 (TTL expired in transit), Destination Unreachable 3/4 Fragmentation Needed
 * with the Next-Hop MTU (RFC 1191 §4), and 3/5 Source Route Failed.
 *
 * RFC 1812 §4.3.2.3: the error carries "as much of the original datagram as possible without the
 * length of the ICMP datagram exceeding 576 bytes". RFC 1812 §4.3.2.7: never in answer to an ICMP
 * error, to a fragment other than the first, or to a datagram whose source is not a unicast
 * address.
 */
import { put16, put32 } from './bytes.js';
import { referenceChecksum, type Checksum } from '../checksum/index.js';

/** RFC 1812 §4.3.2.3: the largest ICMPv4 error datagram, octets. */
export const ICMP4_ERROR_MAX = 576;
const IPV4_HL = 20;
const ICMP_HL = 8;
const TTL_OUT = 64;
const PROTO_ICMP = 1;

/** True for the ICMPv4 types that are errors (RFC 792, RFC 1812 §4.3.2.7). */
export function isIcmp4ErrorType(t: number): boolean {
  return t === 3 || t === 4 || t === 5 || t === 11 || t === 12;
}

/**
 * True when a u32 address is unicast as a source or destination the translator will handle:
 * not 0.0.0.0/8 ("this network"), not 127.0.0.0/8 (loopback), not 224.0.0.0/4 (multicast), not
 * 240.0.0.0/4 (reserved, with 255.255.255.255 the limited broadcast). Directed broadcasts cannot be
 * known to a translator and pass.
 */
export function isUnicast4(a: number): boolean {
  const top = a >>> 24;
  return top !== 0 && top !== 127 && top < 224;
}

/**
 * RFC 1812 §4.3.2.7: may the translator answer the IPv4 datagram at `buf[off]` with an ICMP error?
 * Not when it is a non-first fragment, its source is not unicast, or it is an ICMP error itself
 * (or an ICMP datagram whose type cannot be read). The header must have passed Ipv4View.check().
 */
export function mayAnswer4(buf: Uint8Array, off: number, len: number): boolean {
  const hl = (buf[off]! & 0x0f) * 4;
  if ((((buf[off + 6]! << 8) | buf[off + 7]!) & 0x1fff) !== 0) return false;
  const src = ((buf[off + 12]! << 24) | (buf[off + 13]! << 16) | (buf[off + 14]! << 8) | buf[off + 15]!) >>> 0;
  if (!isUnicast4(src)) return false;
  if (buf[off + 9] === PROTO_ICMP) {
    if (len <= hl) return false;
    if (isIcmp4ErrorType(buf[off + hl]!)) return false;
  }
  return true;
}

/**
 * Builds at `out[at]` an ICMPv4 error from `from` (the translator's IPv4 address, u32) to the
 * source of the datagram `buf[off, off+len)`, quoting as much of it as fits in 576 octets.
 * `rest` is the second ICMP word (the Next-Hop MTU for 3/4, in its low 16 bits). Returns the
 * length in octets. Allocates nothing.
 *
 * @example const n = buildIcmp4Error(scratch, 0, 0xc0000001, pkt, 28, len, 11, 0, 0, cs);
 */
export function buildIcmp4Error(
  out: Uint8Array,
  at: number,
  from: number,
  buf: Uint8Array,
  off: number,
  len: number,
  type: number,
  code: number,
  rest: number,
  cs: Checksum = referenceChecksum,
): number {
  const quoted = Math.min(len, ICMP4_ERROR_MAX - IPV4_HL - ICMP_HL);
  const total = IPV4_HL + ICMP_HL + quoted;
  const o = at;
  out[o] = 0x45;
  out[o + 1] = 0;
  put16(out, o + 2, total);
  put16(out, o + 4, 0); // Identification: stateless, nothing to count with
  put16(out, o + 6, 0);
  out[o + 8] = TTL_OUT;
  out[o + 9] = PROTO_ICMP;
  put16(out, o + 10, 0);
  put32(out, o + 12, from);
  // The destination is the datagram's source, copied as bytes.
  out[o + 16] = buf[off + 12]!;
  out[o + 17] = buf[off + 13]!;
  out[o + 18] = buf[off + 14]!;
  out[o + 19] = buf[off + 15]!;
  put16(out, o + 10, ~cs.sum16(out, o, IPV4_HL, 0) & 0xffff);
  const c = o + IPV4_HL;
  out[c] = type;
  out[c + 1] = code;
  put16(out, c + 2, 0);
  put32(out, c + 4, rest);
  for (let i = 0; i < quoted; i++) out[c + ICMP_HL + i] = buf[off + i]!;
  put16(out, c + 2, ~cs.sum16(out, c, ICMP_HL + quoted, 0) & 0xffff);
  return total;
}



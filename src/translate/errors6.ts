/**
 * ICMPv6 errors the 6->4 translator generates towards the IPv6 sender (RFC 7915 §5.1, §5.4):
 * Time Exceeded 3/0 (hop limit expired), Parameter Problem 4/0 (Routing header with Segments
 * Left > 0, RFC 7915 §5.1) and Packet Too Big 2/0 (RFC 7915 §5.1: DF would be set and the IPv4
 * packet exceeds the next-hop MTU). Format and limits: RFC 4443 §2.1, §2.3 (checksum with the RFC
 * 8200 §8.1 pseudo-header), §2.4(c) (at most 1280 octets), §2.4(e) (when never to send one).
 *
 * Built at the start of a scratch buffer; allocates nothing.
 */
import { copyBytes } from './bytes.js';
import { pseudoSum6, finish } from '../checksum/reference.js';
import type { Ipv6View } from '../packet/ipv6.js';
import { IPV6_HEADER_LEN, IPV6_SRC, IPV6_DST, IPV6_NEXT_HEADER, IPV6_HOP_LIMIT, IPV6_PAYLOAD_LEN } from '../packet/ipv6.js';
import { ICMPV6_HEADER_LEN, IPPROTO_ICMPV6 } from '../packet/icmpv6.js';
import type { TranslateContext } from './context.js';

/** RFC 8200 §5 minimum link MTU: RFC 4443 §2.4(c) caps an ICMPv6 error at this many octets. */
export const IPV6_MIN_MTU = 1280;
/** Hop Limit of generated errors (the common default; RFC 8200 leaves it to the node). */
export const ERROR_HOP_LIMIT = 64;

/**
 * True when RFC 4443 §2.4(e) (and the brief) forbid answering the checked IPv6 packet `ip` with an
 * ICMPv6 error: it is an ICMPv6 error itself (e.1), a non-first fragment (its sender cannot match
 * the quote to a flow; the first fragment gets the answer), or its source does not identify one
 * node (e.5: unspecified ::, multicast ff00::/8).
 */
export function mustNotAnswer6(ip: Ipv6View): boolean {
  const b = ip.buf;
  if (!ip.hasUpperHeader()) return true;
  if (ip.upperProto() === IPPROTO_ICMPV6 && (ip.upperLen() < 1 || b[ip.upperOff()]! < 128)) return true;
  const s = ip.srcOff();
  if (b[s] === 0xff) return true;
  let any = 0;
  for (let i = 0; i < 16; i++) any |= b[s + i]!;
  return any === 0;
}

/**
 * Writes an ICMPv6 error (type, code, 32-bit `rest`: pointer or MTU) answering the checked packet
 * `ip` into `out` at offset 0: source options.ipv6, destination the packet's source, then as much
 * of the packet as fits in 1280 octets. Returns the length written, or 0 when no error may be
 * sent ({@link mustNotAnswer6}). Call it before the input is rewritten in place.
 *
 * @example
 * const n = buildIcmp6Error(ctx, ip, 3, 0, 0, ctx.scratch);
 * if (n > 0) v.push(ctx.scratch, 0, n, TO_IPV6, tenant);
 */
export function buildIcmp6Error(ctx: TranslateContext, ip: Ipv6View, type: number, code: number, rest: number, out: Uint8Array): number {
  if (mustNotAnswer6(ip)) return 0;
  const b = ip.buf;
  const quoteLen = Math.min(ip.len, IPV6_MIN_MTU - IPV6_HEADER_LEN - ICMPV6_HEADER_LEN);
  const msgLen = ICMPV6_HEADER_LEN + quoteLen;
  const total = IPV6_HEADER_LEN + msgLen;
  if (out.length < total) return 0;
  // Quote first: `out` never aliases the input (scratch vs. packet buffer), order is for clarity.
  copyBytes(b, ip.off, out, IPV6_HEADER_LEN + ICMPV6_HEADER_LEN, quoteLen);
  out[0] = 0x60;
  out[1] = 0;
  out[2] = 0;
  out[3] = 0;
  out[IPV6_PAYLOAD_LEN] = msgLen >>> 8;
  out[IPV6_PAYLOAD_LEN + 1] = msgLen & 0xff;
  out[IPV6_NEXT_HEADER] = IPPROTO_ICMPV6;
  out[IPV6_HOP_LIMIT] = ERROR_HOP_LIMIT;
  copyBytes(ctx.options.ipv6, 0, out, IPV6_SRC, 16);
  copyBytes(b, ip.srcOff(), out, IPV6_DST, 16);
  const m = IPV6_HEADER_LEN;
  out[m] = type;
  out[m + 1] = code;
  out[m + 2] = 0;
  out[m + 3] = 0;
  out[m + 4] = (rest >>> 24) & 0xff;
  out[m + 5] = (rest >>> 16) & 0xff;
  out[m + 6] = (rest >>> 8) & 0xff;
  out[m + 7] = rest & 0xff;
  // RFC 4443 §2.3: the checksum covers the pseudo-header and the whole ICMPv6 message.
  const ck = finish(ctx.checksum.sum16(out, m, msgLen, pseudoSum6(out, IPV6_SRC, IPV6_DST, IPPROTO_ICMPV6, msgLen)));
  out[m + 2] = ck >>> 8;
  out[m + 3] = ck & 0xff;
  return total;
}

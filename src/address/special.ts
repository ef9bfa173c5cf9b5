/**
 * RFC 6890 §2.2.2 special-purpose IPv4 address blocks that are not globally reachable.
 *
 * RFC 6052 §3.1: "The Well-Known Prefix MUST NOT be used to represent non-global IPv4
 * addresses" and translators "MUST NOT translate packets in which an address is composed of
 * the Well-Known Prefix and a non-global IPv4 address; they MUST drop these packets."
 * "Non-global" is taken as the RFC 6890 registry rows whose "Global" column is False.
 *
 * Left out on purpose: 192.88.99.0/24 (6to4 Relay Anycast, Global True in RFC 6890, since
 * deprecated by RFC 7526) and 224.0.0.0/4 (multicast, not in the RFC 6890 table; whether a
 * multicast address may cross the WKP is RFC 7915's business, not RFC 6052's). Later IANA
 * updates that mark 192.0.0.9/32 and 192.0.0.10/32 globally reachable (RFC 7723, RFC 8155)
 * are not applied: RFC 6890 lists the whole 192.0.0.0/24 as non-global and that is what
 * the issue asks for.
 */
import { mask4 } from './ipv4.js';

/** One row of the RFC 6890 table: the block, its RFC name, and the RFC that reserved it. */
export interface SpecialBlock4 {
  readonly prefix: string;
  readonly name: string;
  readonly rfc: string;
  /** First address, unsigned 32-bit. */
  readonly addr: number;
  /** Prefix length in bits. */
  readonly len: number;
}

function row(prefix: string, name: string, rfc: string): SpecialBlock4 {
  const [a, l] = prefix.split('/') as [string, string];
  const addr = a.split('.').reduce((v, o) => v * 256 + Number(o), 0);
  return { prefix, name, rfc, addr, len: Number(l) };
}

/** RFC 6890 §2.2.2 blocks with "Global: False", in the RFC's order. */
export const NON_GLOBAL_IPV4: readonly SpecialBlock4[] = Object.freeze([
  row('0.0.0.0/8', '"This host on this network"', 'RFC 1122 §3.2.1.3'),
  row('10.0.0.0/8', 'Private-Use', 'RFC 1918'),
  row('100.64.0.0/10', 'Shared Address Space', 'RFC 6598'),
  row('127.0.0.0/8', 'Loopback', 'RFC 1122 §3.2.1.3'),
  row('169.254.0.0/16', 'Link Local', 'RFC 3927'),
  row('172.16.0.0/12', 'Private-Use', 'RFC 1918'),
  row('192.0.0.0/24', 'IETF Protocol Assignments', 'RFC 6890 §2.1'),
  row('192.0.0.0/29', 'DS-Lite', 'RFC 6333'),
  row('192.0.2.0/24', 'Documentation (TEST-NET-1)', 'RFC 5737'),
  row('192.168.0.0/16', 'Private-Use', 'RFC 1918'),
  row('198.18.0.0/15', 'Benchmarking', 'RFC 2544'),
  row('198.51.100.0/24', 'Documentation (TEST-NET-2)', 'RFC 5737'),
  row('203.0.113.0/24', 'Documentation (TEST-NET-3)', 'RFC 5737'),
  row('240.0.0.0/4', 'Reserved', 'RFC 1112 §4'),
  row('255.255.255.255/32', 'Limited Broadcast', 'RFC 919 §7'),
]);

// Flattened for the hot path: parallel arrays, no objects touched per packet.
const ADDRS = Uint32Array.from(NON_GLOBAL_IPV4, (b) => b.addr);
const MASKS = Uint32Array.from(NON_GLOBAL_IPV4, (b) => mask4(b.len));

/**
 * The RFC 6890 block an IPv4 address falls in, or undefined if it is globally reachable.
 *
 * @param v4 unsigned 32-bit address
 * @example nonGlobalBlock(0x0a000001)?.name === 'Private-Use'
 */
export function nonGlobalBlock(v4: number): SpecialBlock4 | undefined {
  for (let k = 0; k < ADDRS.length; k++) {
    if (((v4 & (MASKS[k] as number)) >>> 0) === ADDRS[k]) return NON_GLOBAL_IPV4[k];
  }
  return undefined;
}

/**
 * True if `v4` is outside every RFC 6890 non-global block, i.e. may be written under the
 * Well-Known Prefix 64:ff9b::/96 (RFC 6052 §3.1). Allocates nothing.
 *
 * @param v4 unsigned 32-bit address
 * @example isGlobalIPv4(0x08080808) === true; isGlobalIPv4(0xc0a80001) === false
 */
export function isGlobalIPv4(v4: number): boolean {
  for (let k = 0; k < ADDRS.length; k++) {
    if (((v4 & (MASKS[k] as number)) >>> 0) === ADDRS[k]) return false;
  }
  return true;
}

/**
 * The translator's settings in the form the packet path reads them: numbers and bytes, no strings.
 * Built once per configuration by `resolveTranslator()` (src/config); a reload builds a new one.
 */

/** RFC 7757 §4.2 hairpinning modes. */
export const HAIRPIN_OFF = 0;
export const HAIRPIN_SIMPLE = 1;
export const HAIRPIN_INTRINSIC = 2;

export interface TranslatorOptions {
  /** Own IPv4 address (u32): source of generated ICMPv4 errors. */
  readonly ipv4: number;
  /** Own IPv6 address (16 bytes): source of generated ICMPv6 errors. */
  readonly ipv6: Uint8Array;
  /** Next-hop MTU on the IPv4 side, octets (for a tenant without an entry in ipv4MtuByTenant). */
  readonly ipv4Mtu: number;
  /**
   * Next-hop MTU on the IPv4 side per tenant (table index), octets; 0 or no entry: ipv4Mtu. The
   * daemon sets it from each tenant's TUN: the fabric worker's 6->4 output goes to every tenant's
   * link (src/service/DESIGN.md, "Roles and MTUs"). Read with `ipv4MtuOf`, never written after
   * the options are built.
   */
  readonly ipv4MtuByTenant?: Int32Array;
  /** Next-hop MTU on the IPv6 side, octets. */
  readonly ipv6Mtu: number;
  /** RFC 7915 §4: DF=0 IPv4 packets are fragmented to fit this many octets of IPv6. */
  readonly lowestIpv6Mtu: number;
  /** RFC 7915 §4.5: compute a checksum for unfragmented zero-checksum IPv4 UDP. */
  readonly amendUdpZeroChecksum: boolean;
  /** RFC 6791 pool for untranslatable ICMPv6 error sources: base address (u32) and prefix length. */
  readonly rfc6791v4Addr: number;
  readonly rfc6791v4Len: number;
  /** RFC 6791 the other way: 16-byte prefix and its length. */
  readonly rfc6791v6Addr: Uint8Array;
  readonly rfc6791v6Len: number;
  /** HAIRPIN_OFF, HAIRPIN_SIMPLE or HAIRPIN_INTRINSIC. */
  readonly eamHairpin: number;
  /** IPv4 -> IPv6: copy TOS into Traffic Class (true) or write zero (false). */
  readonly copyTrafficClass: boolean;
  /** IPv6 -> IPv4: the TOS to write, or -1 to copy Traffic Class. */
  readonly tos: number;
  /** MTU plateaus, octets, strictly decreasing (RFC 1191 §7). */
  readonly mtuPlateaus: readonly number[];
}

/**
 * The IPv4 next-hop MTU of tenant `tenant` (table index), octets: its entry in ipv4MtuByTenant,
 * else ipv4Mtu. One bounds check and one load, no allocation (called once per packet).
 * @example ipv4MtuOf({ ...options, ipv4Mtu: 1500, ipv4MtuByTenant: Int32Array.of(9000, 0) }, 1) // 1500
 */
export function ipv4MtuOf(options: TranslatorOptions, tenant: number): number {
  const t = options.ipv4MtuByTenant;
  if (t !== undefined && tenant >= 0 && tenant < t.length) {
    const m = t[tenant]!;
    if (m > 0) return m;
  }
  return options.ipv4Mtu;
}

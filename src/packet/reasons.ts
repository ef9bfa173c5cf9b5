/**
 * The reasons a view's `check()` can give for refusing bytes. They are stable
 * strings: the translator maps them to its own drop verdicts and counts them
 * in metrics, so renaming one is a breaking change.
 */
export const PACKET_REASONS = [
  /** Fewer than 20 octets, header (IHL) past the bound bytes, or total length past them. */
  'ipv4.truncated',
  /** Version nibble is not 4. */
  'ipv4.bad-version',
  /** IHL below 5 (20 octets). */
  'ipv4.bad-ihl',
  /** Total Length smaller than the header length. */
  'ipv4.bad-total-length',
  /** An option has length < 2 (< 3 for source routes) or runs past the header. */
  'ipv4.bad-options',
  /** Fewer than 40 octets, or 40 + Payload Length past the bound bytes. */
  'ipv6.truncated',
  /** Version nibble is not 6. */
  'ipv6.bad-version',
  /** An extension header (hop-by-hop, routing, fragment, destination options) runs past the payload. */
  'ipv6.ext-truncated',
  /** A Hop-by-Hop Options header anywhere but straight after the IPv6 header (RFC 8200 §4.3). */
  'ipv6.hbh-not-first',
  /** More than one Fragment header in the chain. */
  'ipv6.multiple-fragment',
  /** Fewer than 8 octets for a Fragment header. */
  'frag6.truncated',
  /** Fewer than 8 octets for an ICMPv4 header. */
  'icmpv4.truncated',
  /** Fewer than 8 octets for an ICMPv6 header. */
  'icmpv6.truncated',
  /** Fewer than 20 octets, or Data Offset past the bound bytes. */
  'tcp.truncated',
  /** Data Offset below 5 (20 octets). */
  'tcp.bad-data-offset',
  /** Fewer than 8 octets, or the UDP Length past the bound bytes. */
  'udp.truncated',
  /** UDP Length below 8. */
  'udp.bad-length',
] as const;

/** One of {@link PACKET_REASONS}. */
export type PacketReason = (typeof PACKET_REASONS)[number];

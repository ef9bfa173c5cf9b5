/**
 * What both directions of the translator read: the tenant table, the resolved options, the
 * checksum implementation, and a scratch area for packets that cannot be built in place
 * (fragments, generated ICMP errors, ICMP errors whose inner packet grows).
 *
 * A reload replaces table and options together (`Translator.reconfigure`); a packet is always
 * translated against one consistent pair.
 */
import type { TenantTable } from '../address/index.js';
import type { Checksum } from '../checksum/index.js';
import type { TranslatorOptions } from './options.js';
import type { PacketOffload } from './offload.js';

/**
 * Octets a caller must leave free in front of an IPv4 packet handed to `from4`: the IPv6 header is
 * 20 octets longer than a minimal IPv4 header, and 8 more for a Fragment header (RFC 7915 §4.1).
 */
export const HEADROOM = 28;

/** Size of the scratch area, octets: a 65535-octet datagram cut into fragments (+48 octets each), or an ICMP error. */
export const SCRATCH_LEN = 96 * 1024;

export interface TranslateContext {
  table: TenantTable;
  options: TranslatorOptions;
  readonly checksum: Checksum;
  readonly scratch: Uint8Array;
  /** The input packet's offload metadata (plain unless the caller read it from a virtio_net_hdr). */
  readonly offload: PacketOffload;
}

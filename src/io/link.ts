/**
 * Link-layer decapsulation for captured frames: where does the IPv4/IPv6 header start? Nothing
 * more; what follows is the packet views' business.
 *
 * Link-layer header types are the LINKTYPE_* values of https://www.tcpdump.org/linktypes.html,
 * shared by pcap and pcapng. Per type:
 *  - LINKTYPE_ETHERNET (1): IEEE 802.3 header, destination(6) source(6) EtherType(2), with any
 *    number of stacked IEEE 802.1Q (0x8100), 802.1ad (0x88a8) or pre-standard QinQ (0x9100) tags,
 *    each TCI(2) EtherType(2).
 *  - LINKTYPE_LINUX_SLL (113): https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html, a
 *    16-octet header: packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2).
 *  - LINKTYPE_LINUX_SLL2 (276): https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html, a
 *    20-octet header: protocol(2) reserved(2) interface index(4) ARPHRD type(2) packet type(1)
 *    address length(1) address(8).
 *  - LINKTYPE_NULL (0) and LINKTYPE_LOOP (108): a 4-octet address family, in the capturing host's
 *    byte order (NULL) or in network byte order (LOOP).
 *  - LINKTYPE_RAW (101, and the DLT_RAW values 12 and 14 some systems wrote into files): the IP
 *    header itself, IPv4 or IPv6 by its version nibble; LINKTYPE_IPV4 (228) and LINKTYPE_IPV6
 *    (229) are the same with the version fixed.
 *
 * {@link findIp} reads only the octets it needs, allocates nothing, and never throws: a frame that
 * is cut short, or is something other than IP, gets a status.
 */
import { LINKTYPE_RAW } from './pcap.js';

/** LINKTYPE_NULL: BSD loopback, 4-octet address family in the capturing host's byte order. */
export const LINKTYPE_NULL = 0;
/** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet (DLT_EN10MB). */
export const LINKTYPE_ETHERNET = 1;
/**
 * DLT_RAW as most systems numbered it in their own headers (12). Files should say LINKTYPE_RAW
 * (101), but some writers put the local DLT value in the file; read as raw IP.
 */
export const DLT_RAW = 12;
/** DLT_RAW as OpenBSD numbers it (14); read as raw IP, like {@link DLT_RAW}. */
export const DLT_RAW_OPENBSD = 14;
/** LINKTYPE_RAW (101): raw IPv4 or IPv6, told apart by the version nibble. One binding, the pcap writer's. */
export { LINKTYPE_RAW };
/** LINKTYPE_LOOP: OpenBSD loopback, 4-octet address family in network byte order. */
export const LINKTYPE_LOOP = 108;
/** LINKTYPE_LINUX_SLL: Linux "cooked" capture, version 1 (tcpdump -i any). */
export const LINKTYPE_LINUX_SLL = 113;
/** LINKTYPE_IPV4: raw IPv4 only. */
export const LINKTYPE_IPV4 = 228;
/** LINKTYPE_IPV6: raw IPv6 only. */
export const LINKTYPE_IPV6 = 229;
/** LINKTYPE_LINUX_SLL2: Linux "cooked" capture, version 2 (tcpdump -i any -y LINUX_SLL2). */
export const LINKTYPE_LINUX_SLL2 = 276;

/** {@link findIp}: an IPv4 or IPv6 header starts at `out.off`. */
export const LINK_IP = 0;
/** {@link findIp}: the frame carries something else (ARP, LLDP, an 802.3 length frame, another address family, a raw packet of another version). */
export const LINK_NOT_IP = 1;
/** {@link findIp}: the link-layer header itself is cut short (snap length, or a runt frame). */
export const LINK_TRUNCATED = 2;
/** {@link findIp}: a link type this decoder does not know. */
export const LINK_UNSUPPORTED = 3;

/** EtherTypes (IEEE registry) that matter here. */
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100; // IEEE 802.1Q C-tag
const ETHERTYPE_QINQ = 0x88a8; // IEEE 802.1ad S-tag
const ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard QinQ outer tag

/*
 *  Ethernet:     0               6              12      14
 *                +---------------+---------------+-------+
 *                |  destination  |    source     | type  |
 *                +---------------+---------------+-------+
 *  802.1Q tag:   | TCI (PCP DEI VID) | EtherType |  (4 octets after each tagging type)
 */
const ETH_TYPE = 12;
const ETH_HEADER_LEN = 14;
const VLAN_TAG_LEN = 4;
const VLAN_VID_MASK = 0x0fff;

/*
 *  LINUX_SLL:    0       2        4       6                 14      16
 *                +-------+--------+-------+-----------------+-------+
 *                | ptype | ARPHRD | alen  | address (8)     | proto |
 *                +-------+--------+-------+-----------------+-------+
 */
const SLL_PKTTYPE = 0;
const SLL_PROTOCOL = 14;
const SLL_HEADER_LEN = 16;

/*
 *  LINUX_SLL2:   0       2        4             8        10    11    12          20
 *                +-------+--------+-------------+--------+-----+-----+-----------+
 *                | proto | rsvd   | ifindex     | ARPHRD |ptype|alen | address(8)|
 *                +-------+--------+-------------+--------+-----+-----+-----------+
 */
const SLL2_PROTOCOL = 0;
const SLL2_PKTTYPE = 10;
const SLL2_HEADER_LEN = 20;

/** Linux packet types (PACKET_HOST .. PACKET_OUTGOING in linux/if_packet.h). */
const PACKET_OTHERHOST = 3;
const PACKET_OUTGOING = 4;

/** NULL/LOOP: the address family, 4 octets. */
const NULL_HEADER_LEN = 4;
const AF_INET = 2;
/** AF_INET6 differs by system: Linux 10, NetBSD/OpenBSD 24, FreeBSD/DragonFly 28, Darwin 30. */
const AF_INET6_LINUX = 10;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

/**
 * What {@link findIp} found besides the status. Make one and reuse it for every frame: findIp
 * overwrites every field.
 *
 * @example
 *   const info = new LinkInfo();
 *   if (findIp(LINKTYPE_ETHERNET, frame, info) === LINK_IP) ipv4.bind(frame, info.off, frame.length - info.off);
 */
export class LinkInfo {
  /** Index into the frame's buffer where the IP header starts (valid when the status is LINK_IP). */
  off = 0;
  /** The outermost VLAN id (0..4095) when the frame carried 802.1Q/802.1ad tags, else -1. */
  vlan = -1;
  /**
   * The EtherType (or SLL protocol) that was found after any VLAN tags, e.g. 0x0806 for ARP; the
   * address family for NULL/LOOP; the version nibble for raw IP; -1 when not read.
   */
  proto = -1;
  /**
   * From the Linux cooked header's packet type: host, broadcast, multicast and otherhost are
   * 'in', outgoing is 'out'; null for other link types and other packet types.
   */
  direction: 'in' | 'out' | null = null;
}

function be16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/**
 * Finds the IPv4/IPv6 header in one captured frame.
 *
 * @param linkType the interface's LINKTYPE_* value (from the capture file)
 * @param data the captured octets (a record's `data`), or the buffer holding them with `off`/`len`
 * @param out filled in; `out.off` is an index into `data`
 * @param off where the frame starts in `data` (default 0)
 * @param len the captured length in octets (default: to the end of `data`)
 * @returns LINK_IP, LINK_NOT_IP, LINK_TRUNCATED or LINK_UNSUPPORTED
 *
 * @example
 *   const info = new LinkInfo();
 *   const reader = new CaptureReader((r) => {
 *     if (findIp(r.linkType, r.buf, info, r.off, r.capLen) !== LINK_IP) return;
 *     const ipLen = r.off + r.capLen - info.off; // octets of IP captured, from r.buf[info.off]
 *   });
 */
export function findIp(linkType: number, data: Uint8Array, out: LinkInfo, off = 0, len: number = data.length - off): number {
  out.off = off;
  out.vlan = -1;
  out.proto = -1;
  out.direction = null;
  const end = off + len;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (len < ETH_HEADER_LEN) return LINK_TRUNCATED;
      return etherType(data, off + ETH_HEADER_LEN, end, be16(data, off + ETH_TYPE), out);
    case LINKTYPE_LINUX_SLL:
      if (len < SLL_HEADER_LEN) return LINK_TRUNCATED;
      out.direction = packetDirection(be16(data, off + SLL_PKTTYPE));
      return etherType(data, off + SLL_HEADER_LEN, end, be16(data, off + SLL_PROTOCOL), out);
    case LINKTYPE_LINUX_SLL2:
      if (len < SLL2_HEADER_LEN) return LINK_TRUNCATED;
      out.direction = packetDirection(data[off + SLL2_PKTTYPE]!);
      return etherType(data, off + SLL2_HEADER_LEN, end, be16(data, off + SLL2_PROTOCOL), out);
    case LINKTYPE_RAW:
    case DLT_RAW:
    case DLT_RAW_OPENBSD:
      return rawIp(data, off, len, 0, out);
    case LINKTYPE_IPV4:
      return rawIp(data, off, len, 4, out);
    case LINKTYPE_IPV6:
      return rawIp(data, off, len, 6, out);
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (len < NULL_HEADER_LEN) return LINK_TRUNCATED;
      let family = ((data[off]! << 24) | (data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]!) >>> 0;
      // NULL is in the writer's byte order, which the file does not record. Address families are
      // small numbers, so a value with only its upper half set was written little-endian (as
      // libpcap and Wireshark decide it too).
      if (linkType === LINKTYPE_NULL && (family & 0xffff) === 0) family = ((family >>> 24) | ((family >>> 8) & 0xff00)) >>> 0;
      out.proto = family;
      out.off = off + NULL_HEADER_LEN;
      switch (family) {
        case AF_INET:
        case AF_INET6_LINUX:
        case AF_INET6_BSD:
        case AF_INET6_FREEBSD:
        case AF_INET6_DARWIN:
          return LINK_IP;
        default:
          return LINK_NOT_IP;
      }
    }
    default:
      return LINK_UNSUPPORTED;
  }
}

/** Linux packet type -> direction: everything up to otherhost was received, outgoing was sent. */
function packetDirection(pktType: number): 'in' | 'out' | null {
  if (pktType <= PACKET_OTHERHOST) return 'in';
  return pktType === PACKET_OUTGOING ? 'out' : null;
}

/** Follows VLAN tags from `type` (the EtherType read just before `at`) to IPv4/IPv6 or something else. */
function etherType(data: Uint8Array, at: number, end: number, type: number, out: LinkInfo): number {
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
    if (end - at < VLAN_TAG_LEN) return LINK_TRUNCATED;
    if (out.vlan < 0) out.vlan = be16(data, at) & VLAN_VID_MASK;
    type = be16(data, at + 2);
    at += VLAN_TAG_LEN;
  }
  out.proto = type;
  out.off = at;
  // Anything else is not IP, including values up to 1500, which are an IEEE 802.3 length with an
  // LLC header after it (STP, IPX) rather than an EtherType.
  return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? LINK_IP : LINK_NOT_IP;
}

/** Raw IP: the version nibble decides; `want` 0 takes 4 or 6, else only that version. */
function rawIp(data: Uint8Array, off: number, len: number, want: number, out: LinkInfo): number {
  if (len < 1) return LINK_TRUNCATED;
  const version = data[off]! >>> 4;
  out.proto = version;
  if (want === 0 ? version === 4 || version === 6 : version === want) return LINK_IP;
  return LINK_NOT_IP;
}

const NAMES: ReadonlyMap<number, string> = new Map([
  [LINKTYPE_NULL, 'LINKTYPE_NULL'],
  [LINKTYPE_ETHERNET, 'LINKTYPE_ETHERNET'],
  [9, 'LINKTYPE_PPP'],
  [DLT_RAW, 'DLT_RAW'],
  [DLT_RAW_OPENBSD, 'DLT_RAW'],
  [50, 'LINKTYPE_PPP_HDLC'],
  [LINKTYPE_RAW, 'LINKTYPE_RAW'],
  [105, 'LINKTYPE_IEEE802_11'],
  [LINKTYPE_LOOP, 'LINKTYPE_LOOP'],
  [LINKTYPE_LINUX_SLL, 'LINKTYPE_LINUX_SLL'],
  [127, 'LINKTYPE_IEEE802_11_RADIOTAP'],
  [LINKTYPE_IPV4, 'LINKTYPE_IPV4'],
  [LINKTYPE_IPV6, 'LINKTYPE_IPV6'],
  [239, 'LINKTYPE_NFLOG'],
  [LINKTYPE_LINUX_SLL2, 'LINKTYPE_LINUX_SLL2'],
]);

/**
 * A link type for messages: `LINKTYPE_ETHERNET (1)`, or `link type 147` for one not in this
 * table (the table names the common ones, including some findIp does not decode).
 *
 * @example
 *   throw new XlatError('ERR_XLAT_USAGE', `cannot decode ${linkTypeName(127)}`); // 'cannot decode LINKTYPE_IEEE802_11_RADIOTAP (127)'
 */
export function linkTypeName(linkType: number): string {
  const name = NAMES.get(linkType);
  return name === undefined ? `link type ${linkType}` : `${name} (${linkType})`;
}

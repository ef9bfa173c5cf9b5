/**
 * A minimal libpcap file writer (the classic format, not pcapng): a 24-octet global header, then
 * per packet a 16-octet record header and the bytes. See the pcap format description at
 * https://www.tcpdump.org/manpages/pcap-savefile.5.html and link types at
 * https://www.tcpdump.org/linktypes.html.
 *
 * Link type 101 (LINKTYPE_RAW) means each record is a bare IPv4 or IPv6 packet, told apart by its
 * version nibble: exactly what a TUN device carries and what the translator emits. Used by tests
 * (tshark validates what we emit) and for captures; it knows nothing about IP itself.
 */

/** LINKTYPE_RAW: raw IPv4/IPv6, no link-layer header. */
export const LINKTYPE_RAW = 101;

/** Microsecond-resolution magic, written little-endian (readers detect the byte order from it). */
const PCAP_MAGIC = 0xa1b2c3d4;
/** Nanosecond-resolution magic: the record's second word counts nanoseconds. */
const PCAP_MAGIC_NSEC = 0xa1b23c4d;
export const PCAP_GLOBAL_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;
/** Snapshot length we declare, octets: no IP packet is longer. */
export const PCAP_SNAPLEN = 262144;

/**
 * The 24-octet global header.
 * @param nanos records carry nanoseconds (the nanosecond magic) instead of microseconds
 * @example writeFileSync(f, pcapGlobalHeader(LINKTYPE_RAW))
 */
export function pcapGlobalHeader(linkType: number = LINKTYPE_RAW, nanos = false): Uint8Array {
  const b = new Uint8Array(PCAP_GLOBAL_HEADER_LEN);
  const d = new DataView(b.buffer);
  d.setUint32(0, nanos ? PCAP_MAGIC_NSEC : PCAP_MAGIC, true);
  d.setUint16(4, 2, true); // version 2.4
  d.setUint16(6, 4, true);
  d.setInt32(8, 0, true); // thiszone: UTC
  d.setUint32(12, 0, true); // sigfigs
  d.setUint32(16, PCAP_SNAPLEN, true);
  d.setUint32(20, linkType, true);
  return b;
}

/**
 * One record: header plus the packet bytes (cut to PCAP_SNAPLEN; the original length is kept).
 * @param timeMicros capture time in microseconds since the epoch
 */
export function pcapRecord(packet: Uint8Array, timeMicros: number): Uint8Array {
  const incl = Math.min(packet.length, PCAP_SNAPLEN);
  const b = new Uint8Array(PCAP_RECORD_HEADER_LEN + incl);
  const d = new DataView(b.buffer);
  d.setUint32(0, Math.floor(timeMicros / 1e6), true);
  d.setUint32(4, Math.floor(timeMicros % 1e6), true);
  d.setUint32(8, incl, true);
  d.setUint32(12, packet.length, true);
  b.set(packet.subarray(0, incl), PCAP_RECORD_HEADER_LEN);
  return b;
}

/**
 * A whole pcap file holding `packets` in order, one microsecond apart from `startMicros`, so that
 * tshark's frame number N is packets[N-1].
 *
 * @example writeFileSync('out.pcap', pcapFile([ipv4Packet, ipv6Packet]))
 */
export function pcapFile(packets: readonly Uint8Array[], linkType: number = LINKTYPE_RAW, startMicros = 0): Uint8Array {
  const parts = [pcapGlobalHeader(linkType)];
  for (let i = 0; i < packets.length; i++) parts.push(pcapRecord(packets[i]!, startMicros + i));
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

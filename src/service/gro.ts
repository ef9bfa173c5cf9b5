/**
 * GRO on the write side: before a batch goes to a device with offloads (virtio_net_hdr), runs of
 * consecutive TCP segments of one flow, and of UDP datagrams of one flow, are coalesced into one
 * GSO super-packet, so the kernel on the other side of the TUN also pays per super-packet instead
 * of per packet (as wireguard-go does).
 *
 * A run is entries k, k+1, ... of one out queue that are all single packets (no GSO; a full
 * checksum, or CHECKSUM_PARTIAL at the TCP checksum, as segments forwarded by the local stack come) of the same TCP flow, in sequence (each segment's sequence number is the previous one's
 * plus its payload), with the same acknowledgement, window, header length and options (so the
 * timestamps too), only ACK set but PSH allowed on the last, the same payload size (the gso_size)
 * except a shorter last one, a valid TCP checksum each where it is a full one (coalescing must not
 * hide corruption: the kernel computes a fresh one for every segment it cuts), and IPv4 without options or fragments
 * and with the same TOS, TTL and DF, or IPv6 without extension headers with the same traffic class,
 * flow label and hop limit. The payloads are appended to the first segment's buffer, which has room
 * (read slots are 64 KiB with offloads on); its header gets the new length, its checksum field the
 * pseudo-header sum (CHECKSUM_PARTIAL), its virtio_net_hdr GSO_TCPV4/6 with that gso_size.
 *
 * UDP (only to a device that takes UDP GSO, Device.uso): a run is consecutive plain datagrams of
 * one flow (addresses, ports; the same TOS, TTL and DF, or traffic class, flow label and hop
 * limit), each with a UDP checksum that verifies (an IPv4 datagram without one is left alone:
 * the kernel would give every piece one), the same payload size except a shorter last one, IPv4
 * without options or fragments, IPv6 without extension headers. The kernel cuts the result
 * (VIRTIO_NET_HDR_GSO_UDP_L4) at the same boundaries, so every datagram arrives as it was sent:
 * UDP_SEGMENT in reverse. The UDP length and the pseudo-header sum in the checksum field cover the
 * whole super-packet, which is what __udp_gso_segment expects (it swaps the length per piece).
 * IPv4 identification: the pieces get the head's and its successors', as from UDP_SEGMENT.
 */
import { finish, pseudoSum4, pseudoSum6, type Checksum } from '../checksum/index.js';
import { F_NEEDS_CSUM, GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4, VNET_HDR_LEN } from '../translate/index.js';
import { moveBytes } from '../translate/bytes.js';

/** The queue fields coalescing rewrites: entries [0, n). */
export interface GroQueue {
  n: number;
  readonly bufs: Uint8Array[];
  readonly offs: Int32Array;
  readonly lens: Int32Array;
  readonly rows: Int32Array;
  readonly hdrs: Uint8Array;
  /** Where bufs[k] starts in the arena passed to coalesce (unused without one). */
  readonly bases: Int32Array;
}

/** Most octets of one coalesced packet (IPv4 Total Length / IPv6 Payload Length are 16 bits). */
const MAX_TOTAL = 65535;
/** Most segments in one coalesced packet (the kernel's default gso_max_segs is far above; this bounds the scan). */
const MAX_SEGS = 64;

const TCP = 6;
const UDP = 17;
const ACK = 0x10;
const PSH = 0x08;

const be16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
const be32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/**
 * Where the TCP header of entry k starts (from its offset), or -1 when the entry cannot be part of
 * a run (not plain, not TCP, IPv4 options or fragment, IPv6 extension headers, no payload, flags
 * other than ACK/PSH).
 */
function tcpAt(q: GroQueue, k: number): number {
  const l3 = plainL3(q, k, TCP, 20, 16);
  if (l3 < 0) return -1;
  const b = q.bufs[k]!;
  const o = q.offs[k]!;
  const thl = (b[o + l3 + 12]! >> 4) * 4;
  const flags = b[o + l3 + 13]!;
  if (thl < 20 || l3 + thl >= q.lens[k]! || (flags & ~PSH) !== ACK) return -1;
  return l3;
}

/**
 * The IP header length of entry k when it is a plain packet (no GSO; a full checksum, or a partial
 * one at csum_start = the L4 header and this `csumOffset`) of protocol `proto` with at least
 * `minL4` octets after an IPv4 header without options or fragment, or an IPv6 header without
 * extension headers, whose length fields agree with the packet's; else -1.
 */
function plainL3(q: GroQueue, k: number, proto: number, minL4: number, csumOffset: number): number {
  const h = k * VNET_HDR_LEN;
  const partial = q.hdrs[h] === F_NEEDS_CSUM;
  if ((q.hdrs[h] !== 0 && !partial) || q.hdrs[h + 1] !== 0) return -1;
  const b = q.bufs[k]!;
  const o = q.offs[k]!;
  const len = q.lens[k]!;
  let l3: number;
  if (len >= 20 + minL4 && b[o] === 0x45) {
    if (b[o + 9] !== proto || (be16(b, o + 6) & 0x3fff) !== 0 || be16(b, o + 2) !== len) return -1;
    l3 = 20;
  } else if (len >= 40 + minL4 && b[o]! >> 4 === 6) {
    if (b[o + 6] !== proto || be16(b, o + 4) !== len - 40) return -1;
    l3 = 40;
  } else {
    return -1;
  }
  if (partial && ((q.hdrs[h + 6]! | (q.hdrs[h + 7]! << 8)) !== l3 || (q.hdrs[h + 8]! | (q.hdrs[h + 9]! << 8)) !== csumOffset)) return -1;
  return l3;
}

/**
 * Whether the IP headers of two packets (at a[ao], b[bo], both IPv4 without options when l3 is 20,
 * else IPv6 without extension headers) agree on everything but length, identification and checksum:
 * IPv4 TOS, DF, TTL, protocol, addresses; IPv6 traffic class, flow label, next header, hop limit, addresses.
 */
function sameIp(a: Uint8Array, ao: number, b: Uint8Array, bo: number, l3: number): boolean {
  if (l3 === 20) {
    if (a[ao + 1] !== b[bo + 1] || a[ao + 8] !== b[bo + 8] || a[ao + 9] !== b[bo + 9] || (a[ao + 6]! & 0x40) !== (b[bo + 6]! & 0x40)) return false;
    for (let i = 12; i < 20; i++) if (a[ao + i] !== b[bo + i]) return false;
    return true;
  }
  for (let i = 0; i < 4; i++) if (a[ao + i] !== b[bo + i]) return false;
  if (a[ao + 6] !== b[bo + 6] || a[ao + 7] !== b[bo + 7]) return false;
  for (let i = 8; i < 40; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/**
 * What a TCP or UDP run asks of entry t after member p, whose headers (IP and L4) are `hdrLen`
 * octets: p's payload is the gso_size and t's 1 to gso_size octets, and the IP fields (sameIp) and
 * ports are the same. For UDP that is all; TCP asks more (follows).
 */
function continuesRun(q: GroQueue, p: number, t: number, l3: number, hdrLen: number, gsoSize: number): boolean {
  const a = q.bufs[p]!;
  const ao = q.offs[p]!;
  const b = q.bufs[t]!;
  const bo = q.offs[t]!;
  const bPay = q.lens[t]! - hdrLen;
  if (q.lens[p]! - hdrLen !== gsoSize || bPay <= 0 || bPay > gsoSize) return false;
  if (!sameIp(a, ao, b, bo, l3)) return false;
  for (let i = 0; i < 4; i++) if (a[ao + l3 + i] !== b[bo + l3 + i]) return false;
  return true;
}

/** Whether TCP entry t continues the run whose previous member is p (same flow, in sequence, same everything else). */
function follows(q: GroQueue, p: number, t: number, l3: number, gsoSize: number): boolean {
  const a = q.bufs[p]!;
  const at = q.offs[p]! + l3;
  const b = q.bufs[t]!;
  const bt = q.offs[t]! + l3;
  const thl = (a[at + 12]! >> 4) * 4;
  if ((b[bt + 12]! >> 4) * 4 !== thl) return false;
  // The previous member must not have pushed: PSH ends a run.
  if ((a[at + 13]! & PSH) !== 0) return false;
  if (!continuesRun(q, p, t, l3, l3 + thl, gsoSize)) return false;
  // Acknowledgement; window; urgent pointer; options.
  if (be32(a, at + 8) !== be32(b, bt + 8) || be16(a, at + 14) !== be16(b, bt + 14) || be16(a, at + 18) !== be16(b, bt + 18)) return false;
  for (let i = 20; i < thl; i++) if (a[at + i] !== b[bt + i]) return false;
  return be32(b, bt + 4) === ((be32(a, at + 4) + gsoSize) >>> 0);
}

/**
 * Where the UDP header of entry k starts, or -1 when the entry cannot be part of a UDP run (not
 * plain, not UDP, IPv4 options or fragment or no checksum, IPv6 extension headers, no payload,
 * a UDP length that is not the packet's).
 */
function udpAt(q: GroQueue, k: number): number {
  const l3 = plainL3(q, k, UDP, 9, 6);
  if (l3 < 0) return -1;
  const b = q.bufs[k]!;
  const o = q.offs[k]!;
  if (be16(b, o + l3 + 4) !== q.lens[k]! - l3) return -1;
  if (l3 === 20 && q.hdrs[k * VNET_HDR_LEN] !== F_NEEDS_CSUM && be16(b, o + 26) === 0) return -1;
  return l3;
}

/** The L4 checksum (protocol `proto`) of entry k verifies; a partial one has nothing to verify yet. */
function l4ChecksumOk(q: GroQueue, k: number, l3: number, proto: number, cs: Checksum): boolean {
  if (q.hdrs[k * VNET_HDR_LEN] === F_NEEDS_CSUM) return true;
  const b = q.bufs[k]!;
  const o = q.offs[k]!;
  const l4len = q.lens[k]! - l3;
  const ps = l3 === 20 ? cs.sum16(b, o + 12, 8, proto + l4len) : pseudoSum6(b, o + 8, o + 24, proto, l4len);
  return cs.sum16(b, o + l3, l4len, ps) === 0xffff;
}

/**
 * Coalesces the TCP run of two or more segments starting at entry k into entry k.
 * @returns one past the run's last member (k + 1: nothing merged)
 */
function coalesceTcpAt(q: GroQueue, k: number, l3: number, cs: Checksum, mem: Uint8Array | undefined): number {
  const b = q.bufs[k]!;
  const o = q.offs[k]!;
  const thl = (b[o + l3 + 12]! >> 4) * 4;
  const gsoSize = q.lens[k]! - l3 - thl;
  let total = q.lens[k]!;
  let end = k + 1;
  let valid = -1; // checksum of the head checked lazily: only when a second member exists
  while (end < q.n && end - k < MAX_SEGS && tcpAt(q, end) === l3 && follows(q, end - 1, end, l3, gsoSize)) {
    const pay = q.lens[end]! - l3 - thl;
    if (total + pay > MAX_TOTAL || o + total + pay > b.length) break;
    if (valid < 0) valid = l4ChecksumOk(q, k, l3, TCP, cs) ? 1 : 0;
    if (valid === 0 || !l4ChecksumOk(q, end, l3, TCP, cs)) break;
    total += pay;
    end++;
  }
  if (end - k < 2) return k + 1;
  appendPayloads(q, k, end, l3 + thl, mem);
  const last = q.bufs[end - 1]!;
  b[o + l3 + 13] = last[q.offs[end - 1]! + l3 + 13]!; // PSH of the last
  const ps = setLengths(b, o, l3, total, TCP, cs);
  b[o + l3 + 16] = ps >>> 8;
  b[o + l3 + 17] = ps & 0xff;
  q.lens[k] = total;
  setGso(q.hdrs, k * VNET_HDR_LEN, l3 === 20 ? GSO_TCPV4 : GSO_TCPV6, l3 + thl, gsoSize, l3, 16);
  return end;
}

/**
 * Coalesces every UDP run of two or more datagrams starting at entry k into entry k.
 * @returns one past the run's last member (k + 1: nothing merged)
 */
function coalesceUdpAt(q: GroQueue, k: number, l3: number, cs: Checksum, mem: Uint8Array | undefined): number {
  const b = q.bufs[k]!;
  const o = q.offs[k]!;
  const gsoSize = q.lens[k]! - l3 - 8;
  let total = q.lens[k]!;
  let end = k + 1;
  let valid = -1;
  while (end < q.n && end - k < MAX_SEGS && udpAt(q, end) === l3 && continuesRun(q, end - 1, end, l3, l3 + 8, gsoSize)) {
    const pay = q.lens[end]! - l3 - 8;
    if (total + pay > MAX_TOTAL || o + total + pay > b.length) break;
    if (valid < 0) valid = l4ChecksumOk(q, k, l3, UDP, cs) ? 1 : 0;
    if (valid === 0 || !l4ChecksumOk(q, end, l3, UDP, cs)) break;
    total += pay;
    end++;
  }
  if (end - k < 2) return k + 1;
  appendPayloads(q, k, end, l3 + 8, mem);
  const l4len = total - l3;
  const ps = setLengths(b, o, l3, total, UDP, cs);
  b[o + l3 + 4] = l4len >>> 8;
  b[o + l3 + 5] = l4len & 0xff;
  b[o + l3 + 6] = ps >>> 8;
  b[o + l3 + 7] = ps & 0xff;
  q.lens[k] = total;
  setGso(q.hdrs, k * VNET_HDR_LEN, GSO_UDP_L4, l3 + 8, gsoSize, l3, 6);
  return end;
}

/**
 * Appends the payloads (after `hdrLen` octets of headers) of entries k+1 .. end-1 to entry k's
 * packet: with the arena every entry lies in, a copyWithin on it by offset (no getter per copy,
 * which counts for datagrams of a few dozen octets); without, moveBytes.
 */
function appendPayloads(q: GroQueue, k: number, end: number, hdrLen: number, mem: Uint8Array | undefined): void {
  let at = q.offs[k]! + q.lens[k]!;
  if (mem !== undefined) {
    at += q.bases[k]!;
    for (let m = k + 1; m < end; m++) {
      const from = q.bases[m]! + q.offs[m]! + hdrLen;
      const n = q.lens[m]! - hdrLen;
      mem.copyWithin(at, from, from + n);
      at += n;
    }
    return;
  }
  const b = q.bufs[k]!;
  for (let m = k + 1; m < end; m++) {
    const n = q.lens[m]! - hdrLen;
    moveBytes(q.bufs[m]!, q.offs[m]! + hdrLen, b, at, n);
    at += n;
  }
}

/**
 * Gives the IP header at b[o] (IPv4 when l3 is 20, else IPv6) the coalesced packet's `total`
 * length (and IPv4 a new header checksum).
 * @returns the pseudo-header sum over the new L4 length, for the checksum field (CHECKSUM_PARTIAL)
 */
function setLengths(b: Uint8Array, o: number, l3: number, total: number, proto: number, cs: Checksum): number {
  const l4len = total - l3;
  if (l3 === 20) {
    b[o + 2] = total >>> 8;
    b[o + 3] = total & 0xff;
    b[o + 10] = 0;
    b[o + 11] = 0;
    const hc = finish(cs.sum16(b, o, 20, 0));
    b[o + 10] = hc >>> 8;
    b[o + 11] = hc & 0xff;
    return pseudoSum4(be32(b, o + 12), be32(b, o + 16), proto, l4len);
  }
  b[o + 4] = l4len >>> 8;
  b[o + 5] = l4len & 0xff;
  return pseudoSum6(b, o + 8, o + 24, proto, l4len);
}

/** Entry h's virtio_net_hdr: CHECKSUM_PARTIAL at csumStart + csumOffset, this GSO type and size. */
function setGso(hd: Uint8Array, h: number, type: number, hdrLen: number, gsoSize: number, csumStart: number, csumOffset: number): void {
  hd[h] = F_NEEDS_CSUM;
  hd[h + 1] = type;
  hd[h + 2] = hdrLen & 0xff;
  hd[h + 3] = hdrLen >>> 8;
  hd[h + 4] = gsoSize & 0xff;
  hd[h + 5] = gsoSize >>> 8;
  hd[h + 6] = csumStart;
  hd[h + 7] = 0;
  hd[h + 8] = csumOffset;
  hd[h + 9] = 0;
}

/**
 * Coalesces every run of two or more TCP segments, and with `udp` of UDP datagrams, in `q` (see
 * the file comment), compacting the queue. `mem`: the arena every entry lies in (entry k's buffer
 * at q.bases[k]), for moving payloads by offset; absent, they are moved view to view.
 * @returns how many entries were merged away (0: the queue is unchanged)
 */
export function coalesce(q: GroQueue, cs: Checksum, udp: boolean, mem?: Uint8Array): number {
  let removed = 0;
  let w = 0; // write index after compaction
  for (let k = 0; k < q.n; ) {
    const tcp = tcpAt(q, k);
    const u = tcp < 0 && udp ? udpAt(q, k) : -1;
    // One past the run's last member (k + 1: nothing merged).
    const end = tcp >= 0 ? coalesceTcpAt(q, k, tcp, cs, mem) : u >= 0 ? coalesceUdpAt(q, k, u, cs, mem) : k + 1;
    removed += end - k - 1;
    if (w !== k) {
      q.bufs[w] = q.bufs[k]!;
      q.offs[w] = q.offs[k]!;
      q.lens[w] = q.lens[k]!;
      q.rows[w] = q.rows[k]!;
      q.bases[w] = q.bases[k]!;
      q.hdrs.copyWithin(w * VNET_HDR_LEN, k * VNET_HDR_LEN, k * VNET_HDR_LEN + VNET_HDR_LEN);
    }
    w++;
    k = end;
  }
  q.n = w;
  return removed;
}

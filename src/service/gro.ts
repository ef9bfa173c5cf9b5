/**
 * GRO on the write side: before a batch goes to a device with offloads (virtio_net_hdr), runs of
 * successive TCP segments of one flow, and of UDP datagrams of one flow, are coalesced into one
 * GSO super-packet, so the kernel on the other side of the TUN also pays per super-packet instead
 * of per packet (as wireguard-go does).
 *
 * A run is entries of one out queue, in queue order, that are all single packets (no GSO; a full
 * checksum, or CHECKSUM_PARTIAL at the TCP checksum, as segments forwarded by the local stack come)
 * of the same TCP flow, in sequence (each segment's sequence number is the previous one's plus its
 * payload), with the same acknowledgement, window, header length and options (so the
 * timestamps too), only ACK set but PSH allowed on the last, the same payload size (the gso_size)
 * except a shorter last one, a valid TCP checksum each where it is a full one (coalescing must not
 * hide corruption: the kernel computes a fresh one for every segment it cuts), and IPv4 without options or fragments
 * and with the same TOS, TTL and DF, or IPv6 without extension headers with the same traffic class,
 * flow label and hop limit. The payloads are appended to the first segment's buffer, which has room
 * (read slots are 64 KiB with offloads on); its header gets the new length, its checksum field the
 * pseudo-header sum (CHECKSUM_PARTIAL), its virtio_net_hdr GSO_TCPV4/6 with that gso_size.
 *
 * UDP (only to a device that takes UDP GSO, Device.uso): a run is successive plain datagrams of
 * one flow (addresses, ports; the same TOS, TTL and DF, or traffic class, flow label and hop
 * limit), each with a UDP checksum that verifies (an IPv4 datagram without one is left alone:
 * the kernel would give every piece one), the same payload size except a shorter last one, IPv4
 * without options or fragments, IPv6 without extension headers. The kernel cuts the result
 * (VIRTIO_NET_HDR_GSO_UDP_L4) at the same boundaries, so every datagram arrives as it was sent:
 * UDP_SEGMENT in reverse. The UDP length and the pseudo-header sum in the checksum field cover the
 * whole super-packet, which is what __udp_gso_segment expects (it swaps the length per piece).
 * IPv4 identification: the pieces get the head's and its successors', as from UDP_SEGMENT.
 *
 * Flows interleave in a batch (several streams through one queue), so a run looks past entries of
 * other flows, as wireguard-go's table of flows does: up to MAX_GAP of them between two members,
 * and they stay where they are (the coalesced packet goes out at its head's place; packets of one
 * flow are never reordered, packets of different flows may be). "Another flow" is only what can be
 * told apart for sure: another IP version, another address pair, another protocol, or other ports
 * in a packet whose ports can be read. Anything of the run's own flow that cannot join it (a pure
 * ACK, a FIN, a GSO packet, a segment out of sequence, an IPv4 fragment, an IPv6 extension header)
 * ends the run, so nothing of the flow jumps ahead of it; so does an entry of another flow in the
 * head's own buffer (the segmentation area), whose octets the appended payloads may cover.
 */
import { finish, pseudoSum4, pseudoSum6, type Checksum } from '../checksum/index.js';
import { F_NEEDS_CSUM, GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4, VNET_HDR_LEN } from '../translate/index.js';
import { moveBytes } from '../translate/bytes.js';
import { isExtensionHeader } from '../packet/ipv6.js';

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
/** Most entries of other flows a run looks past between two of its members (bounds a batch of all-different flows to O(n)). */
export const MAX_GAP = 8;

/** Per-coalesce scratch: which entries a run has taken, and the members of the run being built. Grown, never per batch. */
let taken = new Uint8Array(256);
const members = new Int32Array(MAX_SEGS);

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
 * Whether the IP headers of two packets of one flow (at a[ao], b[bo], both IPv4 without options
 * when l3 is 20, else IPv6 without extension headers) agree on what the kernel copies into every
 * segment it cuts: IPv4 TOS, DF, TTL; IPv6 traffic class, flow label, hop limit. The addresses,
 * protocol and ports otherFlow has compared.
 */
function sameIpFields(a: Uint8Array, ao: number, b: Uint8Array, bo: number, l3: number): boolean {
  if (l3 === 20) return a[ao + 1] === b[bo + 1] && a[ao + 8] === b[bo + 8] && (a[ao + 6]! & 0x40) === (b[bo + 6]! & 0x40);
  return a[ao] === b[bo] && a[ao + 1] === b[bo + 1] && a[ao + 2] === b[bo + 2] && a[ao + 3] === b[bo + 3] && a[ao + 7] === b[bo + 7];
}

/**
 * What a TCP or UDP run asks of entry t after member p, both of the run's flow (otherFlow said
 * so), whose headers (IP and L4) are `hdrLen` octets: p's payload is the gso_size and t's 1 to
 * gso_size octets, and the IP fields (sameIpFields) are the same. For UDP that is all; TCP asks
 * more (follows).
 */
function continuesRun(q: GroQueue, p: number, t: number, l3: number, hdrLen: number, gsoSize: number): boolean {
  const a = q.bufs[p]!;
  const ao = q.offs[p]!;
  const b = q.bufs[t]!;
  const bo = q.offs[t]!;
  const bPay = q.lens[t]! - hdrLen;
  if (q.lens[p]! - hdrLen !== gsoSize || bPay <= 0 || bPay > gsoSize) return false;
  return sameIpFields(a, ao, b, bo, l3);
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

/**
 * The L4 checksum of entry k verifies; a partial one has nothing to verify yet. `ps`: the
 * pseudo-header sum of the run's flow without the length (addresses and protocol, the same for
 * every member).
 */
function l4ChecksumOk(q: GroQueue, k: number, l3: number, ps: number, cs: Checksum): boolean {
  if (q.hdrs[k * VNET_HDR_LEN] === F_NEEDS_CSUM) return true;
  const l4len = q.lens[k]! - l3;
  return cs.sum16(q.bufs[k]!, q.offs[k]! + l3, l4len, ps + l4len) === 0xffff;
}

/**
 * Whether entry j is surely of another flow than entry k, a run's head (IPv4 without options when
 * l3 is 20, else IPv6 without extension headers; protocol `proto`): another IP version, protocol or
 * address pair, or ports that can be read and differ (compared first: flows between two hosts
 * differ there). False when it cannot be told (too short, not IP, the same addresses and protocol
 * but an IPv4 fragment or an IPv6 extension header in front of the ports).
 */
function otherFlow(q: GroQueue, k: number, j: number, l3: number, proto: number): boolean {
  const a = q.bufs[k]!;
  const ao = q.offs[k]!;
  const b = q.bufs[j]!;
  const bo = q.offs[j]!;
  const len = q.lens[j]!;
  if (len < 20) return false;
  const v = b[bo]! >> 4;
  if (v !== (l3 === 20 ? 4 : 6)) return v === 4 || v === 6;
  let l4 = -1; // where j's ports are; -1: cannot be read
  let from = 12; // the address pair: IPv4 12..20, IPv6 8..40
  if (l3 === 20) {
    if (b[bo + 9] !== proto) return true;
    if ((be16(b, bo + 6) & 0x3fff) === 0) l4 = (b[bo]! & 15) * 4;
  } else {
    if (len < 40) return false;
    const nh = b[bo + 6]!;
    if (nh !== proto && !isExtensionHeader(nh)) return true;
    if (nh === proto) l4 = 40;
    from = 8;
  }
  if (l4 >= 0 && len >= l4 + 4) {
    for (let i = 0; i < 4; i++) if (a[ao + l3 + i] !== b[bo + l4 + i]) return true;
  }
  for (let i = from; i < l3; i++) if (a[ao + i] !== b[bo + i]) return true;
  return false;
}

/**
 * Builds the run that entry k heads (TCP segments when `proto` is TCP, else UDP datagrams; IP
 * header length l3) and coalesces it into entry k; marks the other members taken.
 * @returns how many entries joined entry k (0: nothing merged)
 */
function coalesceAt(q: GroQueue, k: number, l3: number, proto: number, cs: Checksum, mem: Uint8Array | undefined): number {
  const b = q.bufs[k]!;
  const o = q.offs[k]!;
  const tcp = proto === TCP;
  const hdrLen = tcp ? l3 + (b[o + l3 + 12]! >> 4) * 4 : l3 + 8;
  const gsoSize = q.lens[k]! - hdrLen;
  let total = q.lens[k]!;
  let m = 0; // members after the head, in members[0 .. m)
  let prev = k;
  let gap = 0; // entries of other flows since the last member
  let valid = -1; // checksum of the head checked lazily: only when a second member exists
  let flowSum = 0; // the flow's pseudo-header sum without the length: computed with the head's checksum
  for (let j = k + 1; j < q.n && m < MAX_SEGS - 1; j++) {
    if (taken[j] !== 0) continue;
    if (otherFlow(q, k, j, l3, proto)) {
      if (q.bufs[j] === b || ++gap > MAX_GAP) break;
      continue;
    }
    // The run's own flow (or cannot be told apart): it joins, or the run ends here.
    if ((tcp ? tcpAt(q, j) : udpAt(q, j)) !== l3) break;
    if (!(tcp ? follows(q, prev, j, l3, gsoSize) : continuesRun(q, prev, j, l3, hdrLen, gsoSize))) break;
    const pay = q.lens[j]! - hdrLen;
    if (total + pay > MAX_TOTAL || o + total + pay > b.length) break;
    if (valid < 0) {
      flowSum = l3 === 20 ? pseudoSum4(be32(b, o + 12), be32(b, o + 16), proto, 0) : pseudoSum6(b, o + 8, o + 24, proto, 0);
      valid = l4ChecksumOk(q, k, l3, flowSum, cs) ? 1 : 0;
    }
    if (valid === 0 || !l4ChecksumOk(q, j, l3, flowSum, cs)) break;
    members[m++] = j;
    total += pay;
    prev = j;
    gap = 0;
  }
  if (m === 0) return 0;
  appendPayloads(q, k, m, hdrLen, mem);
  const ps = setLengths(b, o, l3, total, proto, cs);
  if (tcp) {
    b[o + l3 + 13] = q.bufs[prev]![q.offs[prev]! + l3 + 13]!; // PSH of the last
    b[o + l3 + 16] = ps >>> 8;
    b[o + l3 + 17] = ps & 0xff;
    setGso(q.hdrs, k * VNET_HDR_LEN, l3 === 20 ? GSO_TCPV4 : GSO_TCPV6, hdrLen, gsoSize, l3, 16);
  } else {
    const l4len = total - l3;
    b[o + l3 + 4] = l4len >>> 8;
    b[o + l3 + 5] = l4len & 0xff;
    b[o + l3 + 6] = ps >>> 8;
    b[o + l3 + 7] = ps & 0xff;
    setGso(q.hdrs, k * VNET_HDR_LEN, GSO_UDP_L4, hdrLen, gsoSize, l3, 6);
  }
  q.lens[k] = total;
  for (let i = 0; i < m; i++) taken[members[i]!] = 1;
  return m;
}

/**
 * Appends the payloads (after `hdrLen` octets of headers) of members[0 .. m) to entry k's packet:
 * with the arena every entry lies in, a copyWithin on it by offset (no getter per copy, which
 * counts for datagrams of a few dozen octets); without, moveBytes. A member in entry k's own
 * buffer lies after it there, so a payload is never written over one still to be read.
 */
function appendPayloads(q: GroQueue, k: number, m: number, hdrLen: number, mem: Uint8Array | undefined): void {
  let at = q.offs[k]! + q.lens[k]!;
  if (mem !== undefined) {
    at += q.bases[k]!;
    for (let i = 0; i < m; i++) {
      const j = members[i]!;
      const from = q.bases[j]! + q.offs[j]! + hdrLen;
      const n = q.lens[j]! - hdrLen;
      mem.copyWithin(at, from, from + n);
      at += n;
    }
    return;
  }
  const b = q.bufs[k]!;
  for (let i = 0; i < m; i++) {
    const j = members[i]!;
    const n = q.lens[j]! - hdrLen;
    moveBytes(q.bufs[j]!, q.offs[j]! + hdrLen, b, at, n);
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
 * the file comment), compacting the queue: what is left keeps its order. `mem`: the arena every
 * entry lies in (entry k's buffer at q.bases[k]), for moving payloads by offset; absent, they are
 * moved view to view.
 * @returns how many entries were merged away (0: the queue is unchanged)
 */
export function coalesce(q: GroQueue, cs: Checksum, udp: boolean, mem?: Uint8Array): number {
  if (taken.length < q.n) taken = new Uint8Array(q.n * 2);
  taken.fill(0, 0, q.n);
  let removed = 0;
  for (let k = 0; k < q.n; k++) {
    if (taken[k] !== 0) continue;
    const tcp = tcpAt(q, k);
    if (tcp >= 0) {
      removed += coalesceAt(q, k, tcp, TCP, cs, mem);
    } else if (udp) {
      const u = udpAt(q, k);
      if (u >= 0) removed += coalesceAt(q, k, u, UDP, cs, mem);
    }
  }
  if (removed === 0) return 0;
  let w = 0; // write index after compaction
  for (let k = 0; k < q.n; k++) {
    if (taken[k] !== 0) continue;
    if (w !== k) {
      q.bufs[w] = q.bufs[k]!;
      q.offs[w] = q.offs[k]!;
      q.lens[w] = q.lens[k]!;
      q.rows[w] = q.rows[k]!;
      q.bases[w] = q.bases[k]!;
      q.hdrs.copyWithin(w * VNET_HDR_LEN, k * VNET_HDR_LEN, k * VNET_HDR_LEN + VNET_HDR_LEN);
    }
    w++;
  }
  q.n = w;
  return removed;
}

/**
 * Offloads: what a TUN device opened with IFF_VNET_HDR says about a packet (struct virtio_net_hdr,
 * linux/virtio_net.h, little-endian), and the software fallbacks for what the translator's in-place
 * path does not take.
 *
 * Two things can be true of a packet read from such a device:
 * - CHECKSUM_PARTIAL (`flags & F_NEEDS_CSUM`): the TCP/UDP checksum field holds only the folded
 *   pseudo-header sum, not complemented; whoever transmits sums from `csumStart` to the end and
 *   stores the complement at `csumStart + csumOffset`. Translating such a packet replaces the IPv4
 *   pseudo-header sum by the IPv6 one (or back) in that partial sum, and complements nothing.
 * - GSO (`gsoType` not GSO_NONE): the packet is a super-packet, up to 64 KiB, which the kernel cuts
 *   into segments of `gsoSize` payload octets, each with a copy of the headers. The translator
 *   translates the headers once, maps the type to the other family (TCPV4 <-> TCPV6; UDP_L4 stays)
 *   and checks that every segment fits the next hop's MTU.
 *
 * Everything else (a GSO packet that is not plain TCP/UDP, a GSO UDP packet too big for a DF=0
 * path, a partial checksum where the translator would fragment) is settled here first: the
 * checksum completed in software (`settlePartial`), the super-packet cut into ordinary packets
 * (`segment`), and those go through the normal path.
 */
import { fold, finish, type Checksum } from '../checksum/index.js';
import { be16, put16 } from './bytes.js';

/** Octets of struct virtio_net_hdr (without num_buffers). */
export const VNET_HDR_LEN = 10;

/** virtio_net_hdr.flags */
export const F_NEEDS_CSUM = 1;
export const F_DATA_VALID = 2;

/** virtio_net_hdr.gso_type */
export const GSO_NONE = 0;
export const GSO_TCPV4 = 1;
export const GSO_UDP = 3;
export const GSO_TCPV6 = 4;
export const GSO_UDP_L4 = 5;
export const GSO_ECN = 0x80;

/** Most segments `segment` cuts one super-packet into (a 64 KiB packet at the 536-octet TCP minimum is 123). */
export const MAX_SEGMENTS = 128;

const PROTO_TCP = 6;
const PROTO_UDP = 17;

/** One packet's offload metadata, as read from (or written to) a virtio_net_hdr. Reused, never allocated per packet. */
export class PacketOffload {
  flags = 0;
  gsoType = GSO_NONE;
  hdrLen = 0;
  gsoSize = 0;
  csumStart = 0;
  csumOffset = 0;

  /** Nothing to do: a full checksum, one packet. */
  get plain(): boolean {
    return (this.flags & F_NEEDS_CSUM) === 0 && this.gsoType === GSO_NONE;
  }

  get partial(): boolean {
    return (this.flags & F_NEEDS_CSUM) !== 0;
  }

  /** gso_type without the ECN bit. */
  get gso(): number {
    return this.gsoType & ~GSO_ECN;
  }

  clear(): void {
    this.flags = 0;
    this.gsoType = GSO_NONE;
    this.hdrLen = 0;
    this.gsoSize = 0;
    this.csumStart = 0;
    this.csumOffset = 0;
  }

  /** Reads the 10-octet little-endian header at `b[at..]`. */
  load(b: Uint8Array, at: number): void {
    this.flags = b[at]!;
    this.gsoType = b[at + 1]!;
    this.hdrLen = b[at + 2]! | (b[at + 3]! << 8);
    this.gsoSize = b[at + 4]! | (b[at + 5]! << 8);
    this.csumStart = b[at + 6]! | (b[at + 7]! << 8);
    this.csumOffset = b[at + 8]! | (b[at + 9]! << 8);
  }

  /** Writes the header at `b[at..]`. */
  store(b: Uint8Array, at: number): void {
    b[at] = this.flags;
    b[at + 1] = this.gsoType;
    b[at + 2] = this.hdrLen & 0xff;
    b[at + 3] = this.hdrLen >>> 8;
    b[at + 4] = this.gsoSize & 0xff;
    b[at + 5] = this.gsoSize >>> 8;
    b[at + 6] = this.csumStart & 0xff;
    b[at + 7] = this.csumStart >>> 8;
    b[at + 8] = this.csumOffset & 0xff;
    b[at + 9] = this.csumOffset >>> 8;
  }

  copyFrom(o: PacketOffload): void {
    this.flags = o.flags;
    this.gsoType = o.gsoType;
    this.hdrLen = o.hdrLen;
    this.gsoSize = o.gsoSize;
    this.csumStart = o.csumStart;
    this.csumOffset = o.csumOffset;
  }
}

/** Writes an all-zero header (a plain packet: full checksum, no GSO) at `b[at..]`. */
export function storePlain(b: Uint8Array, at: number): void {
  b.fill(0, at, at + VNET_HDR_LEN);
}

/**
 * The partial sum after a pseudo-header change: S' = S + ~m + m' (ones' complement), with m and m'
 * the folded sums of the old and new address fields. Unlike RFC 1624 eqn. 3 nothing is
 * complemented, because the field holds a sum, not a checksum.
 */
export function adjustPartial(s: number, oldSum: number, newSum: number): number {
  return fold((s & 0xffff) + (~oldSum & 0xffff) + (newSum & 0xffff));
}

/**
 * Completes a CHECKSUM_PARTIAL packet in software, as a NIC would: sums `buf[off+csumStart ..
 * off+len)` (the field holding the pseudo-header sum) and stores the complement in the field, then
 * clears F_NEEDS_CSUM. A UDP checksum that comes out 0 is sent as 0xffff.
 * @returns false when csumStart/csumOffset do not lie inside the packet (the packet is malformed).
 */
export function settlePartial(buf: Uint8Array, off: number, len: number, o: PacketOffload, cs: Checksum, udp: boolean): boolean {
  const start = o.csumStart;
  const field = start + o.csumOffset;
  if (start >= len || field + 2 > len || (o.csumOffset & 1) !== 0) return false;
  const at = off + field;
  const sum = cs.sum16(buf, off + start, len - start, 0);
  let ck = finish(sum);
  if (udp && ck === 0) ck = 0xffff;
  put16(buf, at, ck);
  o.flags &= ~F_NEEDS_CSUM;
  return true;
}

/** Where `segment` put each piece: piece k is `out[offs[k] .. offs[k] + lens[k])`. */
export class Segments {
  count = 0;
  readonly offs = new Int32Array(MAX_SEGMENTS);
  readonly lens = new Int32Array(MAX_SEGMENTS);
}

/**
 * Software GSO: cuts the super-packet `buf[off..off+len)` (IPv4 or IPv6, TCP or UDP as `o.gsoType`
 * says, L4 header at `l4`, an offset from `off`) into ordinary packets of at most `o.gsoSize`
 * payload octets, each with a full checksum, written to `out` with `headroom` free octets before
 * each. TCP segments get consecutive sequence numbers, FIN and PSH only on the last and CWR only on
 * the first; IPv4 segments consecutive IDs and their own header checksum.
 * @returns null, or why the packet cannot be cut (malformed, or more than MAX_SEGMENTS pieces, or no room).
 */
export function segment(buf: Uint8Array, off: number, len: number, l4: number, o: PacketOffload, cs: Checksum, out: Uint8Array, headroom: number, seg: Segments): string | null {
  seg.count = 0;
  const v4 = buf[off]! >> 4 === 4;
  const gso = o.gso;
  const tcp = gso === GSO_TCPV4 || gso === GSO_TCPV6;
  if (!tcp && gso !== GSO_UDP_L4) return 'offload-bad-gso-type';
  if (l4 < (v4 ? 20 : 40) || l4 + (tcp ? 20 : 8) > len) return 'offload-bad-header';
  const l4hl = tcp ? (buf[off + l4 + 12]! >> 4) * 4 : 8;
  const hl = l4 + l4hl;
  if (l4hl < (tcp ? 20 : 8) || hl > len) return 'offload-bad-header';
  const mss = o.gsoSize;
  const data = len - hl;
  if (mss === 0) return 'offload-bad-gso-size';
  const n = data === 0 ? 1 : Math.ceil(data / mss);
  if (n > MAX_SEGMENTS) return 'offload-too-many-segments';
  const proto = tcp ? PROTO_TCP : PROTO_UDP;
  const seq0 = tcp ? ((buf[off + l4 + 4]! << 24) | (buf[off + l4 + 5]! << 16) | (buf[off + l4 + 6]! << 8) | buf[off + l4 + 7]!) >>> 0 : 0;
  const flags0 = tcp ? buf[off + l4 + 13]! : 0;
  const id0 = v4 ? be16(buf, off + 4) : 0;
  let at = 0;
  for (let k = 0; k < n; k++) {
    const dlen = k === n - 1 ? data - k * mss : mss;
    const p = at + headroom;
    const plen = hl + dlen;
    if (p + plen > out.length) return 'offload-too-many-segments';
    out.set(buf.subarray(off, off + hl), p);
    out.set(buf.subarray(off + hl + k * mss, off + hl + k * mss + dlen), p + hl);
    const l4len = plen - l4;
    let pseudo: number;
    if (v4) {
      put16(out, p + 2, plen);
      put16(out, p + 4, (id0 + k) & 0xffff);
      put16(out, p + 10, 0);
      const ihl = (out[p]! & 15) * 4;
      put16(out, p + 10, finish(cs.sum16(out, p, ihl, 0)));
      pseudo = cs.sum16(out, p + 12, 8, proto + l4len);
    } else {
      put16(out, p + 4, plen - 40);
      pseudo = cs.sum16(out, p + 8, 32, proto + l4len);
    }
    const t = p + l4;
    if (tcp) {
      const seq = (seq0 + k * mss) >>> 0;
      out[t + 4] = seq >>> 24;
      out[t + 5] = (seq >>> 16) & 0xff;
      out[t + 6] = (seq >>> 8) & 0xff;
      out[t + 7] = seq & 0xff;
      let f = flags0;
      if (k !== n - 1) f &= ~0x09; // FIN, PSH only on the last
      if (k !== 0) f &= ~0x80; // CWR only on the first
      out[t + 13] = f;
      put16(out, t + 16, 0);
      put16(out, t + 16, finish(cs.sum16(out, t, l4len, pseudo)));
    } else {
      put16(out, t + 4, l4len);
      put16(out, t + 6, 0);
      const ck = finish(cs.sum16(out, t, l4len, pseudo));
      put16(out, t + 6, ck === 0 ? 0xffff : ck);
    }
    seg.offs[k] = p;
    seg.lens[k] = plen;
    at = p + plen;
    at = (at + 7) & ~7;
  }
  seg.count = n;
  return null;
}

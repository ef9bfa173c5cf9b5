/**
 * RFC 7915 §5: IPv6 -> IPv4, for a tenant table (the tenant side is IPv4).
 *
 * - §5.1 header translation (TOS, lengths, identification/DF/MF/offset, TTL, protocol, checksum),
 *   extension headers skipped, Routing header with Segments Left > 0 refused with ICMPv6 4/0;
 *   §5.1.1 Fragment header -> IPv4 fragment fields; IPv4 fragmentation of DF=0 packets that
 *   exceed the destination tenant's IPv4 MTU (`ipv4MtuOf`); ICMPv6 Packet Too Big for DF=1
 *   packets that do.
 * - §5.2 ICMPv6 -> ICMPv4 (tables in icmp6to4.ts), §5.3 the packet inside an error, RFC 4884
 *   (length attribute and extension structure), RFC 6791 (untranslatable error sources).
 * - §5.4 generated ICMPv6 errors (errors6.ts), §5.5 TCP/UDP checksums (RFC 1624 eqn. 3).
 * - Tenant isolation: the destination names the tenant; the source must belong to the same
 *   tenant (its prefix, EAM or PLAT) or the packet is an ICMPv6 error taken through RFC 6791,
 *   whose inner packet must then belong to that tenant.
 *
 * In place: the IPv4 header (20 octets) is written just before the upper-layer data, so TCP/UDP
 * payloads are never copied. ICMP errors (which shrink) and fragments are built in ctx.scratch.
 * Design notes: DESIGN-6to4.md.
 */
import { be16, copyBytes, put16 } from './bytes.js';
import { fold, pseudoSum4, pseudoSum6, finish } from '../checksum/reference.js';
import { adjust, udpFinish } from '../checksum/incremental.js';
import { RULE_EAM, RULE_PLAT } from '../address/table.js';
import { Ipv6View } from '../packet/ipv6.js';
import { Icmpv6View, IPPROTO_ICMPV6 } from '../packet/icmpv6.js';
import { TcpView, IPPROTO_TCP, TCP_CHECKSUM } from '../packet/tcp.js';
import { UdpView, IPPROTO_UDP, UDP_CHECKSUM, UDP_HEADER_LEN } from '../packet/udp.js';
import { IPPROTO_ICMP, ICMPV4_HEADER_LEN } from '../packet/icmpv4.js';
import { IPV6_HEADER_LEN, IPV6_SRC, IPPROTO_ESP, isExtensionHeader } from '../packet/ipv6.js';
import { HEADROOM, type TranslateContext } from './context.js';
import { HAIRPIN_INTRINSIC, ipv4MtuOf } from './options.js';
import { Translate4to6 } from './4to6.js';
import { MAX_EMIT, TO_IPV4, TO_IPV6, type Verdict } from './verdict.js';
import { buildIcmp6Error, IPV6_MIN_MTU } from './errors6.js';
import { lookupIcmp6To4, mapPointer6To4, CODE_SAME, POINTER_NA } from './icmp6to4.js';
import { adjustPartial, settlePartial, F_NEEDS_CSUM, GSO_ECN, GSO_NONE, GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4 } from './offload.js';

/** Every drop reason this direction gives (DESIGN-6to4.md says when each applies). */
export const REASONS_64 = [
  '64.malformed-ipv6',
  '64.not-ours',
  '64.dst-plat',
  '64.icmpv4-in-ipv6',
  '64.cross-tenant',
  '64.hop-limit-expired',
  '64.routing-header',
  '64.fragment-ext-header',
  '64.fragment-too-large',
  '64.packet-too-big',
  '64.too-many-fragments',
  '64.malformed-tcp',
  '64.malformed-udp',
  '64.udp-zero-checksum',
  '64.malformed-icmpv6',
  '64.icmpv6-fragment',
  '64.bad-icmpv6-checksum',
  '64.icmpv6-mld',
  '64.icmpv6-nd',
  '64.icmpv6-unknown-info',
  '64.icmpv6-unknown-error',
  '64.icmpv6-dest-unreach-code',
  '64.icmpv6-param-problem-code',
  '64.icmpv6-param-problem-pointer',
  '64.inner-malformed',
  '64.inner-cross-tenant',
  '64.inner-icmpv6-error',
  '64.inner-icmpv6-untranslatable',
  '64.hairpin-too-big',
  '64.bad-offload',
] as const;

export type Reason64 = (typeof REASONS_64)[number];

/** IPv4 header length written by this direction (IHL 5: RFC 7915 §5.1 "no IPv4 options"). */
export const IPV4_HEADER_LEN = 20;
/**
 * RFC 7915 §5.1: "The Don't Fragment (DF) flag is set as follows: If the size of the translated
 * IPv4 packet is less than or equal to 1260 bytes, it is set to zero; otherwise, it is set to one."
 */
export const DF_THRESHOLD = 1260;
/** RFC 791: the smallest MTU an IPv4 link may have, octets. */
export const IPV4_MIN_MTU = 68;
/** RFC 4884 §4.1/§5.1: with an extension structure the original datagram field is at least 128 octets. */
export const RFC4884_MIN_ORIG_LEN = 128;

const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;

/**
 * RFC 7915 §5.1.1: "If the Next Header field of the Fragment header is an extension header (except
 * ESP, but including the Authentication Header (AH)), then the packet SHOULD be dropped and logged".
 */
function dropsAfterFragment(nh: number): boolean {
  return nh !== IPPROTO_ESP && isExtensionHeader(nh);
}

/** Writes a 20-octet IPv4 header at `b[o]` (checksum included); see RFC 7915 §5.1 for each field. */
function writeIpv4Header(ctx: TranslateContext, b: Uint8Array, o: number, tos: number, total: number, id: number, flagsFrag: number, ttl: number, proto: number, src: number, dst: number): void {
  b[o] = 0x45;
  b[o + 1] = tos;
  b[o + 2] = total >>> 8;
  b[o + 3] = total & 0xff;
  b[o + 4] = (id >>> 8) & 0xff;
  b[o + 5] = id & 0xff;
  b[o + 6] = flagsFrag >>> 8;
  b[o + 7] = flagsFrag & 0xff;
  b[o + 8] = ttl;
  b[o + 9] = proto;
  b[o + 10] = 0;
  b[o + 11] = 0;
  b[o + 12] = src >>> 24;
  b[o + 13] = (src >>> 16) & 0xff;
  b[o + 14] = (src >>> 8) & 0xff;
  b[o + 15] = src & 0xff;
  b[o + 16] = dst >>> 24;
  b[o + 17] = (dst >>> 16) & 0xff;
  b[o + 18] = (dst >>> 8) & 0xff;
  b[o + 19] = dst & 0xff;
  const ck = finish(ctx.checksum.sum16(b, o, IPV4_HEADER_LEN, 0));
  b[o + 10] = ck >>> 8;
  b[o + 11] = ck & 0xff;
}


/**
 * RFC 6791 source for an ICMPv6 error whose source has no IPv4 form in the tenant: the pool
 * options.rfc6791v4Addr/Len. A /32 is that address; a wider pool gives the address whose host
 * bits are an FNV-1a hash of the IPv6 source, so one router always shows as one IPv4 address
 * (traceroute stays readable) and nothing is kept per packet.
 */
export function rfc6791Source4(base: number, len: number, buf: Uint8Array, srcOff: number): number {
  if (len >= 32) return base | 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) h = Math.imul(h ^ buf[srcOff + i]!, 0x01000193);
  const host = len <= 0 ? 0xffffffff : (0xffffffff >>> len);
  return (base & ~host) | (h & host);
}

/**
 * The IPv6 -> IPv4 half of the translator (one per worker; reuses its views, allocates nothing
 * per packet).
 */
export class Translate6to4 {
  /**
   * Next IPv4 Identification for packets without a Fragment header that leave with DF=0 (RFC 7915
   * §5.1: "Set according to a Fragment Identification algorithm at the translator"): a per-worker
   * counter, started at a random value. Public so tests can fix it.
   */
  nextIdent: number;

  private readonly ip6 = new Ipv6View();
  private readonly inner6 = new Ipv6View();
  private readonly icmp6 = new Icmpv6View();
  private readonly tcp = new TcpView();
  private readonly udp = new UdpView();
  private readonly tmp16 = new Uint8Array(16);
  /** RFC 7757 §4.2 intrinsic hairpinning goes back through a 4->6 translator on the same context. */
  private readonly back: Translate4to6;
  /** The packet being translated is an intrinsic hairpin (set per packet by translate()). */
  private hairpin = false;
  /**
   * IPv4 next-hop MTU of the packet being translated, octets: its destination tenant's link
   * (`ipv4MtuOf`), set per packet by translate() once lookupDst6 named the tenant. Every size
   * decision below (fit, Packet Too Big, fragment size, PTB -> Frag Needed, ICMP error cap) reads
   * this, never options.ipv4Mtu.
   */
  private mtu4 = 0;

  constructor(readonly ctx: TranslateContext) {
    this.nextIdent = Math.floor(Math.random() * 0x10000);
    this.back = new Translate4to6(ctx);
  }

  /**
   * RFC 7915 §5.1 for a packet without a Fragment header, `total` octets as IPv4: DF set above
   * DF_THRESHOLD (the packet goes whole or not at all; its size was checked by tooBig()), with
   * Identification 0 (RFC 6864 §4.1: it has no meaning in an atomic datagram, so the counter is
   * kept for DF=0 packets); otherwise DF clear and the next Identification. Returns the flags and
   * fragment-offset word in the high 16 bits and the Identification in the low 16 (one small
   * integer, no object).
   */
  private unfragmented(total: number): number {
    return total > DF_THRESHOLD ? FLAG_DF << 16 : this.ident();
  }

  private ident(): number {
    const id = this.nextIdent & 0xffff;
    this.nextIdent = (id + 1) & 0xffff;
    return id;
  }

  private tosOf(ip: Ipv6View): number {
    // RFC 7915 §5.1: TOS "By default, copied from the IPv6 Traffic Class (all 8 bits)"; an
    // implementation "SHOULD provide the ability to ... always set the IPv4 TOS Octet to a specified value".
    const t = this.ctx.options.tos;
    return t < 0 ? ip.trafficClass() : t & 0xff;
  }

  /** Drop the input with `reason` and answer the sender with an ICMPv6 error when RFC 4443 allows. */
  private dropAnswering(v: Verdict, reason: Reason64, ip: Ipv6View, tenant: number, type: number, code: number, rest: number): void {
    v.dropWith(reason);
    const n = buildIcmp6Error(this.ctx, ip, type, code, rest, this.ctx.scratch);
    if (n > 0 && v.push(this.ctx.scratch, 0, n, TO_IPV6, tenant)) v.generatedError = true;
  }

  /**
   * Translate the IPv6 packet at buf[off, off+len). Emits the IPv4 packet (in place, or fragments
   * in ctx.scratch) TO_IPV4 for the destination's tenant, or drops with a REASONS_64 reason
   * (plus, for some, an ICMPv6 error TO_IPV6 for the sender, tagged with that tenant).
   */
  translate(buf: Uint8Array, off: number, len: number, v: Verdict): void {
    const ctx = this.ctx;
    const table = ctx.table;
    const ip = this.ip6.bind(buf, off, len);
    if (ip.check() !== null) return v.dropWith('64.malformed-ipv6');

    const tenant = table.lookupDst6(buf, ip.dstOff());
    if (tenant < 0) return v.dropWith(table.outRule === RULE_PLAT ? '64.dst-plat' : '64.not-ours');
    v.dropTenant = tenant; // every drop below is the destination tenant's (64.cross-tenant included)
    this.mtu4 = ipv4MtuOf(ctx.options, tenant);
    // Signed from here on: see the note on addresses in 4to6.ts.
    const dst4 = table.outV4 | 0;
    const dstRule = table.outRule;
    // RFC 7757 §4.2: a destination written with an RFC 6052 prefix (tenant prefix or PLAT) whose
    // IPv4 address is one of the tenant's EAM addresses names an IPv6 node behind this same
    // translator. With intrinsic hairpinning the IPv4 packet goes straight back to IPv6 (the 4->6
    // side writes its source through the RFC 6052 prefix, not the EAM) instead of to the tenant.
    this.hairpin = ctx.options.eamHairpin === HAIRPIN_INTRINSIC && dstRule !== RULE_EAM && table.encode4(tenant, dst4, this.tmp16, 0) === RULE_EAM;
    // RFC 6877 §6.3: an address under the PLAT prefix stands for an IPv4 host behind the PLAT, never
    // for a host of the tenant, whether one tenant or several use that prefix. Delivering it to the
    // tenant would put an outside address on the tenant's wire; only a hairpin (above) may take it.
    if (dstRule === RULE_PLAT && !this.hairpin) return v.dropWith('64.dst-plat');

    const proto = ip.upperProto();
    // ICMP for IPv4 (1) has no meaning inside IPv6: passed on, it would reach the tenant as an
    // unchecked, untranslated ICMPv4 message that anyone on the fabric could forge.
    if (proto === IPPROTO_ICMP) return v.dropWith('64.icmpv4-in-ipv6');
    const first = ip.hasUpperHeader();
    const upOff = ip.upperOff();
    const upLen = ip.upperLen();
    const isIcmp = proto === IPPROTO_ICMPV6 && first;
    const isIcmpError = isIcmp && upLen >= 1 && buf[upOff]! < 128;

    let src4: number;
    if (table.lookupSrc6(tenant, buf, ip.srcOff())) {
      src4 = table.outV4 | 0;
    } else if (isIcmpError) {
      // RFC 6791 §4 (RFC 7915 §5.1 "Source Address"): an ICMPv6 error from a node without an
      // IPv4 form (a router on the fabric) still reaches the IPv4 host, from the pool. Its inner
      // packet must belong to this tenant (checked in translateIcmpError).
      src4 = rfc6791Source4(ctx.options.rfc6791v4Addr, ctx.options.rfc6791v4Len, buf, ip.srcOff());
    } else {
      return v.dropWith('64.cross-tenant');
    }

    // RFC 7915 §5.1 (Time to Live): "the translator (as any router) MUST check for zero and send
    // the ICMPv4 "TTL Exceeded" or ICMPv6 "Hop Limit Exceeded" error." RFC 8200 §4 / RFC 4443
    // §3.3: a router that would forward with Hop Limit 0 discards and sends Time Exceeded 3/0.
    const hopLimit = ip.hopLimit();
    if (hopLimit <= 1) return this.dropAnswering(v, '64.hop-limit-expired', ip, tenant, 3, 0, 0);

    // RFC 7915 §5.1: "If a Routing header with a non-zero Segments Left field is present, then the
    // packet MUST NOT be translated, and an ICMPv6 "Parameter Problem" / "Erroneous header field
    // encountered" (Type 4 / Code 0) error message, with the Pointer field indicating the first
    // byte of the Segments Left field, SHOULD be returned to the sender."
    if (ip.segmentsLeft() > 0) return this.dropAnswering(v, '64.routing-header', ip, tenant, 4, 0, ip.segmentsLeftPointer());

    // Offloads (the packet came with a virtio_net_hdr; offload.ts): the in-place path takes a
    // partial TCP/UDP checksum at the upper header and a TCP or UDP GSO super-packet; a GSO packet
    // it cannot take goes back to the caller to be cut into ordinary packets, any other partial
    // checksum is completed here.
    const ol = ctx.offload;
    let partial = false;
    let gso = GSO_NONE;
    let l4hl = 0;
    if (!ol.plain) {
      const tcp = proto === IPPROTO_TCP;
      const g = ol.gso;
      if (
        first &&
        !ip.hasFragment() &&
        !this.hairpin &&
        IPV4_HEADER_LEN + upLen <= 0xffff &&
        (tcp || proto === IPPROTO_UDP) &&
        ol.partial &&
        ol.csumStart === upOff - off &&
        ol.csumOffset === (tcp ? TCP_CHECKSUM : UDP_CHECKSUM) &&
        (g === GSO_NONE || g === (tcp ? GSO_TCPV6 : GSO_UDP_L4))
      ) {
        l4hl = tcp ? (upLen >= 20 ? (buf[upOff + 12]! >> 4) * 4 : 0) : 8;
        if (l4hl < (tcp ? 20 : 8) || l4hl > upLen) return v.dropWith(tcp ? '64.malformed-tcp' : '64.malformed-udp');
        if (g !== GSO_NONE && ol.gsoSize === 0) return v.dropWith('64.bad-offload');
        partial = true;
        gso = g;
      } else if (g !== GSO_NONE) {
        v.resegment = true;
        return;
      } else if (!settlePartial(buf, off, len, ol, ctx.checksum, proto === IPPROTO_UDP)) {
        return v.dropWith('64.bad-offload');
      }
    }

    // §5.1.1 Identification / Flags / Fragment Offset.
    let id = 0;
    let flagsFrag = 0;
    const frag = ip.hasFragment();
    if (frag) {
      // RFC 7915 §5.1.1: "If the Next Header field of the Fragment header is an extension header
      // (except ESP, but including the Authentication Header (AH)), then the packet SHOULD be dropped and logged."
      if (dropsAfterFragment(buf[ip.fragHeaderOff()]!)) return v.dropWith('64.fragment-ext-header');
      // "Identification: Copied from the low-order 16 bits ..."; "The IPv4 More Fragments (MF)
      // flag is copied from the M flag ... The IPv4 DF flag is cleared"; offset copied.
      id = ip.fragId() & 0xffff;
      flagsFrag = (ip.fragMore() ? FLAG_MF : 0) | (ip.fragOffset() >>> 3);
      if (ip.fragOffset() + upLen > 0xffff - IPV4_HEADER_LEN) return v.dropWith('64.fragment-too-large');
    }
    const tos = this.tosOf(ip);
    const ttl = hopLimit - 1;

    if (proto === IPPROTO_ICMPV6) {
      // ICMPv6's checksum covers the pseudo-header and the whole message: a fragment cannot be
      // verified or re-checksummed statelessly. An atomic fragment (offset 0, M=0) is whole.
      if (frag && (!first || ip.fragMore())) return v.dropWith('64.icmpv6-fragment');
      if (isIcmpError) return this.translateIcmpError(v, tenant, src4, dst4, tos, ttl, frag, id, flagsFrag);
      return this.translateIcmpInfo(v, tenant, src4, dst4, tos, ttl, frag, id, flagsFrag);
    }

    // §5.5: TCP and UDP checksums follow the pseudo-header's address change (RFC 1624 eqn. 3,
    // HC' = ~(~HC + ~m + m'), with m the IPv6 addresses' sum and m' the IPv4 addresses' sum:
    // protocol and upper-layer length are the same in both pseudo-headers and cancel). Right on
    // a first fragment too: the checksum covers the whole datagram, and only addresses change.
    if (first && (proto === IPPROTO_TCP || proto === IPPROTO_UDP)) {
      let ckOff: number;
      if (proto === IPPROTO_TCP) {
        if (frag ? upLen < TCP_CHECKSUM + 2 : this.tcp.bind(buf, upOff, upLen).check() !== null) return v.dropWith('64.malformed-tcp');
        ckOff = upOff + TCP_CHECKSUM;
      } else {
        if (frag ? upLen < UDP_HEADER_LEN : this.udp.bind(buf, upOff, upLen).check() !== null) return v.dropWith('64.malformed-udp');
        ckOff = upOff + UDP_CHECKSUM;
      }
      const hc = be16(buf, ckOff);
      // RFC 8200 §8.1: "IPv6 receivers MUST discard UDP packets containing a zero checksum".
      // (A partial checksum field holds the pseudo-header sum: no zero rule.)
      if (proto === IPPROTO_UDP && hc === 0 && !partial) return v.dropWith('64.udp-zero-checksum');
      // A GSO super-packet is held to the size of each segment the kernel will cut from it.
      if (this.tooBig(v, IPV4_HEADER_LEN + (gso !== GSO_NONE ? l4hl + ol.gsoSize : upLen), frag, tenant)) return;
      if (partial && gso === GSO_NONE && IPV4_HEADER_LEN + upLen > this.mtu4) {
        // To be fragmented (DF=0): fragments carry a finished checksum, completed over the IPv6 pseudo-header first.
        if (!settlePartial(buf, off, len, ol, ctx.checksum, proto === IPPROTO_UDP)) return v.dropWith('64.bad-offload');
        partial = false;
      }
      const m = ctx.checksum.sum16(buf, off + IPV6_SRC, 32, 0);
      const m2 = pseudoSum4(src4, dst4, 0, 0);
      if (partial) {
        // CHECKSUM_PARTIAL: the same address change in the pseudo-header sum, uncomplemented.
        put16(buf, ckOff, adjustPartial(hc, m, m2));
      } else {
        const nc = adjust(hc, m, m2);
        put16(buf, ckOff, proto === IPPROTO_UDP ? udpFinish(nc) : nc);
      }
    } else if (this.tooBig(v, IPV4_HEADER_LEN + upLen, frag, tenant)) return;
    // RFC 7915 §5.1 Protocol: "For the first 'next header' that does not match one of the cases
    // above, its Next Header value ... is copied to the protocol field": unknown protocols pass.
    const newOff = upOff - IPV4_HEADER_LEN;
    this.emit(v, buf, newOff, IPV4_HEADER_LEN + upLen, tenant, src4, dst4, tos, ttl, proto, frag, id, flagsFrag, gso !== GSO_NONE);
    if (partial && v.count === 1 && v.offs[0] === newOff) {
      // The same offloads for the IPv4 packet: the L4 header now starts after the 20-octet header.
      const o = v.offload;
      o.flags = F_NEEDS_CSUM;
      o.gsoType = gso === GSO_NONE ? GSO_NONE : gso === GSO_TCPV6 ? GSO_TCPV4 | (ol.gsoType & GSO_ECN) : GSO_UDP_L4;
      o.gsoSize = gso === GSO_NONE ? 0 : ol.gsoSize;
      o.hdrLen = IPV4_HEADER_LEN + l4hl;
      o.csumStart = IPV4_HEADER_LEN;
      o.csumOffset = ol.csumOffset;
      v.offloadAt = 0;
    }
  }

  /**
   * Write the IPv4 header at buf[newOff] for a packet of `total` octets whose data already follows,
   * then apply the §5.1 size rules: fits -> push in place; DF would be 1 -> Packet Too Big;
   * DF 0 -> IPv4 fragments in ctx.scratch.
   */
  private emit(v: Verdict, buf: Uint8Array, newOff: number, total: number, tenant: number, src4: number, dst4: number, tos: number, ttl: number, proto: number, frag: boolean, id: number, flagsFrag: number, gso = false): void {
    const ctx = this.ctx;
    if (!frag) {
      const fi = this.unfragmented(total);
      flagsFrag = fi >>> 16;
      id = fi & 0xffff;
    }
    writeIpv4Header(ctx, buf, newOff, tos, total, id, flagsFrag, ttl, proto, src4, dst4);
    if (this.hairpin) return this.hairpinBack(v, buf, newOff, total, tenant);
    // A GSO super-packet's segments were checked against the MTU (tooBig); the kernel cuts them.
    if (total <= this.mtu4 || gso) {
      v.push(buf, newOff, total, TO_IPV4, tenant);
      return;
    }
    this.fragment(v, buf, newOff, total, tenant);
  }

  /**
   * RFC 7915 §5.1: "If a translated packet with DF set to 1 will be larger than the MTU of the
   * next-hop interface, then the translator MUST drop the packet and send the ICMPv6 Packet Too
   * Big (Type 2 / Code 0) error message to the IPv6 host with an adjusted MTU". Called before the
   * input is touched, so the quote is the packet as received. Returns true when it dropped.
   *
   * Adjusted MTU: the IPv6 packet is 20 octets longer than its translation (it has no Fragment
   * header, or DF would be 0), so the destination tenant's IPv4 MTU + 20; never below 1280,
   * because an RFC 8200 §5 host need not go lower and a PTB below 1280 used to elicit atomic
   * fragments (RFC 8021).
   */
  private tooBig(v: Verdict, total: number, frag: boolean, tenant: number): boolean {
    const mtu = this.mtu4;
    if (frag || this.hairpin || total <= DF_THRESHOLD || total <= mtu) return false;
    const mtu6 = Math.max(mtu + IPV6_HEADER_LEN - IPV4_HEADER_LEN, IPV6_MIN_MTU);
    this.dropAnswering(v, '64.packet-too-big', this.ip6, tenant, 2, 0, mtu6);
    return true;
  }

  /**
   * RFC 7757 §4.2 intrinsic hairpinning: hand the IPv4 packet at buf[o, o+total) to the 4->6 side
   * as if tenant `tenant` had sent it. It needs HEADROOM free octets in front, which the input
   * buffer does not promise, so the packet is copied to the end of ctx.scratch (4->6 builds its
   * fragments and errors from the start of scratch; a packet so big that both could meet is dropped).
   */
  private hairpinBack(v: Verdict, buf: Uint8Array, o: number, total: number, tenant: number): void {
    const s = this.ctx.scratch;
    const at = s.length - total;
    // 4->6 output can reach total + 48 octets per 1232-octet fragment (RFC 7915 §4 sizes).
    if (at - HEADROOM < total + 48 * Math.ceil(total / 1232) + 48) return v.dropWith('64.hairpin-too-big');
    copyBytes(buf, o, s, at, total);
    this.back.translateHairpin(tenant, s, at, total, v);
  }

  /**
   * RFC 791 §3.2 fragmentation of the DF=0 IPv4 packet at buf[o, o+total) (header already written)
   * into ctx.scratch, each fragment at most the destination tenant's IPv4 MTU (this.mtu4). Keeps
   * the input's offset and MF (it may be a fragment itself).
   */
  private fragment(v: Verdict, buf: Uint8Array, o: number, total: number, tenant: number): void {
    const ctx = this.ctx;
    const s = ctx.scratch;
    const chunk = (this.mtu4 - IPV4_HEADER_LEN) & ~7;
    const dataLen = total - IPV4_HEADER_LEN;
    const count = chunk > 0 ? Math.ceil(dataLen / chunk) : MAX_EMIT + 1;
    if (count > MAX_EMIT || dataLen + count * IPV4_HEADER_LEN > s.length) return v.dropWith('64.too-many-fragments');
    const ff = be16(buf, o + 6);
    const baseOff = (ff & 0x1fff) * 8;
    const lastMf = (ff & FLAG_MF) !== 0;
    let p = 0;
    for (let at = 0; at < dataLen; at += chunk) {
      const n = Math.min(chunk, dataLen - at);
      copyBytes(buf, o, s, p, IPV4_HEADER_LEN);
      copyBytes(buf, o + IPV4_HEADER_LEN + at, s, p + IPV4_HEADER_LEN, n);
      const more = at + n < dataLen || lastMf;
      const fl = (more ? FLAG_MF : 0) | ((baseOff + at) >>> 3);
      const t = IPV4_HEADER_LEN + n;
      s[p + 2] = t >>> 8;
      s[p + 3] = t & 0xff;
      s[p + 6] = fl >>> 8;
      s[p + 7] = fl & 0xff;
      s[p + 10] = 0;
      s[p + 11] = 0;
      const ck = finish(ctx.checksum.sum16(s, p, IPV4_HEADER_LEN, 0));
      s[p + 10] = ck >>> 8;
      s[p + 11] = ck & 0xff;
      v.push(s, p, t, TO_IPV4, tenant);
      p += t;
    }
  }

  /** Verify the ICMPv6 checksum (RFC 4443 §2.3): a bad one must not be laundered into a good ICMPv4 checksum. */
  private icmpChecksumOk(): boolean {
    const ip = this.ip6;
    const ic = this.icmp6;
    return this.ctx.checksum.sum16(ic.buf, ic.off, ic.len, pseudoSum6(ip.buf, ip.srcOff(), ip.dstOff(), IPPROTO_ICMPV6, ic.len)) === 0xffff;
  }

  /** RFC 7915 §5.2 informational messages: echo translated in place, the rest dropped. */
  private translateIcmpInfo(v: Verdict, tenant: number, src4: number, dst4: number, tos: number, ttl: number, frag: boolean, id: number, flagsFrag: number): void {
    const ip = this.ip6;
    const buf = ip.buf;
    const ic = this.icmp6.bind(buf, ip.upperOff(), ip.upperLen());
    if (ic.check() !== null) return v.dropWith('64.malformed-icmpv6');
    const rule = lookupIcmp6To4(ic.type(), ic.code());
    if (rule.kind !== 'echo') return v.dropWith(rule.reason as Reason64);
    if (!this.icmpChecksumOk()) return v.dropWith('64.bad-icmpv6-checksum');
    if (this.tooBig(v, IPV4_HEADER_LEN + ic.len, frag, tenant)) return;
    const o = ic.off;
    buf[o] = rule.type4;
    if (rule.code4 !== CODE_SAME) buf[o + 1] = rule.code4;
    // RFC 7915 §5.2: "adjust the ICMP checksum both to take the type change into account and to
    // exclude the ICMPv6 pseudo-header": recomputed over the whole ICMPv4 message (RFC 792).
    buf[o + 2] = 0;
    buf[o + 3] = 0;
    const ck = finish(this.ctx.checksum.sum16(buf, o, ic.len, 0));
    put16(buf, o + 2, ck);
    this.emit(v, buf, o - IPV4_HEADER_LEN, IPV4_HEADER_LEN + ic.len, tenant, src4, dst4, tos, ttl, IPPROTO_ICMP, frag, id, flagsFrag);
  }

  /**
   * RFC 7915 §5.2/§5.3 error messages, built in ctx.scratch: outer IPv4 header, ICMPv4 header,
   * the translated packet in error (addresses of the destination's tenant, hop limit kept,
   * extension headers removed, lengths and inner checksums fixed), RFC 4884 padding and extension.
   */
  private translateIcmpError(v: Verdict, tenant: number, src4: number, dst4: number, tos: number, ttl: number, frag: boolean, id: number, flagsFrag: number): void {
    const ctx = this.ctx;
    const ip = this.ip6;
    const buf = ip.buf;
    const ic = this.icmp6.bind(buf, ip.upperOff(), ip.upperLen());
    if (ic.check() !== null) return v.dropWith('64.malformed-icmpv6');
    const type6 = ic.type();
    const rule = lookupIcmp6To4(type6, ic.code());
    if (rule.kind === 'drop') return v.dropWith(rule.reason as Reason64);
    if (!this.icmpChecksumOk()) return v.dropWith('64.bad-icmpv6-checksum');

    let rest = 0;
    if (rule.kind === 'pointer') {
      const p4 = mapPointer6To4(ic.pointer());
      if (p4 === POINTER_NA) return v.dropWith('64.icmpv6-param-problem-pointer');
      rest = (p4 << 24) >>> 0;
    }

    // The packet in error.
    const inn = this.inner6.bind(buf, ic.innerOff(), ic.innerLen());
    if (inn.checkEmbedded() !== null) return v.dropWith('64.inner-malformed');
    const table = ctx.table;
    // Both inner addresses through the destination's tenant: no packet of another tenant is
    // quoted back to this one (an RFC 6791-sourced error would otherwise be a side channel).
    if (!table.lookupSrc6(tenant, buf, inn.srcOff())) return v.dropWith('64.inner-cross-tenant');
    const isrc4 = table.outV4 | 0;
    if (!table.lookupSrc6(tenant, buf, inn.dstOff())) return v.dropWith('64.inner-cross-tenant');
    const idst4 = table.outV4 | 0;

    let iproto = inn.upperProto();
    const ifirst = inn.hasUpperHeader();
    const iupOff = inn.upperOff();
    const iupLen = inn.upperLen(); // octets present
    if (iproto === IPPROTO_ICMPV6 && ifirst && iupLen >= 1) {
      const t = buf[iupOff]!;
      // RFC 4443 §2.4(e.1): no error answers an error; a quoted error means a broken sender.
      if (t < 128) return v.dropWith('64.inner-icmpv6-error');
      if (t !== 128 && t !== 129) return v.dropWith('64.inner-icmpv6-untranslatable');
    }
    if (iproto === IPPROTO_ICMP) return v.dropWith('64.icmpv4-in-ipv6');
    if (iproto === IPPROTO_ICMPV6) iproto = IPPROTO_ICMP;

    if (rule.kind === 'ptb') {
      // RFC 7915 §5.2: "The MTU field MUST be adjusted for the difference between the IPv4 and IPv6
      // header sizes, taking into account whether or not the packet in error includes a Fragment
      // Header, i.e., minimum(advertised MTU-20, MTU_of_IPv4_nexthop, (MTU_of_IPv6_nexthop)-20)."
      // The IPv4 next hop is the destination tenant's link.
      let mtu = Math.min(ic.mtu() - 20, this.mtu4, ctx.options.ipv6Mtu - 20);
      // Not in RFC 7915: an advertised MTU that leaves less than the IPv4 minimum (RFC 791: 68)
      // cannot be passed on. Fall back to RFC 1191 §5's plateau search, as RFC 7915 §4.2 does
      // for MTU 0 the other way: the largest plateau below the quoted datagram's IPv4 length.
      if (mtu < IPV4_MIN_MTU) mtu = this.plateauBelow(inn.payloadLen() - inn.extLen() + IPV4_HEADER_LEN);
      rest = Math.min(mtu, 0xffff);
    }

    // Inner IPv4 header fields (§5.3: "translated just like a normal IP packet (except that the
    // TTL/Hop Limit value of the inner IPv4/IPv6 packet are not decremented)").
    const itotal = inn.payloadLen() - inn.extLen() + IPV4_HEADER_LEN;
    let iid = 0;
    let iff = 0;
    if (inn.hasFragment()) {
      iid = inn.fragId() & 0xffff;
      iff = (inn.fragMore() ? FLAG_MF : 0) | (inn.fragOffset() >>> 3);
    } else if (itotal > DF_THRESHOLD) {
      iff = FLAG_DF;
    }
    // The quoted datagram's Identification cannot be recovered: 0 without a Fragment header.

    // Layout in scratch: [0,20) outer IPv4 | [20,28) ICMPv4 | [28,48) inner IPv4 | inner data | pad | extension.
    const s = ctx.scratch;
    const mtu4 = this.mtu4;
    const icmpAt = IPV4_HEADER_LEN;
    const innerAt = icmpAt + ICMPV4_HEADER_LEN;
    let dataLen = iupLen;
    // RFC 4884: types 1 and 3 carry a Length (64-bit words) and maybe an extension structure.
    const ext = ic.extOff();
    let extLen = ext >= 0 ? ic.off + ic.len - ext : 0;
    let has4884 = ic.hasLengthField() && ic.origDatagramLen() > 0;
    let origLen = 0;
    // Never more than the IPv4 next-hop MTU (an ICMP error is not fragmented): without room for
    // the extension, send RFC 792 style (no Length, no extension) and cut the quote.
    for (;;) {
      const innLen = IPV4_HEADER_LEN + dataLen;
      if (has4884) {
        // RFC 4884 §4.1: "the original datagram MUST be zero padded to the nearest 32-bit boundary"
        // and, with an extension structure, contain at least 128 octets (§5.1 rule for ICMPv4).
        origLen = (innLen + 3) & ~3;
        if (extLen > 0 && origLen < RFC4884_MIN_ORIG_LEN) origLen = RFC4884_MIN_ORIG_LEN;
      } else {
        origLen = innLen;
      }
      if (innerAt + origLen + extLen <= mtu4) break;
      if (has4884) {
        has4884 = false;
        extLen = 0;
        continue;
      }
      dataLen = Math.max(0, mtu4 - innerAt - IPV4_HEADER_LEN);
      origLen = IPV4_HEADER_LEN + dataLen;
      break;
    }
    const msgLen = ICMPV4_HEADER_LEN + origLen + extLen;
    const total = IPV4_HEADER_LEN + msgLen;

    // Inner: header, data copied, transport checksum fixed in the copy.
    writeIpv4Header(ctx, s, innerAt, this.tosOfInner(inn), itotal, iid, iff, inn.hopLimit(), iproto, isrc4, idst4);
    const dAt = innerAt + IPV4_HEADER_LEN;
    copyBytes(buf, iupOff, s, dAt, dataLen);
    if (ifirst) this.fixInnerTransport(s, dAt, dataLen, inn, iproto, isrc4, idst4);
    s.fill(0, dAt + dataLen, innerAt + origLen);
    if (extLen > 0) copyBytes(buf, ext, s, innerAt + origLen, extLen);

    // ICMPv4 header.
    s[icmpAt] = rule.type4;
    s[icmpAt + 1] = rule.code4 === CODE_SAME ? ic.code() : rule.code4;
    s[icmpAt + 2] = 0;
    s[icmpAt + 3] = 0;
    s[icmpAt + 4] = (rest >>> 24) & 0xff;
    s[icmpAt + 5] = (rest >>> 16) & 0xff;
    s[icmpAt + 6] = (rest >>> 8) & 0xff;
    s[icmpAt + 7] = rest & 0xff;
    // RFC 4884 §4.1 (ICMPv4): Length in 32-bit words, the second octet. RFC 7915 §5.2: "the ICMPv6
    // Extension length attribute MUST be adjusted accordingly".
    if (has4884) s[icmpAt + 5] = origLen >>> 2;
    const ck = finish(ctx.checksum.sum16(s, icmpAt, msgLen, 0));
    put16(s, icmpAt + 2, ck);

    // Outer header: §5.1 as for any packet (DF by the 1260 rule; it fits mtu4 by construction).
    if (!frag) {
      const fi = this.unfragmented(total);
      flagsFrag = fi >>> 16;
      id = fi & 0xffff;
    }
    writeIpv4Header(ctx, s, 0, tos, total, id, flagsFrag, ttl, IPPROTO_ICMP, src4, dst4);
    v.push(s, 0, total, TO_IPV4, tenant);
  }

  private tosOfInner(inn: Ipv6View): number {
    const t = this.ctx.options.tos;
    return t < 0 ? inn.trafficClass() : t & 0xff;
  }

  /** Largest of options.mtuPlateaus below `len` and not under 68 (RFC 1191 §5), else 68. */
  private plateauBelow(len: number): number {
    const pl = this.ctx.options.mtuPlateaus;
    for (let i = 0; i < pl.length; i++) {
      const p = pl[i]!;
      if (p < len && p >= IPV4_MIN_MTU) return p;
    }
    return IPV4_MIN_MTU;
  }

  /**
   * §5.3/§5.5 inside an error: the quoted TCP/UDP checksum follows the address change when its
   * field is present (even in a cut quote); a quoted ICMPv6 echo becomes ICMPv4 echo, its checksum
   * losing the pseudo-header and taking the type change (RFC 1624 eqn. 3 with m = pseudo-header
   * sum + old type/code word, m' = new type/code word).
   */
  private fixInnerTransport(s: Uint8Array, at: number, n: number, inn: Ipv6View, iproto: number, isrc4: number, idst4: number): void {
    const b = inn.buf;
    if (iproto === IPPROTO_TCP || iproto === IPPROTO_UDP) {
      const rel = iproto === IPPROTO_TCP ? TCP_CHECKSUM : UDP_CHECKSUM;
      if (n < rel + 2) return;
      const hc = be16(s, at + rel);
      // A quoted UDP checksum of 0 is left alone: the quote is informational.
      if (iproto === IPPROTO_UDP && hc === 0) return;
      const m = this.ctx.checksum.sum16(b, inn.off + IPV6_SRC, 32, 0);
      const nc = adjust(hc, m, pseudoSum4(isrc4, idst4, 0, 0));
      put16(s, at + rel, iproto === IPPROTO_UDP ? udpFinish(nc) : nc);
      return;
    }
    if (iproto === IPPROTO_ICMP && n >= 1) {
      const t6 = s[at]!;
      const c = n >= 2 ? s[at + 1]! : 0;
      const t4 = t6 === 128 ? 8 : 0;
      s[at] = t4;
      if (n < 4) return;
      const ulen = inn.payloadLen() - inn.extLen();
      const m = fold(pseudoSum6(b, inn.srcOff(), inn.dstOff(), IPPROTO_ICMPV6, ulen) + ((t6 << 8) | c));
      put16(s, at + 2, adjust(be16(s, at + 2), m, (t4 << 8) | c));
    }
  }
}

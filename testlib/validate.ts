/**
 * Our own judgement of an emitted packet, for the vector runner, the property tests and the fuzzer:
 * the packet views' check() passes, the length field matches the packet exactly, the IPv4 header
 * checksum is right, and the upper-layer checksum of an unfragmented packet (or of a first fragment
 * for ICMP errors is not possible, so: unfragmented only) verifies over the right pseudo-header:
 * TCP, UDP (zero allowed over IPv4 only, RFC 768 / RFC 8200 §8.1), ICMPv4, ICMPv6. The datagram
 * inside an ICMP error must pass checkEmbedded(), and a complete quoted IPv4 header its checksum.
 *
 * Returns null or one line saying what is wrong. Allocates nothing per call beyond the reason text.
 */
import {
  Icmpv4View,
  Icmpv6View,
  Ipv4View,
  Ipv6View,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  TcpView,
  UdpView,
} from '../src/packet/index.js';

const v4 = new Ipv4View();
const v6 = new Ipv6View();
const in4 = new Ipv4View();
const in6 = new Ipv6View();
const tcp = new TcpView();
const udp = new UdpView();
const icmp4 = new Icmpv4View();
const icmp6 = new Icmpv6View();
let skipL4 = false;

/** Options for {@link validatePacket}. */
export interface ValidateOptions {
  /**
   * Do not judge the TCP or UDP header (lengths, checksum). For a packet translated from an input
   * whose own TCP/UDP header was already wrong: RFC 1624 incremental updates keep a wrong checksum
   * wrong (a stateless translator does not verify transport checksums), which is right.
   */
  skipTransport?: boolean;
}

/**
 * Validate one emitted IP packet occupying all of `pkt`.
 * @example validatePacket(v.packet(0)) // null when good, else e.g. 'udp checksum bad'
 */
export function validatePacket(pkt: Uint8Array, opts?: ValidateOptions): string | null {
  skipL4 = opts?.skipTransport === true;
  if (pkt.length === 0) return 'empty packet';
  const version = pkt[0]! >> 4;
  if (version === 4) return validate4(pkt);
  if (version === 6) return validate6(pkt);
  return `version nibble ${version}`;
}

function validate4(pkt: Uint8Array): string | null {
  const r = v4.bind(pkt, 0, pkt.length).check();
  if (r !== null) return r;
  if (v4.totalLen() !== pkt.length) return `IPv4 Total Length ${v4.totalLen()} != packet length ${pkt.length}`;
  if (!v4.checksumOk()) return 'IPv4 header checksum bad';
  if (v4.isFragment()) return null;
  const off = v4.payloadOff();
  const len = v4.payloadLen();
  switch (v4.protocol()) {
    case IPPROTO_TCP: {
      if (skipL4) return null;
      const t = tcp.bind(pkt, off, len).check();
      if (t !== null) return t;
      return skipL4 || tcp.checksumOk(v4.pseudoSum(len)) ? null : 'tcp checksum bad (IPv4)';
    }
    case IPPROTO_UDP: {
      if (skipL4) return null;
      const u = udp.bind(pkt, off, len).check();
      if (u !== null) return u;
      if (udp.len !== len) return `UDP Length ${udp.len} != IPv4 payload ${len}`;
      if (udp.checksum() === 0) return null;
      return skipL4 || udp.checksumOk(v4.pseudoSum(len)) ? null : 'udp checksum bad (IPv4)';
    }
    case IPPROTO_ICMP: {
      const c = icmp4.bind(pkt, off, len).check();
      if (c !== null) return c;
      if (!icmp4.checksumOk()) return 'icmpv4 checksum bad';
      if (icmp4.isError()) return inner4(pkt, icmp4.innerOff(), icmp4.innerLen());
      return null;
    }
    case IPPROTO_ICMPV6:
      return 'ICMPv6 (58) inside IPv4';
  }
  return null;
}

function inner4(pkt: Uint8Array, off: number, len: number): string | null {
  const r = in4.bind(pkt, off, len).checkEmbedded();
  if (r !== null) return `inner ${r}`;
  if (!in4.checksumOk()) return 'inner IPv4 header checksum bad';
  return null;
}

function validate6(pkt: Uint8Array): string | null {
  const r = v6.bind(pkt, 0, pkt.length).check();
  if (r !== null) return r;
  if (v6.len !== pkt.length) return `IPv6 40 + Payload Length ${v6.len} != packet length ${pkt.length}`;
  if (v6.hasFragment() && (v6.fragOffset() !== 0 || v6.fragMore())) return null;
  const off = v6.upperOff();
  const len = v6.upperLen();
  const proto = v6.upperProto();
  switch (proto) {
    case IPPROTO_TCP: {
      if (skipL4) return null;
      const t = tcp.bind(pkt, off, len).check();
      if (t !== null) return t;
      return skipL4 || tcp.checksumOk(v6.pseudoSum(proto, len)) ? null : 'tcp checksum bad (IPv6)';
    }
    case IPPROTO_UDP: {
      if (skipL4) return null;
      const u = udp.bind(pkt, off, len).check();
      if (u !== null) return u;
      if (udp.len !== len) return `UDP Length ${udp.len} != IPv6 upper-layer length ${len}`;
      if (udp.checksum() === 0) return 'udp checksum zero over IPv6 (RFC 8200 §8.1)';
      return skipL4 || udp.checksumOk(v6.pseudoSum(proto, len)) ? null : 'udp checksum bad (IPv6)';
    }
    case IPPROTO_ICMPV6: {
      const c = icmp6.bind(pkt, off, len).check();
      if (c !== null) return c;
      if (!icmp6.checksumOk(v6.pseudoSum(proto, len))) return 'icmpv6 checksum bad';
      if (icmp6.isError()) {
        const e = in6.bind(pkt, icmp6.innerOff(), icmp6.innerLen()).checkEmbedded();
        if (e !== null) return `inner ${e}`;
      }
      return null;
    }
    case IPPROTO_ICMP:
      return 'ICMPv4 (1) inside IPv6';
  }
  return null;
}

/**
 * True when an input packet's own TCP or UDP header is wrong (bad checksum, bad length), judged on
 * the octets its IP length field covers (link padding ignored). A translator passes such a header
 * on (it does not verify transport checksums), so what it emits may be wrong the same way.
 */
export function transportAlreadyBad(pkt: Uint8Array): boolean {
  let n = pkt.length;
  if (n >= 20 && pkt[0]! >> 4 === 4) n = Math.min(n, (pkt[2]! << 8) | pkt[3]!);
  else if (n >= 40 && pkt[0]! >> 4 === 6) n = Math.min(n, 40 + ((pkt[4]! << 8) | pkt[5]!));
  const r = validatePacket(pkt.subarray(0, n));
  return r !== null && /^(tcp|udp|UDP Length)/.test(r);
}

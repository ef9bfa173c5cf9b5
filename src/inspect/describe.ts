/**
 * The tenant view of one IP packet, for operators: which tenant it belongs to, the IPv4 addresses
 * an IPv6 packet carries (RFC 6052 prefixes, RFC 7757 EAM, RFC 6877 PLAT, RFC 6791 pools) or the
 * IPv6 addresses an IPv4 packet becomes, the transport ports or ICMP type, the packet quoted inside
 * an ICMP error (RFC 792, RFC 4443) decoded the same way, and what the translator core would do
 * with it (its Verdict, RFC 7915).
 *
 * This is the slow, printing path: it builds objects and strings. Counting (`xlat464 pcap --stats`)
 * uses {@link ./stats.ts}, which reads the same fields without allocating.
 *
 * Which tenant an IPv4 packet belongs to cannot be read off the packet (tenants overlap): the
 * caller says, from the device or capture interface it was seen on. An IPv6 packet names its
 * tenant by its addresses: the destination's tenant when the destination is ours (that is where
 * the translator would deliver it), else the source's.
 */
import { formatIPv4, formatIPv6, isGlobalIPv4, RULE_NAMES, RULE_NONE, RULE_PLAT, type TenantTable } from '../address/index.js';
import { referenceChecksum, type Checksum } from '../checksum/index.js';
import {
  Icmpv4View,
  Icmpv6View,
  Ipv4View,
  Ipv6View,
  TcpView,
  UdpView,
  IPV4_SRC,
  IPV4_DST,
  IPV4_PROTOCOL,
  IPV4_MIN_HEADER_LEN,
  IPV6_SRC,
  IPV6_DST,
  IPV6_NEXT_HEADER,
  IPV6_HEADER_LEN,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  TCP_FLAGS,
  type PacketReason,
} from '../packet/index.js';
import { HEADROOM, SCRATCH_LEN, TO_IPV4, Translator, Verdict, type TranslatorOptions } from '../translate/index.js';
import { be16 } from '../packet/bytes.js';
import { get32s } from '../translate/bytes.js';
import { icmpName, protocolName, tcpFlagsText } from './names.js';

/**
 * How an address maps between the families:
 * `prefix` (the tenant's RFC 6052 prefix or plan), `eam` (RFC 7757), `plat` (RFC 6877),
 * `rfc6791` (the translator's pool for ICMP error sources that have no mapping, RFC 6791),
 * `wkp` (64:ff9b::/96 decoded without a tenant table, RFC 6052 §2.1), or null (not ours).
 */
export type AddressRule = 'prefix' | 'eam' | 'plat' | 'rfc6791' | 'wkp';

/** One address of a packet in both families. */
export interface AddressDescription {
  /** The address as it is on the wire (IPv6 or IPv4 text). */
  readonly ip: string;
  /** The IPv4 address: the packet's own (IPv4 packet), or the one the IPv6 address carries; null when not ours. */
  readonly ipv4: string | null;
  /** The IPv6 address: the packet's own (IPv6 packet), or the one the translator would write; null when it has no mapping. */
  readonly ipv6: string | null;
  /** The tenant this address belongs to, when one tenant does; null otherwise (shared PLAT, not ours, no table). */
  readonly tenant: string | null;
  readonly rule: AddressRule | null;
}

/** ICMP type and code with a printable name. */
export interface IcmpDescription {
  readonly type: number;
  readonly code: number;
  readonly name: string;
  /** Echo identifier and sequence number (echo request/reply only). */
  readonly id?: number;
  readonly seq?: number;
  /** MTU of a Packet Too Big / Fragmentation Needed, octets. */
  readonly mtu?: number;
}

/** One packet the translator would emit. */
export interface EmitDescription {
  readonly to: 'ipv4' | 'ipv6';
  /** For `to: ipv4`: the tenant whose device gets it. */
  readonly tenant: string | null;
  readonly length: number;
  readonly src: string;
  readonly dst: string;
  /** True for an ICMP error the translator generated (sent back toward the input's source). */
  readonly generated: boolean;
}

/** What the translator core would do with the packet. */
export interface VerdictDescription {
  /** The drop reason (a counted metric name such as `64.src-not-owned`), or null when passed on. */
  readonly drop: string | null;
  readonly emit: readonly EmitDescription[];
}

/**
 * The whole description. Every field is always present (null where it does not apply), so JSON
 * consumers can rely on the names.
 */
export interface PacketDescription {
  readonly family: 'ipv4' | 'ipv6';
  /** Octets of the IP packet present (the capture may hold fewer than its length fields say). */
  readonly length: number;
  /** The tenant the packet belongs to, or null (not ours, unknown for IPv4, no tenant table). */
  readonly tenant: string | null;
  readonly src: AddressDescription;
  readonly dst: AddressDescription;
  /** Upper-layer protocol name (`tcp`, `udp`, `icmp`, `icmp6`, `proto-N`) and number. */
  readonly protocol: string;
  readonly proto: number;
  readonly sport: number | null;
  readonly dport: number | null;
  /** TCP flags as tcpdump prints them (`S`, `S.`, `P.`, `F.`, `R`), and the octet. */
  readonly tcpFlags: string | null;
  readonly tcpFlagBits: number | null;
  readonly icmp: IcmpDescription | null;
  /** Fragment fields when the packet is a fragment: offset in octets. */
  readonly fragment: { readonly offset: number; readonly more: boolean; readonly id: number } | null;
  /** For an ICMP error: the quoted packet, decoded the same way (its verdict is null). */
  readonly inner: PacketDescription | null;
  /** `truncated`: the capture holds less than the packet (headers decoded as far as present); `malformed`: the bytes are not a valid packet. */
  readonly mark: 'truncated' | 'malformed' | null;
  /** For a mark: which check failed (`ipv4.truncated`, `tcp.bad-data-offset`, ...). */
  readonly problem: string | null;
  /** The core's verdict, or null when there is none: no configuration, an IPv4 packet of unknown tenant, a truncated capture, or an inner packet. */
  readonly verdict: VerdictDescription | null;
  /** Why `verdict` is null, in words; null when there is a verdict. */
  readonly noVerdict: string | null;
}

/** Where the inspector's translator keeps packets: plain memory and the reference checksum, or a WASM arena. */
export interface InspectorMemory {
  readonly checksum: Checksum;
  /** `len` zeroed octets the checksum can see. Called twice, at construction. */
  alloc(len: number): Uint8Array;
}

/** Options for {@link PacketInspector}. */
export interface InspectorOptions {
  /** The tenant table, or null: then only RFC 6052 well-known-prefix addresses are decoded. */
  readonly table: TenantTable | null;
  /** The translator section of a configuration; without it there are no verdicts. */
  readonly translator?: TranslatorOptions | null;
  /** Packet memory for the translator (default: plain arrays and the reference checksum). */
  readonly memory?: InspectorMemory;
}

/** Largest IP packet an inspector takes, octets. */
export const MAX_INSPECT_LEN = 65535 + 40;

const WKP = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

/**
 * RFC 6052 §2.1: the IPv4 address (unsigned) under 64:ff9b::/96 at buf[off], or -1; §3.1: only
 * global IPv4 addresses. What decoding without a tenant table can say.
 */
export function wellKnownV4(buf: Uint8Array, off: number): number {
  for (let i = 0; i < 12; i++) if (buf[off + i] !== WKP[i]) return -1;
  const v4 = readV4(buf, off + 12);
  return isGlobalIPv4(v4) ? v4 : -1;
}

function readV4(buf: Uint8Array, off: number): number {
  return get32s(buf, off) >>> 0;
}

/**
 * Address text, remembered: a capture repeats the same few addresses millions of times, and
 * formatting each anew is most of the printing path's garbage. Direct-mapped by a hash of the
 * octets; a slot holds the octets it was made from, so a collision only costs a fresh format.
 */
const TEXT_SLOTS = 4096;

class AddressText {
  private readonly keys = new Uint8Array(TEXT_SLOTS * 16);
  private readonly texts: (string | undefined)[] = new Array<string | undefined>(TEXT_SLOTS).fill(undefined);

  v6(b: Uint8Array, off: number): string {
    let h = 0x811c9dc5;
    for (let i = 0; i < 16; i++) h = Math.imul(h ^ b[off + i]!, 0x01000193);
    const slot = (h >>> 0) & (TEXT_SLOTS - 1);
    const k = this.keys;
    const base = slot * 16;
    let same = this.texts[slot] !== undefined;
    for (let i = 0; same && i < 16; i++) same = k[base + i] === b[off + i];
    if (same) return this.texts[slot]!;
    for (let i = 0; i < 16; i++) k[base + i] = b[off + i]!;
    const text = formatIPv6(b, off, 'hex');
    this.texts[slot] = text;
    return text;
  }
}

const plainMemory: InspectorMemory = { checksum: referenceChecksum, alloc: (n) => new Uint8Array(n) };

/**
 * A packet buffer (HEADROOM + MAX_INSPECT_LEN octets) and, when the options carry a table and a
 * translator section, a translator over the same memory. For the inspector and the counters.
 */
export function translatorFor(options: InspectorOptions): { buf: Uint8Array; translator: Translator | null } {
  const mem = options.memory ?? plainMemory;
  const buf = mem.alloc(HEADROOM + MAX_INSPECT_LEN);
  const translator = options.table !== null && options.translator != null ? new Translator(options.table, options.translator, mem.checksum, mem.alloc(SCRATCH_LEN)) : null;
  return { buf, translator };
}

/**
 * Describes packets. One inspector holds a translator and its buffers; `describe` copies the
 * packet in, so the caller's bytes are never changed.
 *
 * @example
 *   const insp = new PacketInspector({ table: loaded.table, translator: loaded.translator });
 *   const d = insp.describe(bytes, { tenant: loaded.table.indexOf('blue') });
 *   d.tenant; d.src.ipv4; d.verdict?.drop;
 */
export class PacketInspector {
  readonly table: TenantTable | null;
  private readonly translator: Translator | null;
  private readonly buf: Uint8Array;
  private readonly verdict = new Verdict();
  private readonly scratch6 = new Uint8Array(16);
  /** Family of the packet last given to the translator (4 or 6). */
  private inputFamily = 0;
  private readonly text = new AddressText();

  constructor(options: InspectorOptions) {
    this.table = options.table;
    ({ buf: this.buf, translator: this.translator } = translatorFor(options));
  }

  /** Whether verdicts are available (a table and a translator section were given). */
  get hasVerdicts(): boolean {
    return this.translator !== null;
  }

  /**
   * Describe the IP packet `bytes` (IPv4 or IPv6, told by its version nibble). Never throws.
   * @param opts.tenant for IPv4: the table index of the tenant it came from, or -1 (default) when unknown
   * @param opts.cut true when the capture cut the packet (snap length): decode what is present, no verdict
   */
  describe(bytes: Uint8Array, opts: { tenant?: number; cut?: boolean } = {}): PacketDescription {
    return this.decode(bytes, opts.tenant ?? -1, opts.cut === true ? CUT : WHOLE);
  }

  private decode(bytes: Uint8Array, tenant: number, how: How): PacketDescription {
    const version = bytes.length > 0 ? bytes[0]! >> 4 : 0;
    if (version === 6) return this.decode6(bytes, how);
    if (version === 4) return this.decode4(bytes, tenant, how);
    return unreadable(version === 6 ? 'ipv6' : 'ipv4', bytes.length, bytes.length === 0 ? 'ip.empty' : 'ip.bad-version', how);
  }

  private decode6(bytes: Uint8Array, how: How): PacketDescription {
    const ip = new Ipv6View().bind(bytes, 0, bytes.length);
    const problem = how === WHOLE ? ip.check() : ip.checkEmbedded();
    if (bytes.length < IPV6_HEADER_LEN) return unreadable('ipv6', bytes.length, problem ?? 'ipv6.truncated', how);
    const src = this.view6(bytes, IPV6_SRC);
    const dst = this.view6(bytes, IPV6_DST);
    let tenant = dst.tenant ?? src.tenant;
    const l4 = problem === null ? this.l4(ip.upperProto(), ip.hasUpperHeader(), bytes, ip.upperOff(), ip.upperLen(), 6, how) : noL4(bytes[IPV6_NEXT_HEADER]!);
    let verdict: VerdictDescription | null = null;
    const noVerdict = this.whyNoVerdict(how, 6, true);
    if (noVerdict === null) {
      verdict = this.run(bytes, -1);
      const out = this.firstTranslated();
      if (out >= 0) {
        // RFC 6791: an ICMPv6 error from a router whose address maps to nothing reaches the tenant
        // with an IPv4 source from the translator's pool; the emitted packet says which.
        if (src.rule === null) src.ipv4 = formatIPv4(readV4(this.verdict.packet(out), IPV4_SRC));
        if (src.rule === null) src.rule = 'rfc6791';
        tenant ??= this.nameOf(this.verdict.tenant[out]!);
      }
    }
    return {
      family: 'ipv6',
      length: bytes.length,
      tenant,
      src,
      dst,
      ...l4Fields(l4),
      fragment: problem === null && ip.hasFragment() ? { offset: ip.fragOffset(), more: ip.fragMore(), id: ip.fragId() } : null,
      inner: l4.innerOff >= 0 ? this.decode(bytes.subarray(l4.innerOff, l4.innerOff + l4.innerLen), -1, INNER) : null,
      ...markOf(how, problem ?? l4.problem, ip.truncated),
      verdict,
      noVerdict,
    };
  }

  private decode4(bytes: Uint8Array, tenant: number, how: How): PacketDescription {
    const ip = new Ipv4View().bind(bytes, 0, bytes.length);
    const problem = how === WHOLE ? ip.check() : ip.checkEmbedded();
    if (bytes.length < IPV4_MIN_HEADER_LEN) return unreadable('ipv4', bytes.length, problem ?? 'ipv4.truncated', how);
    const table = this.table;
    const known = table !== null && tenant >= 0 && tenant < table.size;
    const t = known ? tenant : -1;
    const src = this.view4(bytes, IPV4_SRC, t);
    const dst = this.view4(bytes, IPV4_DST, t);
    const l4 = problem === null ? this.l4(ip.protocol(), ip.hasUpperHeader(), bytes, ip.payloadOff(), ip.payloadLen(), 4, how) : noL4(bytes[IPV4_PROTOCOL]!);
    let verdict: VerdictDescription | null = null;
    const noVerdict = this.whyNoVerdict(how, 4, known);
    if (noVerdict === null) {
      verdict = this.run(bytes, t);
      // Where the translator's IPv6 source differs from plain encoding: an ICMPv4 error from a
      // router outside the tenant's ranges gets an RFC 6791 source (see DESIGN-4to6.md).
      const out = this.firstTranslated();
      if (out >= 0 && this.verdict.to[out] !== TO_IPV4) {
        const p = this.verdict.packet(out);
        const s6 = this.text.v6(p, IPV6_SRC);
        if (s6 !== src.ipv6) {
          src.ipv6 = s6;
          src.rule = 'rfc6791';
          src.tenant = null;
        }
      }
    }
    return {
      family: 'ipv4',
      length: bytes.length,
      tenant: known ? table.nameOf(tenant) : null,
      src,
      dst,
      ...l4Fields(l4),
      fragment: problem === null && ip.isFragment() ? { offset: ip.fragOffset(), more: ip.mf(), id: ip.id() } : null,
      inner: l4.innerOff >= 0 ? this.decode(bytes.subarray(l4.innerOff, l4.innerOff + l4.innerLen), t, INNER) : null,
      ...markOf(how, problem ?? l4.problem, ip.truncated),
      verdict,
      noVerdict,
    };
  }

  private whyNoVerdict(how: How, family: 4 | 6, tenantKnown: boolean): string | null {
    if (how === INNER) return 'inner packet';
    if (how === CUT) return 'the capture cut the packet';
    if (this.translator === null) return this.table === null ? 'no tenant table (give --config)' : 'no translator section (give --config)';
    if (family === 4 && !tenantKnown) return 'IPv4 packet of unknown tenant (say which device it was read on)';
    return null;
  }

  /** The IPv6 address at bytes[off]: which tenant and IPv4 address it stands for. */
  private view6(bytes: Uint8Array, off: number): MutableAddress {
    const ip = this.text.v6(bytes, off);
    const table = this.table;
    if (table === null) {
      const v4 = wellKnownV4(bytes, off);
      return { ip, ipv4: v4 < 0 ? null : formatIPv4(v4), ipv6: ip, tenant: null, rule: v4 < 0 ? null : 'wkp' };
    }
    const t = table.lookupDst6(bytes, off);
    const rule = table.outRule;
    if (rule === RULE_NONE) return { ip, ipv4: null, ipv6: ip, tenant: null, rule: null };
    return { ip, ipv4: formatIPv4(table.outV4), ipv6: ip, tenant: t >= 0 ? table.nameOf(t) : null, rule: RULE_NAMES[rule] as AddressRule };
  }

  /** The IPv4 address at bytes[off] of tenant `tenant`'s packet, and the IPv6 address it becomes. */
  private view4(bytes: Uint8Array, off: number, tenant: number): MutableAddress {
    const v4 = readV4(bytes, off);
    const ip = formatIPv4(v4);
    const table = this.table;
    if (table === null || tenant < 0) return { ip, ipv4: ip, ipv6: null, tenant: null, rule: null };
    const rule = table.encode4(tenant, v4 | 0, this.scratch6, 0);
    if (rule < 0) return { ip, ipv4: ip, ipv6: null, tenant: null, rule: null };
    // A PLAT address stands for something outside every tenant; prefix and EAM addresses are the tenant's own.
    const owner = rule === RULE_PLAT ? null : table.nameOf(tenant);
    return { ip, ipv4: ip, ipv6: this.text.v6(this.scratch6, 0), tenant: owner, rule: RULE_NAMES[rule] as AddressRule };
  }

  /** Transport fields at b[off, off+len). A header cut short yields what is present and a problem. */
  private l4(proto: number, hasHeader: boolean, b: Uint8Array, off: number, len: number, version: 4 | 6, how: How): L4 {
    const out = noL4(proto);
    if (!hasHeader) return out;
    if (proto === IPPROTO_TCP) {
      const tcp = new TcpView().bind(b, off, len);
      const p = how === WHOLE ? tcp.check() : tcp.checkEmbedded();
      if (p !== null && len < 4) return { ...out, problem: p };
      out.sport = be16(b, off);
      out.dport = be16(b, off + 2);
      if (len > TCP_FLAGS) {
        out.tcpFlagBits = b[off + TCP_FLAGS]!;
        out.tcpFlags = tcpFlagsText(out.tcpFlagBits);
      }
      out.problem = p;
      return out;
    }
    if (proto === IPPROTO_UDP) {
      const udp = new UdpView().bind(b, off, len);
      const p = how === WHOLE ? udp.check() : udp.checkEmbedded();
      if (p !== null && len < 4) return { ...out, problem: p };
      out.sport = be16(b, off);
      out.dport = be16(b, off + 2);
      out.problem = p;
      return out;
    }
    if ((proto === IPPROTO_ICMP && version === 4) || (proto === IPPROTO_ICMPV6 && version === 6)) {
      const v = version === 4 ? new Icmpv4View().bind(b, off, len) : new Icmpv6View().bind(b, off, len);
      const p = v.check();
      if (p !== null) {
        if (len >= 2) out.icmp = { type: b[off]!, code: b[off + 1]!, name: icmpName(version, b[off]!, b[off + 1]!) };
        return { ...out, problem: p };
      }
      const type = v.type();
      const code = v.code();
      const echo = version === 4 ? type === 0 || type === 8 : type === 128 || type === 129;
      const tooBig = version === 4 ? type === 3 && code === 4 : type === 2;
      out.icmp = { type, code, name: icmpName(version, type, code), ...(echo ? { id: v.id(), seq: v.seq() } : {}), ...(tooBig ? { mtu: v.mtu() } : {}) };
      // An error quotes the packet that caused it; an error inside an error is not decoded again (RFC 792, RFC 4443 §2.4).
      if (v.isError() && how !== INNER && v.innerLen() > 0) {
        out.innerOff = v.innerOff();
        out.innerLen = v.innerLen();
      }
    }
    return out;
  }

  /** Run the translator on a copy of the packet; the verdict stays in this.verdict until the next call. */
  private run(bytes: Uint8Array, tenant: number): VerdictDescription {
    const tr = this.translator!;
    const v = this.verdict;
    const len = Math.min(bytes.length, MAX_INSPECT_LEN);
    this.buf.set(bytes.subarray(0, len), HEADROOM);
    this.inputFamily = tenant >= 0 ? 4 : 6;
    if (tenant >= 0) tr.from4(tenant, this.buf, HEADROOM, len, v);
    else tr.from6(this.buf, HEADROOM, len, v);
    const emit: EmitDescription[] = [];
    for (let i = 0; i < v.count; i++) {
      const p = v.packet(i);
      const to4 = v.to[i] === TO_IPV4;
      emit.push({
        to: to4 ? 'ipv4' : 'ipv6',
        tenant: to4 ? this.nameOf(v.tenant[i]!) : null,
        length: p.length,
        src: to4 ? formatIPv4(readV4(p, IPV4_SRC)) : this.text.v6(p, IPV6_SRC),
        dst: to4 ? formatIPv4(readV4(p, IPV4_DST)) : this.text.v6(p, IPV6_DST),
        generated: this.isGenerated(i),
      });
    }
    return { drop: v.drop, emit };
  }

  /**
   * Whether emitted packet i is an ICMP error the translator generated: it goes back toward the
   * input's source, so it is in the input's own family. (RFC 7757 hairpinning also emits in the
   * input's family, but then no error was generated.)
   */
  private isGenerated(i: number): boolean {
    const v = this.verdict;
    return v.generatedError && (v.to[i] === TO_IPV4) === (this.inputFamily === 4);
  }

  /** Index of the first emitted packet that is the input translated (not a generated error), or -1. */
  private firstTranslated(): number {
    const v = this.verdict;
    for (let i = 0; i < v.count; i++) if (!this.isGenerated(i)) return i;
    return -1;
  }

  private nameOf(t: number): string | null {
    const table = this.table;
    return table !== null && t >= 0 && t < table.size ? table.nameOf(t) : null;
  }
}

/** How a packet is read: whole (as a device would deliver it), cut by the capture's snap length, or quoted in an ICMP error. */
type How = 0 | 1 | 2;
const WHOLE: How = 0;
const CUT: How = 1;
const INNER: How = 2;

type MutableAddress = { -readonly [K in keyof AddressDescription]: AddressDescription[K] };

/** Transport fields, and where an ICMP error's quoted packet is (-1: none). */
interface L4 {
  protocol: string;
  proto: number;
  sport: number | null;
  dport: number | null;
  tcpFlags: string | null;
  tcpFlagBits: number | null;
  icmp: IcmpDescription | null;
  problem: PacketReason | null;
  innerOff: number;
  innerLen: number;
}

/** The transport fields of a description (without the internal inner-packet position). */
function l4Fields(l4: L4): Pick<PacketDescription, 'protocol' | 'proto' | 'sport' | 'dport' | 'tcpFlags' | 'tcpFlagBits' | 'icmp'> {
  return { protocol: l4.protocol, proto: l4.proto, sport: l4.sport, dport: l4.dport, tcpFlags: l4.tcpFlags, tcpFlagBits: l4.tcpFlagBits, icmp: l4.icmp };
}

function noL4(proto: number): L4 {
  return { protocol: protocolName(proto), proto, sport: null, dport: null, tcpFlags: null, tcpFlagBits: null, icmp: null, problem: null, innerOff: -1, innerLen: 0 };
}

/**
 * The mark for a packet read `how`: a cut capture is `truncated`; a whole packet that fails a
 * check is `malformed`; a quoted packet is expected to be cut short, so only a failed check marks it.
 */
function markOf(how: How, problem: string | null, cutShort: boolean): { mark: 'truncated' | 'malformed' | null; problem: string | null } {
  if (how === CUT) return { mark: 'truncated', problem };
  if (problem !== null) {
    const isCut = problem.endsWith('.truncated') || problem === 'ipv6.ext-truncated';
    return { mark: how === INNER && isCut ? 'truncated' : 'malformed', problem };
  }
  return { mark: how === INNER && cutShort ? 'truncated' : null, problem: null };
}

/** A packet too short for its IP header, or not IP at all. */
function unreadable(family: 'ipv4' | 'ipv6', length: number, problem: string, how: How): PacketDescription {
  const none: AddressDescription = { ip: '-', ipv4: null, ipv6: null, tenant: null, rule: null };
  return {
    family,
    length,
    tenant: null,
    src: none,
    dst: none,
    protocol: 'unknown',
    proto: -1,
    sport: null,
    dport: null,
    tcpFlags: null,
    tcpFlagBits: null,
    icmp: null,
    fragment: null,
    inner: null,
    mark: how === CUT || (how === INNER && problem.endsWith('truncated')) ? 'truncated' : 'malformed',
    problem,
    verdict: null,
    noVerdict: 'no IP header to translate',
  };
}

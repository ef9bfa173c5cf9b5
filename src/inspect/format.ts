/**
 * The one-line, tcpdump-like text of a packet description, tenant view first:
 *
 *   blue 10.0.0.1.40000 > 10.0.0.2.80 tcp [S] len 60  (fd00:64::1:a00:1 > fd00:64::1:a00:2)
 *
 * The IPv4 view comes first, for both families: for an IPv6 packet, the IPv4 addresses it carries
 * and (in parentheses) its own IPv6 addresses; for an IPv4 packet, its own addresses and (in
 * parentheses) the IPv6 addresses the translator writes. `len` is the IP packet's length as seen.
 * An address with no IPv4 view prints as it is on the wire. The tenant is `-` when unknown, and
 * `red>blue` when the source is one tenant's and the destination another's.
 */
import type { AddressDescription, PacketDescription } from './describe.js';

function endpoint(a: AddressDescription, port: number | null): string {
  const host = a.ipv4 ?? a.ip;
  return port === null ? host : `${host}.${port}`;
}

/** The tenant column: the packet's tenant, `src>dst` for a packet between tenants, `-` for none. */
export function tenantColumn(d: PacketDescription): string {
  const s = d.src.tenant;
  const t = d.dst.tenant;
  if (s !== null && t !== null && s !== t) return `${s}>${t}`;
  return d.tenant ?? '-';
}

/** The packet without the tenant column and verdict: `10.0.0.1.40000 > 10.0.0.2.80 tcp [S] len 60`. */
export function flowText(d: PacketDescription): string {
  if (d.proto < 0) return `${d.family} len ${d.length}`;
  let s = `${endpoint(d.src, d.sport)} > ${endpoint(d.dst, d.dport)} ${d.protocol}`;
  if (d.tcpFlags !== null) s += ` [${d.tcpFlags}]`;
  if (d.icmp !== null) {
    s += ` ${d.icmp.name}`;
    if (d.icmp.id !== undefined) s += ` id ${d.icmp.id} seq ${d.icmp.seq}`;
    if (d.icmp.mtu !== undefined) s += ` mtu ${d.icmp.mtu}`;
  }
  if (d.fragment !== null) s += ` frag id ${d.fragment.id} off ${d.fragment.offset}${d.fragment.more ? '+' : ''}`;
  s += ` len ${d.length}`;
  return s;
}

/** The other family's addresses, in parentheses: `(fd00:64::1:a00:1 > fd00:64::1:a00:2)`. */
function otherFamily(d: PacketDescription): string {
  if (d.proto < 0) return '';
  if (d.family === 'ipv6') {
    // Only worth printing when the IPv4 view replaced something.
    return d.src.ipv4 !== null || d.dst.ipv4 !== null ? `  (${d.src.ip} > ${d.dst.ip})` : '';
  }
  if (d.src.ipv6 === null && d.dst.ipv6 === null) return '';
  return `  (${d.src.ipv6 ?? '-'} > ${d.dst.ipv6 ?? '-'})`;
}

/**
 * The whole line (without a timestamp): tenant, flow, the other family's addresses, the quoted
 * packet of an ICMP error in braces, marks, and the verdict: nothing when the packet would be
 * translated, `drop=REASON` when not, `+icmp-error` when the translator would answer with one.
 */
export function formatLine(d: PacketDescription): string {
  let s = `${tenantColumn(d)} ${flowText(d)}${otherFamily(d)}`;
  if (d.inner !== null) s += ` {${flowText(d.inner)}${d.inner.mark !== null ? ` [${d.inner.mark}]` : ''}}`;
  if (d.mark !== null) s += d.mark === 'malformed' ? ` [malformed ${d.problem}]` : ' [truncated]';
  const v = d.verdict;
  if (v !== null) {
    if (v.drop !== null) s += ` drop=${v.drop}`;
    if (v.emit.some((e) => e.generated)) s += ' +icmp-error';
  }
  return s;
}

/** One address in key=value form: `fd00:64::1:a00:1 tenant=blue ipv4=10.0.0.1 rule=prefix`. */
function addressDetail(a: AddressDescription, family: 'ipv4' | 'ipv6'): string {
  const other = family === 'ipv6' ? `ipv4=${a.ipv4 ?? '-'}` : `ipv6=${a.ipv6 ?? '-'}`;
  return `${a.ip} tenant=${a.tenant ?? '-'} ${other} rule=${a.rule ?? 'none'}`;
}

/**
 * The detail under a packet's line, for `decode --hex`: each address with its tenant, the other
 * family's address and the rule that maps it; ICMP type and code as numbers; the quoted packet's
 * addresses the same way; and the verdict with every packet the translator would emit.
 *
 *     src fd00:64:0:1:a:0:100:0 tenant=blue ipv4=10.0.0.1 rule=prefix
 *     dst fd00:64:0:1:a:0:200:0 tenant=blue ipv4=10.0.0.2 rule=prefix
 *     verdict pass: emit ipv4 tenant=blue len=40 10.0.0.1 > 10.0.0.2
 */
export function detailLines(d: PacketDescription, indent = '  '): string[] {
  const out: string[] = [];
  if (d.proto < 0) return [`${indent}${d.mark} ${d.problem}`];
  out.push(`${indent}src ${addressDetail(d.src, d.family)}`);
  out.push(`${indent}dst ${addressDetail(d.dst, d.family)}`);
  if (d.icmp !== null) out.push(`${indent}${d.protocol} type=${d.icmp.type} code=${d.icmp.code} (${d.icmp.name})`);
  if (d.mark !== null) out.push(`${indent}${d.mark}${d.problem !== null ? ` ${d.problem}` : ''}`);
  if (d.inner !== null) {
    out.push(`${indent}inner ${flowText(d.inner)}`);
    for (const l of detailLines(d.inner, indent + '  ')) out.push(l);
  }
  const v = d.verdict;
  if (v === null) {
    if (d.noVerdict !== null && d.noVerdict !== 'inner packet') out.push(`${indent}verdict none: ${d.noVerdict}`);
    return out;
  }
  out.push(`${indent}verdict ${v.drop === null ? 'pass' : `drop ${v.drop}`}${v.emit.length === 0 ? '' : ':'}`);
  for (const e of v.emit) {
    const who = e.to === 'ipv4' ? ` tenant=${e.tenant ?? '-'}` : '';
    out.push(`${indent}  ${e.generated ? 'answer' : 'emit'} ${e.to}${who} len=${e.length} ${e.src} > ${e.dst}`);
  }
  return out;
}

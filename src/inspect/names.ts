/**
 * Names an operator reads in tcpdump and Wireshark: IP protocols (IANA "Assigned Internet Protocol
 * Numbers"), ICMPv4 types and codes (RFC 792, RFC 1191, RFC 1812) and ICMPv6 types and codes
 * (RFC 4443, RFC 4861, RFC 2710/3810). Only for printing; nothing here decides anything.
 */

const PROTOCOLS: Record<number, string> = {
  0: 'hopopts',
  1: 'icmp',
  2: 'igmp',
  4: 'ipip',
  6: 'tcp',
  17: 'udp',
  41: 'ipv6',
  43: 'routing',
  44: 'fragment',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'icmp6',
  59: 'none',
  60: 'dstopts',
  132: 'sctp',
  136: 'udplite',
};

/** `tcp`, `udp`, `icmp`, `icmp6`, ... or `proto-N` for a number with no short name here. */
export function protocolName(proto: number): string {
  return PROTOCOLS[proto] ?? `proto-${proto}`;
}

const ICMP4_TYPES: Record<number, string> = {
  0: 'echo reply',
  3: 'unreachable',
  4: 'source quench',
  5: 'redirect',
  8: 'echo request',
  9: 'router advertisement',
  10: 'router solicitation',
  11: 'time exceeded',
  12: 'parameter problem',
  13: 'timestamp request',
  14: 'timestamp reply',
};

const ICMP4_UNREACH: Record<number, string> = {
  0: 'net',
  1: 'host',
  2: 'protocol',
  3: 'port',
  4: 'need frag',
  5: 'source route failed',
  6: 'net unknown',
  7: 'host unknown',
  9: 'net prohibited',
  10: 'host prohibited',
  11: 'net tos',
  12: 'host tos',
  13: 'admin prohibited',
  14: 'precedence violation',
  15: 'precedence cutoff',
};

const ICMP6_TYPES: Record<number, string> = {
  1: 'unreachable',
  2: 'packet too big',
  3: 'time exceeded',
  4: 'parameter problem',
  128: 'echo request',
  129: 'echo reply',
  130: 'mld query',
  131: 'mld report',
  132: 'mld done',
  133: 'router solicitation',
  134: 'router advertisement',
  135: 'neighbor solicitation',
  136: 'neighbor advertisement',
  137: 'redirect',
  143: 'mldv2 report',
};

const ICMP6_UNREACH: Record<number, string> = {
  0: 'no route',
  1: 'admin prohibited',
  2: 'beyond scope',
  3: 'address',
  4: 'port',
  5: 'policy',
  6: 'reject route',
};

/**
 * A short name for an ICMP type and code: `echo request`, `unreachable port`, `time exceeded`,
 * `type 42 code 1` when the type is unknown here.
 * @param version 4 for ICMPv4, 6 for ICMPv6
 */
export function icmpName(version: 4 | 6, type: number, code: number): string {
  const t = (version === 4 ? ICMP4_TYPES : ICMP6_TYPES)[type];
  if (t === undefined) return `type ${type} code ${code}`;
  const unreach = version === 4 ? type === 3 : type === 1;
  if (unreach) return `${t} ${(version === 4 ? ICMP4_UNREACH : ICMP6_UNREACH)[code] ?? `code ${code}`}`;
  return code === 0 ? t : `${t} code ${code}`;
}

/** TCP flag bits, in the order tcpdump prints them. */
const TCP_FLAGS: readonly [number, string][] = [
  [0x02, 'S'],
  [0x01, 'F'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
];

/**
 * tcpdump's flag string: `S`, `S.` (SYN-ACK), `P.`, `F.`, `R`, `.` for a bare ACK, `none` for no flag.
 * @param flags the TCP flags octet (offset 13 of the TCP header)
 */
export function tcpFlagsText(flags: number): string {
  let s = '';
  for (const [bit, c] of TCP_FLAGS) if ((flags & bit) !== 0) s += c;
  if ((flags & 0x10) !== 0) s += '.';
  return s === '' ? 'none' : s;
}

/**
 * RFC 7915 §4.2: ICMPv4 -> ICMPv6 type and code translation, as literal tables with every
 * fall-through case written down, and §4.2 Figure 3, the Parameter Problem pointer map.
 *
 * A row either names the ICMPv6 type and code, or the drop reason ("silently drop" in the RFC;
 * we still count it). `code: COPY` means "code unchanged".
 */

/** ICMPv6 code: take the ICMPv4 code unchanged. */
export const COPY = -1;
/** Special handling beyond type/code (arithmetic or a pointer). */
export const SPECIAL_NONE = 0;
/** Destination Unreachable code 4 -> Packet Too Big: the MTU arithmetic of §4.2. */
export const SPECIAL_PTB = 1;
/** Parameter Problem code 0/2 -> Parameter Problem code 0: pointer through Figure 3. */
export const SPECIAL_POINTER = 2;
/** Destination Unreachable code 2 -> Parameter Problem 4/1 with pointer 6 (Next Header). */
export const SPECIAL_NEXT_HEADER = 3;

export interface Icmp46Row {
  /** ICMPv6 type, or -1 to drop. */
  readonly type: number;
  /** ICMPv6 code, COPY, or -1 with a drop. */
  readonly code: number;
  readonly special: number;
  /** Drop reason when type is -1. */
  readonly drop: string | null;
}

const row = (type: number, code: number, special = SPECIAL_NONE): Icmp46Row => ({ type, code, special, drop: null });
const drop = (reason: string): Icmp46Row => ({ type: -1, code: -1, special: SPECIAL_NONE, drop: reason });

const OBSOLETE = drop('46.icmp-obsolete-type');
const SINGLE_HOP = drop('46.icmp-single-hop-type');
const UNKNOWN_TYPE = drop('46.icmp-untranslatable-type');
const UNKNOWN_CODE = drop('46.icmp-untranslatable-code');
/** Placeholder for the types whose code decides (3 and 12): look in the code tables. */
const BY_CODE = row(-2, -2);

/**
 * RFC 7915 §4.2, by ICMPv4 type (index). Types past the end are unknown: "Unknown ICMPv4 types:
 * Silently drop."
 */
export const ICMP4_TYPES: readonly Icmp46Row[] = [
  /* 0 Echo Reply */ row(129, COPY), // "Adjust the Type values to 128 and 129"
  /* 1 */ UNKNOWN_TYPE,
  /* 2 */ UNKNOWN_TYPE,
  /* 3 Destination Unreachable */ BY_CODE,
  /* 4 Source Quench */ OBSOLETE, // "Obsoleted in ICMPv6. Silently drop."
  /* 5 Redirect */ SINGLE_HOP, // "Single-hop message. Silently drop."
  /* 6 Alternative Host Address */ OBSOLETE, // "Silently drop."
  /* 7 */ UNKNOWN_TYPE,
  /* 8 Echo Request */ row(128, COPY),
  /* 9 Router Advertisement */ SINGLE_HOP,
  /* 10 Router Solicitation */ SINGLE_HOP,
  /* 11 Time Exceeded */ row(3, COPY), // "Set the Type to 3. The Code is unchanged."
  /* 12 Parameter Problem */ BY_CODE,
  /* 13 Timestamp */ OBSOLETE,
  /* 14 Timestamp Reply */ OBSOLETE,
  /* 15 Information Request */ OBSOLETE,
  /* 16 Information Reply */ OBSOLETE,
  /* 17 Address Mask Request */ OBSOLETE,
  /* 18 Address Mask Reply */ OBSOLETE,
];

/** RFC 7915 §4.2, Destination Unreachable (type 3), by code. Codes past 15: "Other Code values: Silently drop." */
export const ICMP4_DEST_UNREACH: readonly Icmp46Row[] = [
  /* 0 net unreachable */ row(1, 0), // "Code 0, 1: Set the Code to 0 (No route to destination)."
  /* 1 host unreachable */ row(1, 0),
  /* 2 protocol unreachable */ row(4, 1, SPECIAL_NEXT_HEADER), // "Type 4, Code 1, ... pointer to the IPv6 Next Header field (6)."
  /* 3 port unreachable */ row(1, 4), // "Set the Code to 4 (Port unreachable)."
  /* 4 fragmentation needed */ row(2, 0, SPECIAL_PTB), // "Translate to an ICMPv6 Packet Too Big message (Type 2) with Code set to 0."
  /* 5 source route failed */ row(1, 0),
  /* 6 dest net unknown */ row(1, 0), // "Code 6, 7, 8: Set the Code to 0."
  /* 7 dest host unknown */ row(1, 0),
  /* 8 source host isolated */ row(1, 0),
  /* 9 net administratively prohibited */ row(1, 1), // "Code 9, 10: Set the Code to 1 (Communication with destination administratively prohibited)."
  /* 10 host administratively prohibited */ row(1, 1),
  /* 11 net unreachable for TOS */ row(1, 0), // "Code 11, 12: Set the Code to 0."
  /* 12 host unreachable for TOS */ row(1, 0),
  /* 13 communication administratively prohibited */ row(1, 1), // "Code 13: Set the Code to 1."
  /* 14 host precedence violation */ drop('46.icmp-untranslatable-code'), // "Code 14: Silently drop."
  /* 15 precedence cutoff in effect */ row(1, 1), // "Code 15: Set the Code to 1."
];

/** RFC 7915 §4.2, Parameter Problem (type 12), by code. "Other Code values: Silently drop." */
export const ICMP4_PARAM_PROBLEM: readonly Icmp46Row[] = [
  /* 0 pointer indicates the error */ row(4, 0, SPECIAL_POINTER), // "Set the Code to 0 ... update the pointer as defined in Figure 3."
  /* 1 missing a required option */ drop('46.icmp-untranslatable-code'), // "Code 1: Silently drop."
  /* 2 bad length */ row(4, 0, SPECIAL_POINTER), // "Code 2: Set the Code to 0 ... update the pointer as defined in Figure 3."
];

/**
 * RFC 7915 §4.2 Figure 3: IPv4 header octet (index) -> IPv6 header octet, -1 for "n/a".
 * "If the Original IPv4 Pointer Value is not listed or the Translated IPv6 Pointer Value is
 * listed as 'n/a', silently drop the packet." Pointers past 19 (options) are not listed.
 */
export const PARAM_POINTER_46: readonly number[] = [
  /* 0 Version/IHL */ 0,
  /* 1 Type Of Service */ 1,
  /* 2 Total Length */ 4,
  /* 3 Total Length */ 4,
  /* 4 Identification */ -1,
  /* 5 Identification */ -1,
  /* 6 Flags/Fragment Offset */ -1,
  /* 7 Fragment Offset */ -1,
  /* 8 Time to Live */ 7,
  /* 9 Protocol */ 6,
  /* 10 Header Checksum */ -1,
  /* 11 Header Checksum */ -1,
  /* 12 Source Address */ 8,
  /* 13 Source Address */ 8,
  /* 14 Source Address */ 8,
  /* 15 Source Address */ 8,
  /* 16 Destination Address */ 24,
  /* 17 Destination Address */ 24,
  /* 18 Destination Address */ 24,
  /* 19 Destination Address */ 24,
];

/** The row for an ICMPv4 type and code (never a BY_CODE placeholder). Allocates nothing. */
export function icmp46Row(type: number, code: number): Icmp46Row {
  if (type === 3) return ICMP4_DEST_UNREACH[code] ?? UNKNOWN_CODE;
  if (type === 12) return ICMP4_PARAM_PROBLEM[code] ?? UNKNOWN_CODE;
  return ICMP4_TYPES[type] ?? UNKNOWN_TYPE;
}

/** Figure 3 lookup: the IPv6 pointer for an IPv4 pointer, or -1 (drop). */
export function paramPointer46(pointer4: number): number {
  return PARAM_POINTER_46[pointer4] ?? -1;
}

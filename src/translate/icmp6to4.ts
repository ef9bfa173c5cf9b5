/**
 * RFC 7915 §5.2 as literal tables: ICMPv6 type/code -> ICMPv4 type/code, and the Parameter
 * Problem pointer map of Figure 6. The fall-through cases ("silently drop") are rows too, each
 * with the drop reason it gives, so every (type, code) pair has exactly one written-down outcome.
 *
 * Nothing here allocates on lookup: the tables are frozen arrays scanned in order.
 */

/** Marks a code the RFC carries over unchanged ("Code unchanged"). */
export const CODE_SAME = -1;
/** Matches any code in a row's code column. */
export const ANY_CODE = -1;

/**
 * What the translator does with one ICMPv6 message. `type4 < 0` means drop with `reason`.
 * `special` names the rows that need more than a type/code change.
 */
export interface Icmp6To4Rule {
  readonly type6: number;
  /** ICMPv6 code this row applies to, or ANY_CODE. */
  readonly code6: number;
  /** ICMPv4 type, or -1 to drop. */
  readonly type4: number;
  /** ICMPv4 code, or CODE_SAME. */
  readonly code4: number;
  /** 'ptb': MTU arithmetic; 'pointer': Figure 6 pointer map; 'echo' / 'error' otherwise. */
  readonly kind: 'echo' | 'error' | 'ptb' | 'pointer' | 'drop';
  /** Drop reason for kind 'drop'. */
  readonly reason: string;
}

const row = (type6: number, code6: number, type4: number, code4: number, kind: Icmp6To4Rule['kind'], reason = ''): Icmp6To4Rule =>
  Object.freeze({ type6, code6, type4, code4, kind, reason });

/**
 * RFC 7915 §5.2, in the RFC's order. The first row matching (type, code) decides. Rows with
 * ANY_CODE for a type come after that type's specific codes: they are the RFC's "Other Code
 * values" fall-through.
 */
export const ICMP6TO4_RULES: readonly Icmp6To4Rule[] = Object.freeze([
  // ICMPv6 informational messages
  // "Echo Request and Echo Reply (Type 128 and 129): Adjust the Type values to 8 and 0,
  // respectively, and adjust the ICMP checksum ..." — the Code is not mentioned, so it is copied.
  row(128, ANY_CODE, 8, CODE_SAME, 'echo'),
  row(129, ANY_CODE, 0, CODE_SAME, 'echo'),
  // "MLD Multicast Listener Query/Report/Done (Type 130, 131, 132): Single-hop message. Silently drop."
  row(130, ANY_CODE, -1, 0, 'drop', '64.icmpv6-mld'),
  row(131, ANY_CODE, -1, 0, 'drop', '64.icmpv6-mld'),
  row(132, ANY_CODE, -1, 0, 'drop', '64.icmpv6-mld'),
  // "Neighbor Discover messages (Type 133 through 137): Single-hop message. Silently drop."
  row(133, ANY_CODE, -1, 0, 'drop', '64.icmpv6-nd'),
  row(134, ANY_CODE, -1, 0, 'drop', '64.icmpv6-nd'),
  row(135, ANY_CODE, -1, 0, 'drop', '64.icmpv6-nd'),
  row(136, ANY_CODE, -1, 0, 'drop', '64.icmpv6-nd'),
  row(137, ANY_CODE, -1, 0, 'drop', '64.icmpv6-nd'),
  // "Unknown informational messages: Silently drop." — every other type >= 128, see lookupIcmp6To4.

  // ICMPv6 error messages
  // Destination Unreachable (Type 1): "Set the Type to 3, and adjust the ICMP checksum ..."
  row(1, 0, 3, 1, 'error'), //  No route to destination -> Host unreachable
  row(1, 1, 3, 10, 'error'), // Communication administratively prohibited -> Host administratively prohibited
  row(1, 2, 3, 1, 'error'), //  Beyond scope of source address -> Host unreachable
  row(1, 3, 3, 1, 'error'), //  Address unreachable -> Host unreachable
  row(1, 4, 3, 3, 'error'), //  Port unreachable -> Port unreachable
  row(1, ANY_CODE, -1, 0, 'drop', '64.icmpv6-dest-unreach-code'), // "Other Code values: Silently drop."
  // "Packet Too Big (Type 2): Translate to an ICMPv4 Destination Unreachable (Type 3) with Code 4"
  row(2, ANY_CODE, 3, 4, 'ptb'),
  // "Time Exceeded (Type 3): Set the Type to 11, and adjust the ICMPv4 checksum ... The Code is unchanged."
  row(3, ANY_CODE, 11, CODE_SAME, 'error'),
  // Parameter Problem (Type 4):
  // "Code 0 (Erroneous header field encountered): Set to Type 12, Code 0, and update the pointer as defined in Figure 6."
  row(4, 0, 12, 0, 'pointer'),
  // "Code 1 (Unrecognized Next Header type encountered): Set the Type to 3, and set the Code to 2 (Protocol unreachable)."
  row(4, 1, 3, 2, 'error'),
  // "Code 2 (Unrecognized IPv6 option encountered): Silently drop."
  row(4, 2, -1, 0, 'drop', '64.icmpv6-param-problem-code'),
  // "Other Code values: Silently drop." (e.g. RFC 7112's code 3)
  row(4, ANY_CODE, -1, 0, 'drop', '64.icmpv6-param-problem-code'),
  // "Unknown error messages: Silently drop." — every other type < 128, see lookupIcmp6To4.
]);

/** The informational fall-through: any type >= 128 not listed above. */
export const UNKNOWN_INFO_RULE: Icmp6To4Rule = row(-1, ANY_CODE, -1, 0, 'drop', '64.icmpv6-unknown-info');
/** The error fall-through: any type < 128 not listed above. */
export const UNKNOWN_ERROR_RULE: Icmp6To4Rule = row(-1, ANY_CODE, -1, 0, 'drop', '64.icmpv6-unknown-error');

/**
 * The RFC 7915 §5.2 rule for an ICMPv6 (type, code). Allocates nothing.
 *
 * @example lookupIcmp6To4(1, 4) // { type4: 3, code4: 3, kind: 'error', ... }
 */
export function lookupIcmp6To4(type: number, code: number): Icmp6To4Rule {
  const rules = ICMP6TO4_RULES;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.type6 === type && (r.code6 === ANY_CODE || r.code6 === code)) return r;
  }
  return type >= 128 ? UNKNOWN_INFO_RULE : UNKNOWN_ERROR_RULE;
}

/** Figure 6 "n/a": the IPv6 field has no IPv4 counterpart; the message is dropped. */
export const POINTER_NA = -1;

/**
 * RFC 7915 §5.2 Figure 6: ICMPv6 Parameter Problem pointer (octet of the IPv6 header) -> ICMPv4
 * pointer (octet of the IPv4 header), indexed by the IPv6 pointer. "If the Original IPv6 Pointer
 * Value is not listed or the Translated IPv4 Pointer Value is listed as 'n/a', silently drop the
 * packet": pointers 40 and up are not listed (they point into extension headers or the payload).
 */
export const PARAM_PROBLEM_POINTER_6TO4: readonly number[] = Object.freeze([
  0, //          0: Version/Traffic Class    -> 0: Version/IHL, Type Of Service
  1, //          1: Traffic Class/Flow Label -> 1: Type Of Service
  POINTER_NA, // 2: Flow Label               -> n/a
  POINTER_NA, // 3: Flow Label               -> n/a
  2, //          4: Payload Length           -> 2: Total Length
  2, //          5: Payload Length           -> 2: Total Length
  9, //          6: Next Header              -> 9: Protocol
  8, //          7: Hop Limit                -> 8: Time to Live
  12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, //  8-23: Source Address      -> 12
  16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, // 24-39: Destination Address -> 16
]);

/** Figure 6 lookup: the ICMPv4 pointer, or POINTER_NA (drop). */
export function mapPointer6To4(pointer6: number): number {
  return pointer6 >= 0 && pointer6 < PARAM_PROBLEM_POINTER_6TO4.length ? PARAM_PROBLEM_POINTER_6TO4[pointer6]! : POINTER_NA;
}

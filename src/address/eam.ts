/**
 * Explicit Address Mappings.
 *
 * RFC 7757 §3: an EAM entry pairs an IPv4 prefix with an IPv6 prefix whose suffixes have the
 * same length (32 - v4len === 128 - v6len); the suffix is copied unchanged between the two.
 * §3.2/§3.3: both directions use the longest matching prefix. RFC 7757 §4 (with RFC 7915):
 * the EAM table is consulted before the algorithmic (RFC 6052) mapping.
 *
 * The equal-suffix rule means the IPv6 side is always /96 or longer and the copied suffix
 * always lies in the last 32 bits, so the hot path works on one 32-bit word.
 *
 * Storage: the IPv6 side of every tenant's entries in one set of per-length hash tables
 * (IPv6 sides never overlap across tenants, so the longest match names one tenant); the IPv4
 * side in per-length hash tables keyed on (tenant, IPv4 prefix), because tenants' IPv4 spaces
 * overlap by design.
 */
import { XlatError, show } from '../errors.js';
import { mask4 } from './ipv4.js';
import { formatPrefix4, formatPrefix6, type Prefix4, type Prefix6 } from './prefix.js';
import { PrefixHash4, PrefixHash6 } from './hash.js';

/** One RFC 7757 entry. */
export interface EamEntry {
  readonly ipv4: Prefix4;
  readonly ipv6: Prefix6;
}

/**
 * Checks RFC 7757 §3's equal-suffix rule.
 *
 * @throws XlatError `ERR_XLAT_BAD_EAM` at path `ipv6`, naming both prefixes
 * @example checkEamEntry({ ipv4: parsePrefix4('192.0.2.0/24'), ipv6: parsePrefix6('2001:db8::/120') })
 */
export function checkEamEntry(e: EamEntry): void {
  if (32 - e.ipv4.len !== 128 - e.ipv6.len) {
    throw new XlatError(
      'ERR_XLAT_BAD_EAM',
      `the IPv4 and IPv6 sides of an EAM entry need suffixes of equal length (RFC 7757 §3): ${formatPrefix4(e.ipv4)} leaves ${32 - e.ipv4.len} bits, so the IPv6 side must be /${96 + e.ipv4.len}, got ${show(formatPrefix6(e.ipv6))}`,
      'ipv6',
    );
  }
}

/** An entry with the tenant that owns it, as given to {@link EamTable}. */
export interface OwnedEam {
  readonly tenant: number;
  readonly entry: EamEntry;
  /** Position in the tenant's `eam` list, for error paths. */
  readonly sub: number;
}

function lengthsDescending(present: Set<number>): number[] {
  return [...present].sort((a, b) => b - a);
}

/**
 * Longest-prefix-match tables over all tenants' EAM entries. Hot-path methods take numbers and
 * bytes and allocate nothing.
 */
export class EamTable {
  /** Number of entries. */
  readonly size: number;
  /** Owning tenant index per entry. */
  readonly tenantOf: Int32Array;
  private readonly v4: Uint32Array;
  private readonly suffixMask: Uint32Array;
  private readonly v6: Uint8Array;
  private readonly hash6: PrefixHash6[];
  private readonly hash4: PrefixHash4[];
  private readonly hasEam: Uint8Array;

  /**
   * @param entries every tenant's entries; the caller has checked RFC 7757 §3 and that IPv6
   *   sides do not overlap (TenantTable refuses any nesting on the IPv6 side)
   * @param tenants number of tenants (indices are 0..tenants-1)
   * @throws XlatError `ERR_XLAT_BAD_TENANT` for a tenant that lists the same IPv4 or IPv6 side twice
   */
  constructor(entries: readonly OwnedEam[], tenants: number) {
    const pathOf = (k: number): string => `tenants[${entries[k]?.tenant}].eam[${entries[k]?.sub}]`;
    const m = entries.length;
    this.size = m;
    this.tenantOf = new Int32Array(m);
    this.v4 = new Uint32Array(m);
    this.suffixMask = new Uint32Array(m);
    this.v6 = new Uint8Array(16 * m);
    this.hasEam = new Uint8Array(tenants);
    const count6 = new Map<number, number>();
    const count4 = new Map<number, number>();
    for (const { entry } of entries) {
      count6.set(entry.ipv6.len, (count6.get(entry.ipv6.len) ?? 0) + 1);
      count4.set(entry.ipv4.len, (count4.get(entry.ipv4.len) ?? 0) + 1);
    }
    this.hash6 = lengthsDescending(new Set(count6.keys())).map((len) => new PrefixHash6(len, count6.get(len) ?? 0));
    this.hash4 = lengthsDescending(new Set(count4.keys())).map((len) => new PrefixHash4(len, count4.get(len) ?? 0));
    const hash6Of: (PrefixHash6 | undefined)[] = [];
    for (const h of this.hash6) hash6Of[h.len] = h;
    const hash4Of: (PrefixHash4 | undefined)[] = [];
    for (const h of this.hash4) hash4Of[h.len] = h;
    for (let i = 0; i < m; i++) {
      const { tenant, entry } = entries[i] as OwnedEam;
      this.tenantOf[i] = tenant;
      this.v4[i] = entry.ipv4.addr;
      this.suffixMask[i] = ~mask4(entry.ipv4.len) >>> 0;
      this.v6.set(entry.ipv6.bytes, 16 * i);
      this.hasEam[tenant] = 1;
      const h6 = hash6Of[entry.ipv6.len] as PrefixHash6;
      const prev6 = h6.insert(entry.ipv6.bytes, 0, i);
      if (prev6 >= 0) {
        throw new XlatError(
          'ERR_XLAT_BAD_TENANT',
          `the IPv6 side ${show(formatPrefix6(entry.ipv6))} is already mapped by ${pathOf(prev6)}.ipv6`,
          `${pathOf(i)}.ipv6`,
        );
      }
      const h4 = hash4Of[entry.ipv4.len] as PrefixHash4;
      const prev4 = h4.insert(tenant, entry.ipv4.addr, i);
      if (prev4 >= 0) {
        throw new XlatError(
          'ERR_XLAT_BAD_TENANT',
          `the IPv4 side ${show(formatPrefix4(entry.ipv4))} is already mapped by ${pathOf(prev4)}.ipv4`,
          `${pathOf(i)}.ipv4`,
        );
      }
    }
  }

  /**
   * RFC 7757 §3.3: the entry whose IPv6 side is the longest match for the address at
   * `buf[off..off+16)`, or -1. Allocates nothing.
   */
  lookup6(buf: Uint8Array, off: number): number {
    const hs = this.hash6;
    for (let k = 0; k < hs.length; k++) {
      const e = (hs[k] as PrefixHash6).find(buf, off);
      if (e >= 0) return e;
    }
    return -1;
  }

  /**
   * RFC 7757 §3.2: the entry of `tenant` whose IPv4 side is the longest match for unsigned
   * 32-bit `v4`, or -1. Allocates nothing.
   */
  lookup4(tenant: number, v4: number): number {
    if (this.hasEam[tenant] !== 1) return -1;
    const hs = this.hash4;
    for (let k = 0; k < hs.length; k++) {
      const e = (hs[k] as PrefixHash4).find(tenant, v4);
      if (e >= 0) return e;
    }
    return -1;
  }

  /** The IPv4 address entry `e` gives the IPv6 address at `buf[off..]`, as a signed 32-bit integer. */
  v4Of(e: number, buf: Uint8Array, off: number): number {
    const low =
      (((buf[off + 12] as number) << 24) | ((buf[off + 13] as number) << 16) | ((buf[off + 14] as number) << 8) | (buf[off + 15] as number)) >>>
      0;
    // Signed: see extract4 (rfc6052.ts); callers that keep it take `>>> 0`.
    return (this.v4[e] as number) | (low & (this.suffixMask[e] as number));
  }

  /** Writes the 16-byte IPv6 address entry `e` gives unsigned 32-bit `v4`. */
  write6(e: number, v4: number, out: Uint8Array, off: number): void {
    const base = 16 * e;
    const v6 = this.v6;
    for (let k = 0; k < 12; k++) out[off + k] = v6[base + k] as number;
    const low =
      ((((v6[base + 12] as number) << 24) | ((v6[base + 13] as number) << 16) | ((v6[base + 14] as number) << 8) | (v6[base + 15] as number)) |
        (v4 & (this.suffixMask[e] as number))) >>>
      0;
    out[off + 12] = low >>> 24;
    out[off + 13] = (low >>> 16) & 0xff;
    out[off + 14] = (low >>> 8) & 0xff;
    out[off + 15] = low & 0xff;
  }
}

/**
 * The tenant table: which tenant and which IPv4 address an IPv6 address stands for, and back.
 *
 * Rules, in the order the hot path applies them:
 * - RFC 7757 §3 (EAM), longest prefix match both ways, before anything algorithmic (§4);
 * - RFC 6052 §2.2 under the tenant's prefix (explicit, or derived from an address plan),
 *   for IPv4 addresses in the tenant's own `ipv4` ranges;
 * - RFC 6877 §6.3 (464XLAT): IPv4 destinations outside those ranges go under the tenant's
 *   PLAT-side prefix (`plat`, RFC 6052 again), which several tenants may share;
 * - RFC 6052 §3.1: nothing under 64:ff9b::/96 carries a non-global IPv4 address.
 *
 * Hot-path methods take IPv4 as unsigned 32-bit numbers and IPv6 as 16 bytes in place, return
 * numbers, and leave their second result in preallocated fields ({@link TenantTable.outV4},
 * {@link TenantTable.outRule}) so a lookup allocates nothing. A table is single-threaded state:
 * give each worker its own (or at least do not share one across concurrent callers).
 *
 * Validation (see {@link TenantTable.fromParsed}) sorts every IPv6 prefix the table knows and
 * walks the sorted list once with a stack of enclosing prefixes, so overlap checks are
 * O(n log n), not O(n^2).
 */
import { XlatError, show } from '../errors.js';
import { parseIPv4, formatIPv4, mask4 } from './ipv4.js';
import { parseIPv6, formatIPv6 } from './ipv6.js';
import { formatPrefix4, formatPrefix6, prefixEqual6, type Prefix4, type Prefix6 } from './prefix.js';
import { embed4, extract4, formatEmbedded, isWellKnownPrefix, U_OCTET } from './rfc6052.js';
import { isGlobalIPv4 } from './special.js';
import { PrefixHash6 } from './hash.js';
import { EamTable, type EamEntry, type OwnedEam } from './eam.js';
import { AddressPlan } from './plan.js';
import { tenantsConfigSchema, zodToXlat } from './schema.js';

/** {@link TenantTable.outRule}: no rule matched. */
export const RULE_NONE = 0;
/** {@link TenantTable.outRule}: RFC 6052 under the tenant's own prefix. */
export const RULE_PREFIX = 1;
/** {@link TenantTable.outRule}: an RFC 7757 EAM entry. */
export const RULE_EAM = 2;
/** {@link TenantTable.outRule}: RFC 6052 under a PLAT-side prefix (RFC 6877). */
export const RULE_PLAT = 3;

/** Names of the rule codes, indexed by code. */
export const RULE_NAMES = ['none', 'prefix', 'eam', 'plat'] as const;
/** The rule that mapped an address, as text. */
export type RuleName = 'prefix' | 'eam' | 'plat';

/** A tenant after schema validation (what `tenantSchema` outputs). */
export interface TenantSpec {
  /** Unique name. */
  readonly name: string;
  /** RFC 6052 prefix for the tenant's own IPv4 addresses. */
  readonly prefix?: Prefix6 | undefined;
  /** Tenant id under the plan (instead of `prefix`). */
  readonly id?: number | undefined;
  /** RFC 7757 entries. */
  readonly eam?: readonly EamEntry[] | undefined;
  /** The tenant's own IPv4 ranges; absent means all of 0.0.0.0/0. */
  readonly ipv4?: readonly Prefix4[] | undefined;
  /** RFC 6052 prefix of the PLAT (RFC 6877) for IPv4 destinations outside `ipv4`. */
  readonly plat?: Prefix6 | undefined;
  /** TUN device name, for the daemon. */
  readonly tun?: string | undefined;
}

/** The tenants part of the configuration after schema validation. */
export interface TenantsSpec {
  readonly tenants: readonly TenantSpec[];
  readonly plan?: AddressPlan | undefined;
}

/** Result of {@link TenantTable.decode}. */
export interface DecodeResult {
  /** The tenant, or null when a PLAT prefix shared by several tenants matched. */
  readonly tenant: string | null;
  /** Only for a shared PLAT prefix: every tenant that uses it, in configuration order. */
  readonly tenants?: readonly string[];
  /** The IPv4 address, dotted quad. */
  readonly ipv4: string;
  /** Which rule mapped it. */
  readonly rule: RuleName;
}

/** A tenant as text, for listings and the daemon. */
export interface TenantInfo {
  readonly name: string;
  readonly index: number;
  readonly prefix?: string;
  readonly id?: number;
  readonly ipv4: readonly string[];
  readonly eam: readonly { readonly ipv4: string; readonly ipv6: string }[];
  readonly plat?: string;
  readonly tun?: string;
}

// A plan table's names are generated on demand; beyond this many, ask by index instead.
const MAX_NAMES_LIST = 1 << 20;

const enum Kind {
  Domain = 0,
  Prefix = 1,
  Eam = 2,
  Plat = 3,
}

/**
 * One IPv6 prefix the overlap check knows about. Paths and texts are computed only for an
 * error: building 100 000 of them up front costs more than the whole check.
 */
interface Item {
  readonly bytes: Uint8Array;
  readonly off: number;
  readonly len: number;
  readonly kind: Kind;
  /** Tenant index (config order), -1 for the plan domain. */
  readonly tenant: number;
  /** Index of the EAM entry within its tenant, for Kind.Eam. */
  readonly sub: number;
}

/**
 * The tenant table. Build with {@link TenantTable.fromConfig}, {@link TenantTable.fromParsed} or
 * {@link TenantTable.fromPlan}.
 *
 * @example
 *   const t = TenantTable.fromConfig({ tenants: [
 *     { name: 'red', prefix: '2001:db8:1::/96', ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' } ] });
 *   t.encode('red', '10.1.2.3') === '2001:db8:1::10.1.2.3';
 *   t.encode('red', '8.8.8.8') === '64:ff9b::8.8.8.8';
 *   t.decode('2001:db8:1::a01:203') // { tenant: 'red', ipv4: '10.1.2.3', rule: 'prefix' }
 */
export class TenantTable {
  /**
   * Hot path output: the IPv4 address (unsigned 32-bit) found by the last
   * {@link lookupDst6} / {@link lookupSrc6}. Valid only when {@link outRule} is not RULE_NONE.
   */
  outV4 = 0;
  /** Hot path output: the rule of the last lookup, RULE_NONE when nothing matched. */
  outRule = RULE_NONE;
  /** Hot path output: index of the PLAT prefix when {@link outRule} is RULE_PLAT, else -1. */
  outPlat = -1;

  /** Number of tenants (for a plan table, 2^tenantBits). */
  readonly size: number;
  /** The address plan, if any (the plan table's, or the configuration's). */
  readonly plan: AddressPlan | undefined;

  // Plan table: every id is a tenant, decoded by arithmetic, nothing materialised.
  private readonly planOnly: boolean;
  private readonly specs: readonly TenantSpec[];
  private readonly byName: Map<string, number>;
  private namesList: readonly string[] | undefined;

  // Per tenant: its RFC 6052 prefix (16 bytes each, length 0 = none), WKP flag, PLAT index.
  private readonly pfxBytes: Uint8Array;
  private readonly pfxLen: Uint8Array;
  private readonly pfxWkp: Uint8Array;
  private readonly platOf: Int32Array;
  // Per tenant: its `ipv4` ranges as sorted, merged [first, last] pairs; count -1 = everything.
  private readonly v4Start: Int32Array;
  private readonly v4Count: Int32Array;
  private readonly v4Ranges: Uint32Array;
  // One hash table per prefix length present, longest first.
  private readonly pfxHash: PrefixHash6[];
  private readonly platHash: PrefixHash6[];
  // Per distinct PLAT prefix.
  private readonly platBytes: Uint8Array;
  private readonly platLen: Uint8Array;
  private readonly platWkp: Uint8Array;
  /** Tenant index of the PLAT prefix's only user, or -1 when shared. */
  private readonly platOwner: Int32Array;
  private readonly platUsers: readonly (readonly number[])[];
  private readonly eam: EamTable;
  private readonly scratch = new Uint8Array(16);

  private constructor(spec: TenantsSpec, planOnly: AddressPlan | undefined) {
    this.planOnly = planOnly !== undefined;
    this.plan = planOnly ?? spec.plan;
    const tenants = spec.tenants;
    const n = tenants.length;
    this.specs = tenants;
    this.size = planOnly ? planOnly.size : n;
    this.byName = new Map();
    this.pfxBytes = new Uint8Array(16 * n);
    this.pfxLen = new Uint8Array(n);
    this.pfxWkp = new Uint8Array(n);
    this.platOf = new Int32Array(n).fill(-1);
    this.v4Start = new Int32Array(n);
    this.v4Count = new Int32Array(n);

    const plan = spec.plan;
    const items: Item[] = [];
    if (plan && !planOnly) items.push({ bytes: plan.domain.bytes, off: 0, len: plan.domain.len, kind: Kind.Domain, tenant: -1, sub: 0 });
    const eams: OwnedEam[] = [];
    const platByLen = new Map<number, PrefixHash6>();
    const platPrefixes: Prefix6[] = [];
    const platUsers: number[][] = [];
    const ranges: number[] = [];
    const pfxCount = new Map<number, number>();

    for (let i = 0; i < n; i++) {
      const t = tenants[i] as TenantSpec;
      const prev = this.byName.get(t.name);
      if (prev !== undefined) {
        throw new XlatError('ERR_XLAT_BAD_TENANT', `duplicate tenant name, already used by tenants[${prev}], got ${show(t.name)}`, `tenants[${i}].name`);
      }
      this.byName.set(t.name, i);
      if (t.prefix === undefined && t.id === undefined && (t.eam === undefined || t.eam.length === 0)) {
        throw new XlatError('ERR_XLAT_BAD_TENANT', `tenant ${show(t.name)} needs at least one of prefix, id or eam`, `tenants[${i}]`);
      }
      if (t.prefix !== undefined && t.id !== undefined) {
        throw new XlatError('ERR_XLAT_BAD_TENANT', `tenant ${show(t.name)} has both prefix and id; give one, got id ${show(t.id)}`, `tenants[${i}].id`);
      }
      let len = 0;
      if (t.id !== undefined) {
        if (!plan) {
          throw new XlatError('ERR_XLAT_BAD_TENANT', `tenant ${show(t.name)} has an id but the configuration has no plan, got ${show(t.id)}`, `tenants[${i}].id`);
        }
        if (!Number.isInteger(t.id) || t.id < 0 || t.id >= plan.size) {
          throw new XlatError(
            'ERR_XLAT_BAD_TENANT',
            `tenant ${show(t.name)}: id must fit the plan's ${plan.tenantBits} tenant bits (0..${plan.size - 1}), got ${show(t.id)}`,
            `tenants[${i}].id`,
          );
        }
        plan.writePrefix(t.id, this.pfxBytes, 16 * i);
        len = plan.prefixLen;
      } else if (t.prefix !== undefined) {
        this.pfxBytes.set(t.prefix.bytes, 16 * i);
        len = t.prefix.len;
      }
      if (len !== 0) {
        items.push({ bytes: this.pfxBytes, off: 16 * i, len, kind: Kind.Prefix, tenant: i, sub: 0 });
        this.pfxLen[i] = len;
        this.pfxWkp[i] = isWellKnownPrefix(this.pfxBytes, 16 * i, len) ? 1 : 0;
        pfxCount.set(len, (pfxCount.get(len) ?? 0) + 1);
      }
      const eamList = t.eam;
      if (eamList !== undefined) {
        for (let j = 0; j < eamList.length; j++) {
          const e = eamList[j] as EamEntry;
          eams.push({ tenant: i, entry: e, sub: j });
          items.push({ bytes: e.ipv6.bytes, off: 0, len: e.ipv6.len, kind: Kind.Eam, tenant: i, sub: j });
        }
      }
      if (t.plat !== undefined) {
        // Identical PLAT prefixes are one shared PLAT; the hash table dedupes them.
        let h = platByLen.get(t.plat.len);
        if (h === undefined) platByLen.set(t.plat.len, (h = new PrefixHash6(t.plat.len, 1)));
        let k = h.find(t.plat.bytes, 0);
        if (k < 0) {
          k = platPrefixes.length;
          h.insert(t.plat.bytes, 0, k);
          platPrefixes.push(t.plat);
          platUsers.push([]);
          items.push({ bytes: t.plat.bytes, off: 0, len: t.plat.len, kind: Kind.Plat, tenant: i, sub: 0 });
        }
        (platUsers[k] as number[]).push(i);
        this.platOf[i] = k;
      }
      this.v4Start[i] = ranges.length >>> 1;
      this.v4Count[i] = t.ipv4 === undefined ? -1 : mergeRanges(t.ipv4, ranges);
    }

    checkOverlaps(items, tenants);

    this.v4Ranges = Uint32Array.from(ranges);
    const lengths = [...pfxCount.keys()].sort((a, b) => b - a);
    this.pfxHash = lengths.map((len) => new PrefixHash6(len, pfxCount.get(len) ?? 0));
    const hashOfLen: (PrefixHash6 | undefined)[] = [];
    for (const h of this.pfxHash) hashOfLen[h.len] = h;
    for (let i = 0; i < n; i++) {
      const len = this.pfxLen[i] as number;
      // Overlaps were refused above, so a clash here would be a bug in checkOverlaps.
      if (len !== 0) (hashOfLen[len] as PrefixHash6).insert(this.pfxBytes, 16 * i, i);
    }
    const p = platPrefixes.length;
    this.platBytes = new Uint8Array(16 * p);
    this.platLen = new Uint8Array(p);
    this.platWkp = new Uint8Array(p);
    this.platOwner = new Int32Array(p);
    this.platUsers = platUsers;
    this.platHash = [...platByLen.values()].sort((a, b) => b.len - a.len);
    for (let k = 0; k < p; k++) {
      const pp = platPrefixes[k] as Prefix6;
      const users = platUsers[k] as number[];
      this.platBytes.set(pp.bytes, 16 * k);
      this.platLen[k] = pp.len;
      this.platWkp[k] = isWellKnownPrefix(pp.bytes, 0, pp.len) ? 1 : 0;
      this.platOwner[k] = users.length === 1 ? (users[0] as number) : -1;
    }
    this.eam = new EamTable(eams, n);
  }

  /**
   * Builds a table from the tenants part of a configuration object: `tenants` (required) and
   * `plan` (optional); other top-level keys are ignored. Validates with `tenantsConfigSchema`,
   * then semantically (see {@link fromParsed}).
   *
   * @throws XlatError, and nothing else, on any input; the path names the field
   *   (`tenants[2].prefix`) and the message shows the value
   */
  static fromConfig(config: unknown): TenantTable {
    const r = tenantsConfigSchema.safeParse(config);
    if (!r.success) throw zodToXlat(r.error, config);
    return TenantTable.fromParsed(r.data);
  }

  /**
   * Builds a table from configuration that already passed `tenantsConfigSchema` (for the
   * config module, which composes that schema into the full file schema).
   *
   * Refuses, with `ERR_XLAT_BAD_TENANT` and a path: duplicate names; a tenant with none of
   * prefix/id/eam, or with both prefix and id; an id without a plan or beyond its tenant bits;
   * tenant prefixes that overlap each other (plan-derived ones included) or an explicit prefix
   * inside the plan domain; an EAM IPv6 side that overlaps any tenant prefix (its own too),
   * another EAM IPv6 side (its own too) or the plan domain; a tenant that maps the same EAM
   * IPv4 side twice; a PLAT prefix that overlaps any tenant prefix, EAM IPv6 side, the plan
   * domain or a different PLAT prefix. Identical PLAT prefixes are shared, not overlapping.
   * EAM IPv4 sides of one tenant may nest (longest match, RFC 7757 §3.2).
   *
   * Together these make encoding one-to-one: two different (tenant, IPv4) pairs never get the
   * same IPv6 address, except through a shared PLAT prefix, which is shared on purpose.
   */
  static fromParsed(spec: TenantsSpec): TenantTable {
    return new TenantTable(spec, undefined);
  }

  /**
   * A table in which every id of `plan` is a tenant, named by its id in decimal (`'0'`, `'1'`,
   * ...), with no EAM, no PLAT and every IPv4 address its own. Nothing is materialised per
   * tenant: lookups are arithmetic on the plan (for the CLI's `--plan`).
   *
   * @example TenantTable.fromPlan(AddressPlan.parse('fd00:64::/48+16')).encode('7', '10.0.0.1') === 'fd00:64:0:7:a:0:100:0'
   */
  static fromPlan(plan: AddressPlan): TenantTable {
    return new TenantTable({ tenants: [] }, plan);
  }

  /**
   * Every tenant name in index order. For a plan table the list is generated on first use
   * and refused (`ERR_XLAT_TOO_LARGE`) beyond 2^20 tenants; use {@link nameOf} then.
   */
  get names(): readonly string[] {
    if (this.namesList === undefined) {
      if (this.size > MAX_NAMES_LIST) {
        throw new XlatError('ERR_XLAT_TOO_LARGE', `a plan table of ${this.size} tenants is too large to list; use nameOf(index)`);
      }
      this.namesList = Object.freeze(
        this.planOnly ? Array.from({ length: this.size }, (_, i) => String(i)) : this.specs.map((t) => t.name),
      );
    }
    return this.namesList;
  }

  /**
   * The index of the tenant called `name`, or -1. Not for the hot path (strings).
   *
   * @example table.indexOf('red') // 0
   */
  indexOf(name: string): number {
    if (this.planOnly) {
      if (typeof name !== 'string' || !/^(0|[1-9][0-9]{0,9})$/.test(name)) return -1;
      const id = Number(name);
      return id < this.size ? id : -1;
    }
    return this.byName.get(name) ?? -1;
  }

  /** The name of tenant `index`. */
  nameOf(index: number): string {
    this.checkIndex(index);
    return this.planOnly ? String(index) : (this.specs[index] as TenantSpec).name;
  }

  /** Tenant `index` as text (prefix, ranges, EAM, PLAT, tun), for listings and the daemon. */
  info(index: number): TenantInfo {
    this.checkIndex(index);
    if (this.planOnly) {
      const plan = this.plan as AddressPlan;
      return { name: String(index), index, prefix: plan.prefixOf(index), id: index, ipv4: ['0.0.0.0/0'], eam: [] };
    }
    const t = this.specs[index] as TenantSpec;
    const len = this.pfxLen[index] as number;
    const prefix = len === 0 ? undefined : formatPrefix6({ bytes: this.pfxBytes.subarray(16 * index, 16 * index + 16), len });
    return {
      name: t.name,
      index,
      ...(prefix !== undefined ? { prefix } : {}),
      ...(t.id !== undefined ? { id: t.id } : {}),
      ipv4: t.ipv4 ? t.ipv4.map(formatPrefix4) : ['0.0.0.0/0'],
      eam: (t.eam ?? []).map((e) => ({ ipv4: formatPrefix4(e.ipv4), ipv6: formatPrefix6(e.ipv6) })),
      ...(t.plat !== undefined ? { plat: formatPrefix6(t.plat) } : {}),
      ...(t.tun !== undefined ? { tun: t.tun } : {}),
    };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new XlatError('ERR_XLAT_BAD_TENANT', `expected a tenant index 0..${this.size - 1}, got ${show(index)}`);
    }
  }

  // ---- hot path -------------------------------------------------------------------------

  /**
   * Hot path: which tenant the IPv6 address at `buf[off..off+16)` belongs to (a packet's
   * destination in the 6→4 direction). Order: EAM longest match (RFC 7757), then tenant
   * prefixes (RFC 6052), then PLAT prefixes (RFC 6877). Allocates nothing.
   *
   * Sets {@link outV4} (unsigned 32-bit) and {@link outRule}. A PLAT prefix shared by several
   * tenants names no tenant: the result is -1 with `outRule === RULE_PLAT` (and `outPlat`
   * set), so the caller can tell "shared PLAT" from "not ours" (`outRule === RULE_NONE`).
   * An address whose u octet (bits 64–71) is not zero, a non-global IPv4 address under
   * 64:ff9b::/96 (RFC 6052 §3.1), or an address under a tenant's prefix whose IPv4 address is
   * neither in that tenant's `ipv4` ranges nor one of its EAM addresses, is not ours.
   *
   * @param buf packet bytes
   * @param off offset of the 16-byte address (e.g. 24 for an IPv6 header's destination)
   * @returns tenant index, or -1
   */
  lookupDst6(buf: Uint8Array, off: number): number {
    this.outRule = RULE_NONE;
    this.outPlat = -1;
    const e = this.eam.lookup6(buf, off);
    if (e >= 0) {
      this.outV4 = this.eam.v4Of(e, buf, off) >>> 0;
      this.outRule = RULE_EAM;
      return this.eam.tenantOf[e] as number;
    }
    if (this.planOnly) {
      const plan = this.plan as AddressPlan;
      const id = plan.decode6(buf, off);
      if (id < 0) return -1;
      this.outV4 = plan.outV4;
      this.outRule = RULE_PREFIX;
      return id;
    }
    const ph = this.pfxHash;
    for (let k = 0; k < ph.length; k++) {
      const h = ph[k] as PrefixHash6;
      const t = h.find(buf, off);
      if (t < 0) continue;
      if (buf[off + U_OCTET] !== 0) return -1;
      const v4 = extract4(buf, off, h.len);
      if (this.pfxWkp[t] === 1 && !isGlobalIPv4(v4)) return -1;
      // Decode is the inverse of encode4: the tenant's prefix only ever carries its own IPv4
      // addresses (anything else goes through its PLAT), so an address under the prefix that
      // embeds an outside IPv4 address names no host of the tenant. The exception is one of the
      // tenant's EAM IPv4 addresses: RFC 7757 §4.2 has IPv6 nodes reach it in its RFC 6052 form.
      if (!this.ownsV4(t, v4) && this.eam.lookup4(t, v4) < 0) return -1;
      this.outV4 = v4 >>> 0;
      this.outRule = RULE_PREFIX;
      return t;
    }
    const lh = this.platHash;
    for (let k = 0; k < lh.length; k++) {
      const h = lh[k] as PrefixHash6;
      const p = h.find(buf, off);
      if (p < 0) continue;
      if (buf[off + U_OCTET] !== 0) return -1;
      const v4 = extract4(buf, off, h.len);
      if (this.platWkp[p] === 1 && !isGlobalIPv4(v4)) return -1;
      this.outV4 = v4 >>> 0;
      this.outRule = RULE_PLAT;
      this.outPlat = p;
      return this.platOwner[p] as number;
    }
    return -1;
  }

  /**
   * Hot path: whether the IPv6 address at `buf[off..off+16)` (a packet's source in the 6→4
   * direction) is one tenant `tenant` may send from: one of its EAM entries, its prefix, or
   * its PLAT prefix. Sets {@link outV4} and {@link outRule} when true. Allocates nothing.
   *
   * @param tenant tenant index (from {@link lookupDst6})
   * @returns true if the address maps to an IPv4 address in that tenant
   */
  lookupSrc6(tenant: number, buf: Uint8Array, off: number): boolean {
    this.outRule = RULE_NONE;
    this.outPlat = -1;
    const e = this.eam.lookup6(buf, off);
    if (e >= 0) {
      // EAM IPv6 sides never overlap across tenants, so the longest match decides alone.
      if (this.eam.tenantOf[e] !== tenant) return false;
      this.outV4 = this.eam.v4Of(e, buf, off) >>> 0;
      this.outRule = RULE_EAM;
      return true;
    }
    if (this.planOnly) {
      const plan = this.plan as AddressPlan;
      if (plan.decode6(buf, off) !== tenant) return false;
      this.outV4 = plan.outV4;
      this.outRule = RULE_PREFIX;
      return true;
    }
    if (tenant < 0 || tenant >= this.size) return false;
    const len = this.pfxLen[tenant] as number;
    if (len !== 0 && prefixEqual6(this.pfxBytes, 16 * tenant, buf, off, len)) {
      if (buf[off + U_OCTET] !== 0) return false;
      const v4 = extract4(buf, off, len);
      if (this.pfxWkp[tenant] === 1 && !isGlobalIPv4(v4)) return false;
      this.outV4 = v4 >>> 0;
      this.outRule = RULE_PREFIX;
      return true;
    }
    const p = this.platOf[tenant] as number;
    if (p >= 0) {
      const plen = this.platLen[p] as number;
      if (!prefixEqual6(this.platBytes, 16 * p, buf, off, plen)) return false;
      if (buf[off + U_OCTET] !== 0) return false;
      const v4 = extract4(buf, off, plen);
      if (this.platWkp[p] === 1 && !isGlobalIPv4(v4)) return false;
      this.outV4 = v4 >>> 0;
      this.outRule = RULE_PLAT;
      this.outPlat = p;
      return true;
    }
    return false;
  }

  /**
   * Hot path: whether unsigned 32-bit `v4` is in tenant `tenant`'s own `ipv4` ranges.
   * Binary search over the tenant's merged ranges; allocates nothing.
   */
  ownsV4(tenant: number, v4: number): boolean {
    if (this.planOnly) return true;
    // Callers on the packet path pass the address signed (a small integer to V8, never boxed).
    v4 = v4 >>> 0;
    const count = this.v4Count[tenant] as number;
    if (count < 0) return true;
    const r = this.v4Ranges;
    let lo = this.v4Start[tenant] as number;
    let hi = lo + count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (v4 < (r[2 * mid] as number)) hi = mid - 1;
      else if (v4 > (r[2 * mid + 1] as number)) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /**
   * Hot path: the IPv6 address of unsigned 32-bit `v4` as seen from tenant `tenant` (a
   * packet's address in the 4→6 direction). Order: the tenant's EAM entries (longest IPv4
   * match, RFC 7757); else, if `v4` is in its own `ipv4` ranges, its prefix (RFC 6052) — an
   * own address of a tenant without a prefix has no mapping, it must not leak to the PLAT;
   * else its PLAT prefix (RFC 6877); else no mapping. A non-global `v4` under 64:ff9b::/96
   * has no mapping (RFC 6052 §3.1). Allocates nothing.
   *
   * @param out receives 16 bytes at `off` (only when a rule matched)
   * @returns RULE_EAM, RULE_PREFIX or RULE_PLAT, or -1 for no mapping
   */
  encode4(tenant: number, v4: number, out: Uint8Array, off: number): number {
    if (this.planOnly) {
      (this.plan as AddressPlan).encode4(tenant, v4, out, off);
      return RULE_PREFIX;
    }
    const e = this.eam.lookup4(tenant, v4);
    if (e >= 0) {
      this.eam.write6(e, v4, out, off);
      return RULE_EAM;
    }
    if (this.ownsV4(tenant, v4)) {
      const len = this.pfxLen[tenant] as number;
      if (len === 0 || (this.pfxWkp[tenant] === 1 && !isGlobalIPv4(v4))) return -1;
      embed4(this.pfxBytes, 16 * tenant, len, v4, out, off);
      return RULE_PREFIX;
    }
    const p = this.platOf[tenant] as number;
    if (p < 0 || (this.platWkp[p] === 1 && !isGlobalIPv4(v4))) return -1;
    embed4(this.platBytes, 16 * p, this.platLen[p] as number, v4, out, off);
    return RULE_PLAT;
  }

  // ---- string API -----------------------------------------------------------------------

  /**
   * The IPv6 address of `ipv4` for tenant `tenantName` (see {@link encode4} for the order).
   *
   * @returns RFC 5952 text; mixed notation when a /96 prefix embedded it (RFC 6052 §2.4)
   * @throws XlatError `ERR_XLAT_BAD_TENANT` (unknown tenant), `ERR_XLAT_BAD_IPV4`, or
   *   `ERR_XLAT_NO_MAPPING`
   * @example table.encode('red', '10.1.2.3') === '2001:db8:1::10.1.2.3'
   */
  encode(tenantName: string, ipv4: string): string {
    const t = this.indexOf(tenantName);
    if (t < 0) throw new XlatError('ERR_XLAT_BAD_TENANT', `no such tenant, got ${show(tenantName)}`);
    const v4 = parseIPv4(ipv4);
    const out = this.scratch;
    const rule = this.encode4(t, v4, out, 0);
    if (rule < 0) {
      throw new XlatError('ERR_XLAT_NO_MAPPING', `tenant ${show(tenantName)} has no EAM entry, own prefix or PLAT prefix for ${show(ipv4)}`);
    }
    const len = this.planOnly
      ? (this.plan as AddressPlan).prefixLen
      : rule === RULE_PREFIX
        ? (this.pfxLen[t] as number)
        : rule === RULE_PLAT
          ? (this.platLen[this.platOf[t] as number] as number)
          : 0;
    return len === 0 ? formatIPv6(out, 0, 'hex') : formatEmbedded(out, 0, len);
  }

  /**
   * Which tenant, IPv4 address and rule an IPv6 address stands for, or null if it is not
   * ours (see {@link lookupDst6}). A PLAT prefix shared by several tenants gives
   * `tenant: null` and `tenants: [every user]`; a PLAT prefix used by one tenant names it.
   *
   * @throws XlatError `ERR_XLAT_BAD_IPV6` for bad text
   * @example table.decode('64:ff9b::8.8.8.8') // { tenant: null, tenants: ['red', 'blue'], ipv4: '8.8.8.8', rule: 'plat' }
   */
  decode(ipv6: string): DecodeResult | null {
    const a = parseIPv6(ipv6);
    const t = this.lookupDst6(a, 0);
    const rule = this.outRule;
    if (rule === RULE_NONE) return null;
    const ipv4 = formatIPv4(this.outV4);
    const name = RULE_NAMES[rule] as RuleName;
    if (t < 0) {
      const users = (this.platUsers[this.outPlat] as number[]).map((i) => (this.specs[i] as TenantSpec).name);
      return { tenant: null, tenants: users, ipv4, rule: name };
    }
    return { tenant: this.nameOf(t), ipv4, rule: name };
  }
}

/** Appends `list` to `out` as sorted, merged [first, last] pairs; returns the pair count. */
function mergeRanges(list: readonly Prefix4[], out: number[]): number {
  const rs = list.map((p) => [p.addr, (p.addr | ~mask4(p.len)) >>> 0] as [number, number]).sort((a, b) => a[0] - b[0]);
  let count = 0;
  let cur: [number, number] | undefined;
  for (const r of rs) {
    if (cur && r[0] <= cur[1] + 1) {
      if (r[1] > cur[1]) cur[1] = r[1];
      continue;
    }
    if (cur) {
      out.push(cur[0], cur[1]);
      count++;
    }
    cur = [r[0], r[1]];
  }
  if (cur) {
    out.push(cur[0], cur[1]);
    count++;
  }
  return count;
}

function coversItem(outer: Item, inner: Item): boolean {
  return outer.len <= inner.len && prefixEqual6(outer.bytes, outer.off, inner.bytes, inner.off, outer.len);
}

/** Orders by address, then shorter first, then config order (so errors name the later entry). */
function compareItems(a: Item, b: Item): number {
  const ab = a.bytes;
  const bb = b.bytes;
  for (let k = 0; k < 16; k++) {
    const d = (ab[a.off + k] as number) - (bb[b.off + k] as number);
    if (d !== 0) return d;
  }
  return a.len - b.len || a.tenant - b.tenant || a.kind - b.kind || a.sub - b.sub;
}

/**
 * Whether `inner` may sit inside `outer`. Only a plan-derived tenant prefix may sit inside the
 * plan domain; nothing else nests. In particular an EAM IPv6 side may not sit inside another
 * EAM IPv6 side or a tenant prefix, not even the tenant's own: with EAM consulted first
 * (RFC 7757), the outer rule would hand out an IPv6 address that the inner entry also hands
 * out for a different IPv4 address, and the reply would go to the wrong host. (Nesting on the
 * IPv4 side is fine and is what longest-match EAM is for: it keeps encoding one-to-one.)
 */
function allowedInside(outer: Item, inner: Item, tenants: readonly TenantSpec[]): boolean {
  return outer.kind === Kind.Domain && isPlanDerived(inner, tenants);
}

/** True if the item is a tenant prefix derived from the plan (`id`), not given as `prefix`. */
function isPlanDerived(item: Item, tenants: readonly TenantSpec[]): boolean {
  return item.kind === Kind.Prefix && (tenants[item.tenant] as TenantSpec).id !== undefined;
}

function pathOf(item: Item, tenants: readonly TenantSpec[]): string {
  switch (item.kind) {
    case Kind.Domain:
      return 'plan.domain';
    case Kind.Prefix:
      return `tenants[${item.tenant}].${isPlanDerived(item, tenants) ? 'id' : 'prefix'}`;
    case Kind.Eam:
      return `tenants[${item.tenant}].eam[${item.sub}].ipv6`;
    default:
      return `tenants[${item.tenant}].plat`;
  }
}

function textOf(item: Item, tenants: readonly TenantSpec[]): string {
  const p = formatPrefix6({ bytes: item.bytes.subarray(item.off, item.off + 16), len: item.len });
  return isPlanDerived(item, tenants) ? `id ${(tenants[item.tenant] as TenantSpec).id} = ${p}` : p;
}

function describe(item: Item, tenants: readonly TenantSpec[]): string {
  if (item.kind === Kind.Domain) return `the plan domain ${show(textOf(item, tenants))}`;
  return `${pathOf(item, tenants)} ${show(textOf(item, tenants))} of tenant ${show((tenants[item.tenant] as TenantSpec).name)}`;
}

/** Refuses overlapping prefixes (see {@link TenantTable.fromParsed}); O(n log n). */
function checkOverlaps(items: Item[], tenants: readonly TenantSpec[]): void {
  items.sort(compareItems);
  const stack: Item[] = [];
  for (const item of items) {
    while (stack.length > 0 && !coversItem(stack[stack.length - 1] as Item, item)) stack.pop();
    for (let k = stack.length - 1; k >= 0; k--) {
      const outer = stack[k] as Item;
      if (allowedInside(outer, item, tenants)) continue;
      // Report at the entry that comes later in the file; the plan domain (-1) never is.
      const [later, earlier] = item.tenant >= outer.tenant ? [item, outer] : [outer, item];
      const plat = later.kind === Kind.Plat || earlier.kind === Kind.Plat;
      const why = plat ? ' (a PLAT prefix must not overlap tenant prefixes, EAM entries, the plan domain or other PLAT prefixes)' : '';
      throw new XlatError(
        'ERR_XLAT_BAD_TENANT',
        `tenant ${show((tenants[later.tenant] as TenantSpec).name)}: ${show(textOf(later, tenants))} overlaps ${describe(earlier, tenants)}${why}`,
        pathOf(later, tenants),
      );
    }
    stack.push(item);
  }
}

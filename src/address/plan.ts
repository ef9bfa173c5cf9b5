/**
 * Algorithmic tenants: an address plan.
 *
 * A plan is a domain prefix and a tenant-id width. Tenant N's RFC 6052 prefix is the domain
 * followed by N in the next `tenantBits` bits, so any address inside the domain decodes to
 * (tenant id, IPv4 address) by arithmetic alone (RFC 6052 §2.2 for the IPv4 part):
 *
 *   |<-- domain (D bits) -->|<- tenant id (T bits) ->|<- RFC 6052 IPv4 + u + suffix ->|
 *   D + T must be 32, 40, 48, 56, 64 or 96, and the tenant id must stay clear of bits 64–71.
 *
 * Text form for the CLI: `fd00:64::/48+16` (domain, '+', tenant bits).
 */
import { XlatError, show } from '../errors.js';
import { parseIPv4, formatIPv4 } from './ipv4.js';
import { parseIPv6 } from './ipv6.js';
import { parsePrefix6, formatPrefix6, prefixEqual6, overlaps6, type Prefix6 } from './prefix.js';
import { isRfc6052Length, embed4, extract4, formatEmbedded, U_OCTET, WELL_KNOWN_PREFIX } from './rfc6052.js';
import { readBits, writeBits } from './bits.js';

/** What an {@link AddressPlan} is built from. */
export interface PlanSpec {
  /** The domain prefix, e.g. `'fd00:64::/48'` (or an already parsed prefix). */
  readonly domain: string | Prefix6;
  /** Width of the tenant-id field in bits, 1..32. */
  readonly tenantBits: number;
}

const WKP = parsePrefix6(WELL_KNOWN_PREFIX);
const MAX_TENANT_BITS = 32;

/**
 * An address plan: tenant N's prefix is the domain with N in the next `tenantBits` bits.
 *
 * @example
 *   const plan = new AddressPlan({ domain: 'fd00:64::/48', tenantBits: 16 });
 *   plan.prefixOf(7) === 'fd00:64:0:7::/64'; // fd00:64::/48 is fd00:64:0::/48
 *   plan.encode(7, '10.0.0.1') === 'fd00:64:0:7:a:0:100:0';
 *   plan.decode('fd00:64:0:7:a:0:100:0') // { tenantId: 7, ipv4: '10.0.0.1' }
 */
export class AddressPlan {
  /** The domain prefix. */
  readonly domain: Prefix6;
  /** Width of the tenant-id field in bits. */
  readonly tenantBits: number;
  /** Length of every tenant prefix in bits: domain length + tenantBits. */
  readonly prefixLen: number;
  /** Number of tenant ids, 2^tenantBits. */
  readonly size: number;
  /** IPv4 address found by the last {@link decode6}, unsigned 32-bit. */
  outV4 = 0;

  /**
   * @throws XlatError `ERR_XLAT_BAD_PLAN` (path `domain` or `tenantBits`) if the resulting length
   *   is not an RFC 6052 length, the tenant field touches bits 64–71, the domain's own bits
   *   64–71 are not zero, or the domain overlaps the Well-Known Prefix
   */
  constructor(spec: PlanSpec) {
    if (spec === null || typeof spec !== 'object') {
      throw new XlatError('ERR_XLAT_BAD_PLAN', `expected { domain, tenantBits }, got ${show(spec)}`);
    }
    let domain: Prefix6;
    try {
      domain = typeof spec.domain === 'string' ? parsePrefix6(spec.domain) : spec.domain;
    } catch (e) {
      throw e instanceof XlatError ? new XlatError('ERR_XLAT_BAD_PLAN', e.detail, 'domain') : e;
    }
    if (!domain || !(domain.bytes instanceof Uint8Array)) {
      throw new XlatError('ERR_XLAT_BAD_PLAN', `expected an IPv6 prefix, got ${show(spec.domain)}`, 'domain');
    }
    const bits = spec.tenantBits;
    if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1 || bits > MAX_TENANT_BITS) {
      throw new XlatError('ERR_XLAT_BAD_PLAN', `expected tenant bits 1..${MAX_TENANT_BITS}, got ${show(bits)}`, 'tenantBits');
    }
    const shown = `${formatPrefix6(domain)}+${bits}`;
    const len = domain.len + bits;
    if (!isRfc6052Length(len)) {
      throw new XlatError(
        'ERR_XLAT_BAD_PLAN',
        `domain /${domain.len} + ${bits} tenant bits = /${len}, expected an RFC 6052 prefix length (32,40,48,56,64,96), got ${show(shown)}`,
        'tenantBits',
      );
    }
    // RFC 6052 §2.2: bits 64–71 are always zero, so a tenant id there would be lost.
    if (domain.len < 72 && len > 64) {
      throw new XlatError(
        'ERR_XLAT_BAD_PLAN',
        `the tenant field (bits ${domain.len}-${len - 1}) must not touch bits 64-71 (RFC 6052 §2.2 u octet), got ${show(shown)}`,
        'tenantBits',
      );
    }
    if (domain.len > 64 && domain.bytes[U_OCTET] !== 0) {
      throw new XlatError('ERR_XLAT_BAD_PLAN', `bits 64-71 of the domain must be zero (RFC 6052 §2.2), got ${show(shown)}`, 'domain');
    }
    // Some tenant would otherwise get 64:ff9b::/96, which RFC 6052 §3.1 keeps for global IPv4 only.
    if (overlaps6(domain, WKP)) {
      throw new XlatError('ERR_XLAT_BAD_PLAN', `the domain must not overlap the Well-Known Prefix ${WELL_KNOWN_PREFIX}, got ${show(shown)}`, 'domain');
    }
    this.domain = domain;
    this.tenantBits = bits;
    this.prefixLen = len;
    this.size = 2 ** bits;
  }

  /**
   * Parses the CLI form `<domain>+<tenantBits>`.
   *
   * @example AddressPlan.parse('fd00:64::/48+16').prefixOf(1) === 'fd00:64:1::/64'
   * @throws XlatError `ERR_XLAT_BAD_PLAN` naming the value
   */
  static parse(text: unknown): AddressPlan {
    if (typeof text !== 'string') {
      throw new XlatError('ERR_XLAT_BAD_PLAN', `expected a plan like "fd00:64::/48+16", got ${show(text)}`);
    }
    const plus = text.lastIndexOf('+');
    const bitsText = text.slice(plus + 1);
    if (plus < 0 || !/^[1-9][0-9]{0,1}$/.test(bitsText)) {
      throw new XlatError('ERR_XLAT_BAD_PLAN', `expected a plan like "fd00:64::/48+16" (domain prefix + tenant bits), got ${show(text)}`);
    }
    try {
      return new AddressPlan({ domain: text.slice(0, plus), tenantBits: Number(bitsText) });
    } catch (e) {
      if (e instanceof XlatError && !e.detail.includes(show(text))) {
        throw new XlatError(e.code, `${e.detail} (in ${show(text)})`);
      }
      throw e instanceof XlatError ? new XlatError(e.code, e.detail) : e;
    }
  }

  /** The plan in CLI text form, e.g. `'fd00:64::/48+16'`. */
  toString(): string {
    return `${formatPrefix6(this.domain)}+${this.tenantBits}`;
  }

  /** Throws `ERR_XLAT_BAD_PLAN` unless `id` is an integer tenant id of this plan. */
  checkId(id: unknown): number {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= this.size) {
      throw new XlatError('ERR_XLAT_BAD_PLAN', `expected a tenant id 0..${this.size - 1} (${this.tenantBits} bits), got ${show(id)}`);
    }
    return id;
  }

  /**
   * Writes tenant `id`'s prefix as 16 bytes (bits after the prefix zero). No checks.
   *
   * @param id tenant id, 0..size-1
   */
  writePrefix(id: number, out: Uint8Array, off: number): void {
    out.set(this.domain.bytes, off);
    writeBits(out, off, this.domain.len, this.tenantBits, id);
  }

  /** Tenant `id`'s prefix as a {@link Prefix6}. */
  prefix6Of(id: number): Prefix6 {
    this.checkId(id);
    const bytes = new Uint8Array(16);
    this.writePrefix(id, bytes, 0);
    return { bytes, len: this.prefixLen };
  }

  /**
   * Tenant `id`'s RFC 6052 prefix as text.
   *
   * @example new AddressPlan({ domain: 'fd00:64::/48', tenantBits: 16 }).prefixOf(7) === 'fd00:64:0:7::/64'
   */
  prefixOf(id: number): string {
    return formatPrefix6(this.prefix6Of(id));
  }

  /**
   * The IPv6 address of `ipv4` inside tenant `id` (RFC 6052 §2.2 under the tenant prefix).
   *
   * @example plan.encode(7, '192.0.2.33') === 'fd00:64:0:7:c0:2:2100:0'
   */
  encode(id: number, ipv4: string): string {
    this.checkId(id);
    const out = new Uint8Array(16);
    this.encode4(id, parseIPv4(ipv4), out, 0);
    return formatEmbedded(out, 0, this.prefixLen);
  }

  /**
   * Which tenant and IPv4 address an IPv6 address stands for, or null if it is outside the
   * domain or its u octet is not zero.
   *
   * @example plan.decode('fd00:64:0:7:c0:2:2100:0') // { tenantId: 7, ipv4: '192.0.2.33' }
   */
  decode(ipv6: string): { tenantId: number; ipv4: string } | null {
    const a = parseIPv6(ipv6);
    const id = this.decode6(a, 0);
    return id < 0 ? null : { tenantId: id, ipv4: formatIPv4(this.outV4) };
  }

  /**
   * Hot path: writes the 16-byte address of unsigned 32-bit `v4` in tenant `id`. No checks,
   * no allocation.
   */
  encode4(id: number, v4: number, out: Uint8Array, off: number): void {
    this.writePrefix(id, out, off);
    embed4(out, off, this.prefixLen, v4, out, off);
  }

  /**
   * Hot path: the tenant id of the address at `buf[off..off+16)`, or -1 if it is outside the
   * domain or its u octet is not zero. Sets {@link outV4}. Allocates nothing.
   */
  decode6(buf: Uint8Array, off: number): number {
    if (!prefixEqual6(this.domain.bytes, 0, buf, off, this.domain.len)) return -1;
    if (buf[off + U_OCTET] !== 0) return -1;
    this.outV4 = extract4(buf, off, this.prefixLen) >>> 0;
    return readBits(buf, off, this.domain.len, this.tenantBits);
  }
}

/**
 * What the CLI commands share: where the tenant table comes from, and how failures are reported.
 * A failure is one line on stderr with the error code, never a stack trace; the exit code says
 * what happened: 0 all done, 1 some input had no answer (not ours, no mapping), 2 bad input or usage.
 */
import { AddressPlan, TenantTable } from '../address/index.js';
import { loadConfig } from '../config/index.js';
import type { TranslatorOptions } from '../translate/index.js';
import { XlatError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_NO_ANSWER = 1;
export const EXIT_BAD_INPUT = 2;

export interface TableSource {
  config?: string;
  plan?: string;
}

/** The tenant table named by `--config FILE` or `--plan DOMAIN+BITS` (exactly one of them). */
export function tableFrom(opts: TableSource): TenantTable {
  if (opts.config !== undefined && opts.plan !== undefined) {
    throw new XlatError('ERR_XLAT_USAGE', 'give --config or --plan, not both');
  }
  if (opts.config !== undefined) return loadConfig(opts.config).table;
  if (opts.plan !== undefined) return TenantTable.fromPlan(AddressPlan.parse(opts.plan));
  throw new XlatError('ERR_XLAT_USAGE', 'give --config FILE or --plan DOMAIN/LEN+BITS (e.g. --plan fd00:64::/48+16)');
}

/** What the inspecting commands (`decode`, `pcap`) work from. */
export interface InspectSource {
  /** The tenant table, or null when neither --config nor --plan was given. */
  readonly table: TenantTable | null;
  /** The translator section (only from --config): verdicts need it. */
  readonly translator: TranslatorOptions | null;
  /** Tenant table index by TUN device name, from --config (names IPv4 packets seen on that device). */
  readonly tenantByDevice: ReadonlyMap<string, number>;
  /** The fabric TUN's name, from --config. */
  readonly fabricDevice: string | null;
}

/**
 * Like {@link tableFrom}, but neither option is also fine: then only RFC 6052 well-known-prefix
 * addresses decode (the commands say so once on stderr).
 */
export function inspectSourceFrom(opts: TableSource): InspectSource {
  if (opts.config !== undefined && opts.plan !== undefined) {
    throw new XlatError('ERR_XLAT_USAGE', 'give --config or --plan, not both');
  }
  if (opts.config !== undefined) {
    const loaded = loadConfig(opts.config);
    const byDevice = new Map<string, number>();
    loaded.config.tenants.forEach((t, i) => {
      if (t.tun !== undefined) byDevice.set(t.tun, i);
    });
    return { table: loaded.table, translator: loaded.translator, tenantByDevice: byDevice, fabricDevice: loaded.config.fabric?.tun ?? null };
  }
  const table = opts.plan !== undefined ? TenantTable.fromPlan(AddressPlan.parse(opts.plan)) : null;
  return { table, translator: null, tenantByDevice: new Map(), fabricDevice: null };
}

/** The stderr note for a command run without a tenant table. */
export const NO_TABLE_NOTE =
  'xlat464: no tenant table (give --config FILE or --plan): decoding RFC 6052 well-known-prefix (64:ff9b::/96) addresses only';

/**
 * The tenant an IPv4 packet came from, given by name (`--tenant` / `--ipv4-tenant`): its table
 * index; with no name, the only tenant of a one-tenant table, else -1 (unknown).
 * @throws XlatError `ERR_XLAT_BAD_TENANT` for a name the table does not have
 */
export function tenantIndex(table: TenantTable | null, name: string | undefined, option: string): number {
  if (name === undefined) return table !== null && table.size === 1 && table.plan === undefined ? 0 : -1;
  if (table === null) throw new XlatError('ERR_XLAT_USAGE', `${option} needs a tenant table (--config or --plan), got ${JSON.stringify(name)}`);
  const t = table.indexOf(name);
  if (t < 0) throw new XlatError('ERR_XLAT_BAD_TENANT', `${option}: no tenant called ${JSON.stringify(name)} (tenants: ${Array.from({ length: Math.min(10, table.size) }, (_, i) => table.nameOf(i)).join(', ')}${table.size > 10 ? ', ...' : ''})`);
  return t;
}

/** One line for an error: its message and, for our own errors, the stable code. */
export function errorLine(e: unknown): string {
  if (e instanceof XlatError) return `xlat464: ${e.message} (${e.code})`;
  if (e instanceof Error) return `xlat464: ${e.message}`;
  return `xlat464: ${String(e)}`;
}

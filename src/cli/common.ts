/**
 * What the CLI commands share: where the tenant table comes from, and how failures are reported.
 * A failure is one line on stderr with the error code, never a stack trace; the exit code says
 * what happened: 0 all done, 1 some input had no answer (not ours, no mapping), 2 bad input or usage.
 */
import { AddressPlan, TenantTable } from '../address/index.js';
import { loadConfig } from '../config/index.js';
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

/** One line for an error: its message and, for our own errors, the stable code. */
export function errorLine(e: unknown): string {
  if (e instanceof XlatError) return `xlat464: ${e.message} (${e.code})`;
  if (e instanceof Error) return `xlat464: ${e.message}`;
  return `xlat464: ${String(e)}`;
}

/**
 * zod schemas for the tenants part of the configuration, and the zod → XlatError bridge.
 *
 * Strings go through the strict parsers of this module (ipv4.ts, prefix.ts, rfc6052.ts) inside
 * zod transforms, so a bad value is reported by zod with its path and by our parser with its
 * stable code and the value. Objects are `.strict()`: an unknown key is refused, since a typo
 * such as `prefx:` would otherwise silently leave a tenant without a prefix.
 *
 * Cross-tenant rules (unique names, overlaps, id needs a plan) are not here: they need the whole
 * list and live in `TenantTable.fromParsed`, which the config module calls after parsing.
 */
import { z } from 'zod';
import { XlatError, show } from '../errors.js';
import { parsePrefix4, parsePrefix6 } from './prefix.js';
import { parseRfc6052Prefix } from './rfc6052.js';
import { checkEamEntry } from './eam.js';
import { AddressPlan } from './plan.js';

/** Tenant names: they end up in metrics labels, logs and CLI arguments. */
export const TENANT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Custom-issue parameter that carries our error code through zod. */
const CODE_PARAM = 'xlatCode';

/**
 * Reports an XlatError from one of our parsers as a zod issue that keeps its code, so
 * {@link zodToXlat} gives back the parser's own error (`ERR_XLAT_BAD_IPV4`, ...) at the field's path.
 */
export function addXlatIssue(ctx: z.RefinementCtx, e: XlatError, value: unknown): void {
  ctx.addIssue({ code: 'custom', message: e.detail, params: { [CODE_PARAM]: e.code }, input: value, ...(e.path ? { path: [e.path] } : {}) });
}

/** Wraps a strict parser as a zod transform that reports XlatErrors as issues. */
function via<T>(parse: (text: string) => T) {
  return (value: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(value);
    } catch (e) {
      if (!(e instanceof XlatError)) throw e;
      addXlatIssue(ctx, e, value);
      return z.NEVER;
    }
  };
}

/**
 * Linux interface names: dev_valid_name() in net/core/dev.c refuses empty names, names of
 * IFNAMSIZ (16) bytes or more, "." and "..", and any '/', ':' or whitespace.
 */
export function isLinuxIfname(name: string): boolean {
  if (name.length === 0 || name === '.' || name === '..') return false;
  if (Buffer.byteLength(name, 'utf8') > 15) return false;
  return !/[/:\s\0]/.test(name);
}

/** An RFC 6052 prefix (`2001:db8::/96`), parsed to a `Prefix6`. */
export const rfc6052PrefixSchema = z.string().transform(via(parseRfc6052Prefix));

/** An IPv4 prefix (`10.0.0.0/8`, or a bare address as /32), parsed to a `Prefix4`. */
export const ipv4PrefixSchema = z.string().transform(via((s) => parsePrefix4(s, { allowBare: true })));

/** An IPv6 prefix (or a bare address as /128), parsed to a `Prefix6`. */
export const ipv6PrefixSchema = z.string().transform(via((s) => parsePrefix6(s, { allowBare: true })));

/** One RFC 7757 EAM entry: `{ ipv4: '192.0.2.0/24', ipv6: '2001:db8:aa::/120' }`. */
export const eamSchema = z
  .object({ ipv4: ipv4PrefixSchema, ipv6: ipv6PrefixSchema })
  .strict()
  .transform((e, ctx) => {
    try {
      checkEamEntry(e);
    } catch (err) {
      if (!(err instanceof XlatError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.detail, params: { [CODE_PARAM]: err.code }, path: [err.path] });
      return z.NEVER;
    }
    return e;
  });

/**
 * One tenant. Output: prefixes parsed (`Prefix6`/`Prefix4`), see `TenantSpec` in table.ts.
 *
 * @example tenantSchema.parse({ name: 'red', prefix: '2001:db8:1::/96', plat: '64:ff9b::/96', ipv4: ['10.0.0.0/8'], tun: 'xlat-red' })
 */
export const tenantSchema = z
  .object({
    name: z.string().regex(TENANT_NAME_RE, 'expected a tenant name of 1-64 characters [A-Za-z0-9_.-], starting with a letter or digit'),
    prefix: rfc6052PrefixSchema.optional(),
    id: z.number().int().nonnegative().optional(),
    eam: z.array(eamSchema).optional(),
    ipv4: z.array(ipv4PrefixSchema).optional(),
    plat: rfc6052PrefixSchema.optional(),
    tun: z.string().refine(isLinuxIfname, 'expected a Linux interface name (1-15 bytes, no "/", ":" or whitespace)').optional(),
  })
  .strict();

/**
 * An address plan `{ domain: 'fd00:64::/48', tenantBits: 16 }`, output as an `AddressPlan`.
 */
export const planSchema = z
  .object({ domain: z.string(), tenantBits: z.number().int() })
  .strict()
  .transform((p, ctx) => {
    try {
      return new AddressPlan(p);
    } catch (e) {
      if (!(e instanceof XlatError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.detail, params: { [CODE_PARAM]: e.code }, ...(e.path ? { path: [e.path] } : {}) });
      return z.NEVER;
    }
  });

/**
 * The tenants part of the configuration file: `tenants` (required) and `plan` (optional).
 * Other keys are stripped, not refused, so the config module can compose this into the full
 * file schema (e.g. `tenantsConfigSchema.extend({ translator: ... }).strict()`).
 */
export const tenantsConfigSchema = z.object({
  tenants: z.array(tenantSchema),
  plan: planSchema.optional(),
});

/** Output of {@link tenantsConfigSchema}. */
export type TenantsConfig = z.output<typeof tenantsConfigSchema>;

const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a zod issue path as `tenants[2].eam[0].ipv6`.
 *
 * @example formatPath(['tenants', 2, 'prefix']) === 'tenants[2].prefix'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT_RE.test(seg)) s += s ? `.${seg}` : seg;
    else s += `[${JSON.stringify(String(seg))}]`;
  }
  return s;
}

/** The value at `path` in `input`, reading own data properties only (no getters, no prototype). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    const d = Object.getOwnPropertyDescriptor(v, seg);
    if (!d || !('value' in d)) return undefined;
    v = d.value;
  }
  return v;
}

function hasOwn(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return true;
  const parent = valueAt(input, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, path[path.length - 1] as PropertyKey);
}

/**
 * Converts a zod error to the XlatError for its first issue, with the field path and the value
 * received. Failures of our own parsers keep their code (`ERR_XLAT_BAD_PREFIX`, ...); every other
 * issue is `ERR_XLAT_BAD_CONFIG` with the message `path: detail, got <value>`.
 *
 * @param error what `schema.safeParse(input).error` returned
 * @param input the value that was parsed, to show the offending value
 * @example zodToXlat(r.error, cfg).message === 'tenants[0].id: expected int, got "7"'
 */
export function zodToXlat(error: z.ZodError, input: unknown): XlatError {
  const e = zodIssueToXlat(error, input);
  // A field of a tenant: say which tenant by name too, as the errors between two tenants do.
  const path = error.issues[0]?.path ?? [];
  if (path[0] === 'tenants' && typeof path[1] === 'number' && path.length > 2) {
    const name = valueAt(input, ['tenants', path[1], 'name']);
    if (typeof name === 'string' && name !== '') return new XlatError(e.code, `tenant ${show(name)}: ${e.detail}`, e.path);
  }
  return e;
}

function zodIssueToXlat(error: z.ZodError, input: unknown): XlatError {
  const issue = error.issues[0];
  if (!issue) return new XlatError('ERR_XLAT_BAD_CONFIG', `invalid configuration, got ${show(input)}`);
  const path = issue.path as PropertyKey[];
  if (issue.code === 'custom') {
    const code = (issue.params as Record<string, unknown> | undefined)?.[CODE_PARAM];
    if (typeof code === 'string') return new XlatError(code, issue.message, formatPath(path));
  }
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const at = [...path, key];
    return new XlatError('ERR_XLAT_BAD_CONFIG', `unknown field ${show(key)}, got ${show(valueAt(input, at))}`, formatPath(at));
  }
  const value = valueAt(input, path);
  let detail: string;
  if (issue.code === 'invalid_type') {
    detail = hasOwn(input, path) ? `expected ${issue.expected}` : `missing required field, expected ${issue.expected}`;
  } else {
    detail = issue.message;
  }
  return new XlatError('ERR_XLAT_BAD_CONFIG', `${detail}, got ${show(value)}`, formatPath(path));
}

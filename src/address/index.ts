/**
 * The address library: strict IPv4/IPv6 text (RFC 4291, RFC 5952), prefixes, RFC 6052
 * embedding, RFC 7757 EAM, address plans and the tenant table. Knows nothing about packets.
 */
export { parseIPv4, formatIPv4, isIPv4, readIPv4, mask4 } from './ipv4.js';
export { parseIPv6, formatIPv6, isIPv6, readIPv6, type Ipv6Tail } from './ipv6.js';
export {
  parsePrefix4,
  parsePrefix6,
  formatPrefix4,
  formatPrefix6,
  contains4,
  contains6,
  covers6,
  overlaps6,
  prefixEqual6,
  type Prefix4,
  type Prefix6,
  type PrefixParseOptions,
} from './prefix.js';
export {
  embedIPv4,
  extractIPv4,
  embed4,
  extract4,
  parseRfc6052Prefix,
  isRfc6052Length,
  isWellKnownPrefix,
  RFC6052_LENGTHS,
  WELL_KNOWN_PREFIX,
} from './rfc6052.js';
export { NON_GLOBAL_IPV4, isGlobalIPv4, nonGlobalBlock, type SpecialBlock4 } from './special.js';
export { AddressPlan, type PlanSpec } from './plan.js';
export { checkEamEntry, type EamEntry } from './eam.js';
export {
  TenantTable,
  RULE_NONE,
  RULE_PREFIX,
  RULE_EAM,
  RULE_PLAT,
  RULE_NAMES,
  type RuleName,
  type DecodeResult,
  type TenantInfo,
  type TenantSpec,
  type TenantsSpec,
} from './table.js';
export {
  tenantSchema,
  planSchema,
  tenantsConfigSchema,
  eamSchema,
  rfc6052PrefixSchema,
  ipv4PrefixSchema,
  ipv6PrefixSchema,
  zodToXlat,
  addXlatIssue,
  formatPath,
  isLinuxIfname,
  TENANT_NAME_RE,
  type TenantsConfig,
} from './schema.js';

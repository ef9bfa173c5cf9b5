/**
 * Reading a configuration file: JSON or YAML by extension, checked by the schema, then by the
 * tenant table's own rules (no overlapping prefixes, unique names, ...). Every refusal is an
 * XlatError naming the field path and the value; nothing here half-applies a configuration.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { parseIPv4, parseIPv6, parsePrefix4, parsePrefix6, TenantTable, zodToXlat } from '../address/index.js';
import { XlatError, show } from '../errors.js';
import { HAIRPIN_INTRINSIC, HAIRPIN_OFF, HAIRPIN_SIMPLE, type TranslatorOptions } from '../translate/options.js';
import { configSchema, type Config, type TranslatorConfig } from './schema.js';

/** A configuration that passed every check, with what the packet path needs built from it. */
export interface LoadedConfig {
  /** The checked file, defaults filled in; `translator` values as written, tenants parsed by the address schema. */
  readonly config: Config;
  readonly table: TenantTable;
  readonly translator: TranslatorOptions;
}

/**
 * Check a configuration object (already parsed from JSON or YAML).
 * @throws XlatError (`ERR_XLAT_BAD_CONFIG` and the address library's codes) naming the field path and value.
 * @example
 *   const { table } = checkConfig({ translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' },
 *                                   tenants: [{ name: 'blue', prefix: 'fd00:64:1::/64' }] });
 */
export function checkConfig(input: unknown): LoadedConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) throw zodToXlat(result.error, input);
  const config = result.data;
  const table = TenantTable.fromParsed({ tenants: config.tenants, plan: config.plan });
  return { config, table, translator: resolveTranslator(config.translator) };
}

/**
 * Read and check a configuration file. `.json` is JSON; `.yaml`/`.yml` is YAML; anything else is refused.
 * @throws XlatError `ERR_XLAT_CONFIG_READ` (the file), `ERR_XLAT_CONFIG_SYNTAX` (with line and column), or a field error.
 */
export function loadConfig(file: string): LoadedConfig {
  return checkConfig(readConfigFile(file));
}

/** Parse a configuration file into a plain object without checking it. */
export function readConfigFile(file: string): unknown {
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new XlatError('ERR_XLAT_CONFIG_READ', `expected a .json, .yaml or .yml file, got ${show(file)}`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new XlatError('ERR_XLAT_CONFIG_READ', `cannot read ${show(file)}: ${code}`);
  }
  if (ext === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new XlatError('ERR_XLAT_CONFIG_SYNTAX', `${file}: invalid JSON: ${(e as Error).message}`);
    }
  }
  try {
    // YAML 1.2 core schema: none of YAML 1.1's surprises (`on` as true, `010` as octal 8) and no custom tags.
    return parseYaml(text, { schema: 'core', prettyErrors: true, uniqueKeys: true }) as unknown;
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      const where = at ? ` at line ${at.line}, column ${at.col}` : '';
      throw new XlatError('ERR_XLAT_CONFIG_SYNTAX', `${file}: invalid YAML${where}: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
}

/** Turn the `translator:` section into the numbers and bytes the packet path uses. */
export function resolveTranslator(t: TranslatorConfig): TranslatorOptions {
  const ipv4 = parseIPv4(t.ipv4);
  const ipv6 = parseIPv6(t.ipv6);
  const p4 = t.rfc6791v4 === null ? { addr: ipv4, len: 32 } : parsePrefix4(t.rfc6791v4);
  const p6 = t.rfc6791v6 === null ? { bytes: ipv6, len: 128 } : parsePrefix6(t.rfc6791v6);
  return {
    ipv4,
    ipv6,
    ipv4Mtu: t.ipv4Mtu,
    ipv6Mtu: t.ipv6Mtu,
    lowestIpv6Mtu: t.lowestIpv6Mtu,
    amendUdpZeroChecksum: t.amendUdpZeroChecksum,
    rfc6791v4Addr: p4.addr,
    rfc6791v4Len: p4.len,
    rfc6791v6Addr: p6.bytes,
    rfc6791v6Len: p6.len,
    eamHairpin: t.eamHairpin === 'off' ? HAIRPIN_OFF : t.eamHairpin === 'simple' ? HAIRPIN_SIMPLE : HAIRPIN_INTRINSIC,
    copyTrafficClass: t.trafficClass === 'copy',
    tos: t.tos === 'copy' ? -1 : t.tos,
    mtuPlateaus: t.mtuPlateaus,
  };
}

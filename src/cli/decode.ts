/** `xlat464 decode`: which tenant and which IPv4 address an IPv6 address carries, by arithmetic alone. */
import type { Command } from 'commander';
import { EXIT_BAD_INPUT, EXIT_NO_ANSWER, EXIT_OK, errorLine, tableFrom } from './common.js';

interface DecodeOptions {
  config?: string;
  plan?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('decode')
    .description('print tenant, IPv4 address and rule (prefix, eam, plat) for each IPv6 address, or "not ours"')
    .option('--config <file>', 'configuration file (.yaml, .yml or .json)')
    .option('--plan <plan>', 'an address plan instead of a config: DOMAIN/LEN+TENANTBITS, e.g. fd00:64::/48+16')
    .option('--json', 'one JSON object per line: {"ipv6","tenant","ipv4","rule"}')
    .argument('<ipv6...>', 'IPv6 addresses')
    .action((addresses: string[], opts: DecodeOptions) => {
      process.exitCode = decode(addresses, opts, (line) => process.stdout.write(line + '\n'), (line) => process.stderr.write(line + '\n'));
    });
}

/**
 * Decode each address; returns the exit code (1 when some address is not ours).
 * Text: `tenant=blue ipv4=10.0.0.1 rule=prefix`; an address no tenant owns prints `tenant=- ipv4=- rule=none`;
 * a PLAT prefix shared by several tenants prints `tenant=blue,red`, since the address alone cannot say which.
 */
export function decode(addresses: string[], opts: DecodeOptions, out: (line: string) => void, err: (line: string) => void): number {
  const table = tableFrom(opts);
  let code = EXIT_OK;
  for (const ipv6 of addresses) {
    let d;
    try {
      d = table.decode(ipv6);
    } catch (e) {
      err(errorLine(e));
      code = EXIT_BAD_INPUT;
      continue;
    }
    if (d === null) code = Math.max(code, EXIT_NO_ANSWER);
    const tenant = d === null ? null : d.tenant ?? null;
    const shared = d?.tenants;
    if (opts.json) {
      out(JSON.stringify({ ipv6, tenant, ...(shared ? { tenants: shared } : {}), ipv4: d?.ipv4 ?? null, rule: d?.rule ?? null }));
    } else {
      const who = tenant ?? (shared ? shared.join(',') : '-');
      out(`tenant=${who} ipv4=${d?.ipv4 ?? '-'} rule=${d?.rule ?? 'none'}`);
    }
  }
  return code;
}

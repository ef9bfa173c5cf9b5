/** `xlat464 encode`: a tenant's IPv4 addresses as the IPv6 addresses that carry them on the fabric. */
import type { Command } from 'commander';
import { XlatError } from '../errors.js';
import { EXIT_BAD_INPUT, EXIT_NO_ANSWER, EXIT_OK, errorLine, tableFrom } from './common.js';

interface EncodeOptions {
  config?: string;
  plan?: string;
  tenant: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('encode')
    .description("print the IPv6 address that carries each IPv4 address of a tenant (RFC 6052, EAM RFC 7757, PLAT RFC 6877)")
    .option('--config <file>', 'configuration file (.yaml, .yml or .json)')
    .option('--plan <plan>', 'an address plan instead of a config: DOMAIN/LEN+TENANTBITS, e.g. fd00:64::/48+16 (tenants are named by id)')
    .requiredOption('--tenant <name>', 'tenant name (with --plan: the tenant id)')
    .option('--json', 'one JSON object per line: {"tenant","ipv4","ipv6","rule"}')
    .argument('<ipv4...>', 'IPv4 addresses, dotted quad')
    .action((addresses: string[], opts: EncodeOptions) => {
      process.exitCode = encode(addresses, opts, (line) => process.stdout.write(line + '\n'), (line) => process.stderr.write(line + '\n'));
    });
}

/** Encode each address; returns the exit code. Errors for one address do not stop the others. */
export function encode(addresses: string[], opts: EncodeOptions, out: (line: string) => void, err: (line: string) => void): number {
  const table = tableFrom(opts);
  let code = EXIT_OK;
  for (const ipv4 of addresses) {
    try {
      const ipv6 = table.encode(opts.tenant, ipv4);
      if (opts.json) {
        const d = table.decode(ipv6);
        out(JSON.stringify({ tenant: opts.tenant, ipv4, ipv6, rule: d?.rule ?? null }));
      } else {
        out(ipv6);
      }
    } catch (e) {
      err(errorLine(e));
      const noAnswer = e instanceof XlatError && e.code === 'ERR_XLAT_NO_MAPPING';
      code = Math.max(code, noAnswer ? EXIT_NO_ANSWER : EXIT_BAD_INPUT);
    }
  }
  return code;
}

#!/usr/bin/env node
/** The `xlat464` command: one file per subcommand in this folder. */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { register as registerDecode } from './decode.js';
import { register as registerEncode } from './encode.js';
import { register as registerTranslate } from './translate.js';
import { register as registerRun } from './run.js';
import { register as registerPcap } from './pcap.js';
import { EXIT_BAD_INPUT, errorLine } from './common.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

function buildProgram(): Command {
  const program = new Command('xlat464')
    .description('stateless IPv4/IPv6 translation for overlapping tenants (RFC 7915, RFC 6052, RFC 6877, RFC 7757)')
    .version(version)
    .showHelpAfterError()
    .exitOverride();
  registerEncode(program);
  registerDecode(program);
  registerTranslate(program);
  registerPcap(program);
  registerRun(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    process.stderr.write(errorLine(e) + '\n');
    process.exitCode = EXIT_BAD_INPUT;
  }
}

await main(process.argv);

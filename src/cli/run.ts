/**
 * `xlat464 run --config FILE`: the sidecar daemon (src/service). `--check-config FILE` checks a
 * file and prints the plan without opening anything.
 *
 * Signals: SIGTERM and SIGINT stop within a second and exit 0 (devices stay unless
 * --remove-devices); SIGHUP reloads the file (a bad file is refused and logged, the running
 * configuration stays). Exit 2: bad usage or configuration; 1: the daemon could not start
 * (device or listen error, logged with its code).
 */
import type { Command } from 'commander';
import { LOG_LEVELS } from '../config/schema.js';
import { XlatError, show } from '../errors.js';
import { Daemon } from '../service/daemon.js';
import { createLogger } from '../service/logger.js';
import { describePlan, planFromFile } from '../service/plan.js';
import { EXIT_BAD_INPUT, EXIT_NO_ANSWER, EXIT_OK, errorLine } from './common.js';

interface RunOptions {
  config?: string;
  checkConfig?: string;
  logLevel?: string;
  removeDevices?: boolean;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run the translator daemon: one worker thread per TUN device, metrics, SIGHUP reload')
    .option('--config <file>', 'configuration file (.yaml, .yml or .json)')
    .option('--check-config <file>', 'check the file, print the plan (tenants, prefixes, devices) and exit')
    .option('--log-level <level>', `log level, overrides log.level (${LOG_LEVELS.join(', ')})`)
    .option('--remove-devices', 'at stop, clear TUNSETPERSIST so the TUN interfaces are deleted')
    .action(async (opts: RunOptions) => {
      process.exitCode = await run(opts);
    });
}

async function run(opts: RunOptions): Promise<number> {
  if (opts.checkConfig !== undefined) {
    try {
      const plan = planFromFile(opts.checkConfig);
      process.stdout.write(`${opts.checkConfig}: OK\n${describePlan(plan)}`);
      return EXIT_OK;
    } catch (e) {
      process.stderr.write(errorLine(e) + '\n');
      return EXIT_BAD_INPUT;
    }
  }
  let plan;
  try {
    if (opts.config === undefined) throw new XlatError('ERR_XLAT_USAGE', 'give --config FILE (or --check-config FILE)');
    if (opts.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(opts.logLevel)) {
      throw new XlatError('ERR_XLAT_USAGE', `expected one of ${LOG_LEVELS.join(', ')}, got ${show(opts.logLevel)}`, '--log-level');
    }
    plan = planFromFile(opts.config);
  } catch (e) {
    process.stderr.write(errorLine(e) + '\n');
    return EXIT_BAD_INPUT;
  }
  const log = createLogger(opts.logLevel ?? plan.loaded.config.log.level);
  const daemon = new Daemon({ configFile: opts.config, logger: log, removeDevices: opts.removeDevices === true });
  let stopping: Promise<void> | undefined;
  let reloads = Promise.resolve();
  const stop = (signal: string): void => {
    if (stopping) return;
    log.info({ signal }, 'stopping');
    stopping = daemon.stop().finally(() => process.exit(EXIT_OK));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    log.info({ signal: 'SIGHUP' }, 'reloading');
    reloads = reloads.then(async () => {
      if (!stopping) await daemon.reload();
    });
  });
  try {
    await daemon.start(plan);
  } catch (e) {
    const err = e as Error & { code?: string };
    log.fatal({ code: err.code ?? 'EIO' }, `cannot start: ${err.message}`);
    await daemon.stop().catch(() => undefined);
    return EXIT_NO_ANSWER;
  }
  // Keep running: the workers and the metrics server hold the event loop; signals end it.
  return EXIT_OK;
}

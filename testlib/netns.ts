/**
 * The reference topology (scripts/topology.sh) for end-to-end tests: build it, run commands and
 * processes inside its namespaces, and tear everything down, also on failure.
 *
 * The shell script is the one description of the layout (the demo and the README use it too);
 * this module only runs it and reads the names and addresses it writes to topology.env.
 * Every process started through {@link Topology.spawn} is killed by {@link Topology.down}.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Package root: dist/testlib/netns.js and testlib/netns.ts are both two levels down. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/dist\/$/, '/');
const SCRIPT = `${ROOT}scripts/topology.sh`;
/** The CLI entry, built. */
export const CLI = `${ROOT}dist/src/cli/main.js`;
/** testlib helpers run as processes inside namespaces. */
export const TRAFFIC = `${ROOT}dist/testlib/traffic.js`;

/** A reason to skip the e2e tests, or false when they can run. node:test skips on any string. */
export function e2eSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root: namespaces, veths and TUN devices need CAP_NET_ADMIN';
  if (!existsSync('/dev/net/tun')) return 'needs /dev/net/tun (modprobe tun)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return 'needs iproute2 with netns support';
  }
  return false;
}

export type Host = 'A' | 'B';
export type Tenant = 'blue' | 'red';

/** A background process inside a namespace, with its output collected. */
export interface NsProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout line matching `re` (or rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export class Topology {
  readonly env: Record<string, string>;
  private readonly procs: NsProcess[] = [];

  private constructor(
    readonly suffix: string,
    readonly state: string,
  ) {
    this.env = Object.fromEntries(
      readFileSync(`${state}/topology.env`, 'utf8')
        .split('\n')
        .filter((l) => /^[A-Za-z_0-9]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  }

  /** Builds the topology with this suffix (removing a leftover one first); `io` goes into the daemons' configuration. */
  static up(suffix: string, io?: { offload: boolean; queues: number; busyPoll?: number }): Topology {
    Topology.down(suffix);
    const ioEnv =
      io === undefined ? {} : { XL_OFFLOAD: String(io.offload), XL_QUEUES: String(io.queues), ...(io.busyPoll === undefined ? {} : { XL_BUSY_POLL: String(io.busyPoll) }) };
    const state = execFileSync('bash', [SCRIPT, 'up', suffix], { encoding: 'utf8', env: { ...process.env, XL_QUIET: '1', ...ioEnv } }).trim();
    return new Topology(suffix, state);
  }

  /** Removes namespaces, devices, processes and files of this suffix; never throws. */
  static down(suffix: string): void {
    try {
      execFileSync('bash', [SCRIPT, 'down', suffix], { stdio: 'ignore' });
    } catch {
      // best effort: a failed teardown must not hide the test's own failure
    }
  }

  /** Kills the processes this object started, then removes the topology. */
  down(): void {
    for (const p of this.procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }
    Topology.down(this.suffix);
  }

  hostNs(h: Host): string {
    return this.env[`XL_HOST${h}`]!;
  }
  workloadNs(t: Tenant | string, h: Host): string {
    return this.env[`XL_NS_${t}_${h}`]!;
  }
  /** The IPv6 address that carries tenant t's workload on host h (from `xlat464 encode`). */
  v6(t: Tenant, h: Host): string {
    return this.env[`XL_V6_${t}_${h}`]!;
  }
  v4(h: Host): string {
    return this.env[`XL_WORKLOAD_V4_${h}`]!;
  }
  config(h: Host): string {
    return this.env[`XL_CONFIG_${h}`]!;
  }

  /** Runs a command in a namespace and returns its stdout; throws with stderr on failure. */
  exec(ns: string, cmd: string, args: string[], timeoutMs = 20000): string {
    return execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Runs a command in a namespace; resolves with exit code and output, never rejects on exit code. */
  run(ns: string, cmd: string, args: string[], timeoutMs = 20000): Promise<{ code: number | string; stdout: string; stderr: string }> {
    const p = this.spawn(ns, cmd, args);
    const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
    return p.exited.then((code) => {
      clearTimeout(timer);
      return { code, stdout: p.stdout(), stderr: p.stderr() };
    });
  }

  /** Starts a background process in a namespace; killed by down(). */
  spawn(ns: string, cmd: string, args: string[]): NsProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      for (const w of [...waiters]) {
        const line = out.split('\n').find((l) => w.re.test(l));
        if (line !== undefined) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
    const p: NsProcess = {
      child,
      stdout: () => out,
      stderr: () => err,
      exited,
      waitFor: (re, timeoutMs = 10000) =>
        new Promise<string>((resolve, reject) => {
          const line = out.split('\n').find((l) => re.test(l));
          if (line !== undefined) return resolve(line);
          const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
          void exited.then((code) => {
            clearTimeout(timer);
            reject(new Error(`process exited (${code}) before a line matching ${re}; stdout:\n${out}\nstderr:\n${err}`));
          });
          waiters.push({
            re,
            resolve: (l) => {
              clearTimeout(timer);
              resolve(l);
            },
          });
        }),
    };
    this.procs.push(p);
    return p;
  }

  /** Runs a testlib/traffic.ts subcommand in a namespace, in the background. */
  traffic(ns: string, ...args: string[]): NsProcess {
    return this.spawn(ns, process.execPath, [TRAFFIC, ...args]);
  }

  /** Starts the daemon on host h and waits for its "ready" log line. */
  async startDaemon(h: Host, config = this.config(h), timeoutMs = 15000): Promise<NsProcess> {
    const d = this.spawn(this.hostNs(h), process.execPath, [CLI, 'run', '--config', config]);
    await d.waitFor(/"msg":"ready"/, timeoutMs);
    return d;
  }

  /** GET http://LISTEN/metrics from inside host h's namespace (each host has its own loopback). */
  metrics(h: Host): string {
    return this.exec(this.hostNs(h), process.execPath, [TRAFFIC, 'http-get', `http://${this.env.XL_METRICS}/metrics`]);
  }
}

/** A suffix unique to this process (namespace names stay short). */
export function uniqueSuffix(tag: string): string {
  return `${tag}${process.pid % 100000}`;
}

/**
 * Soak test of the daemon on the two-host reference layout (scripts/topology.sh), on demand, not
 * in CI. Needs root. Usage:
 *
 *   sudo node dist/bench/soak.js [--minutes 10] [--reload-every 30] [--restart-every 180]
 *                                [--sample-every 2] [--warmup 20] [--bytes 4194304] [--pps 2000]
 *
 * For the whole run, in both tenants and both directions: back-to-back TCP transfers of --bytes,
 * each checked against the receiver's SHA-256, and --pps UDP datagrams/s, every stream and
 * datagram starting with its tenant's marker. Every --reload-every seconds both daemons get a
 * SIGHUP, the file alternating between the layout's configuration and one with a third tenant
 * (green: one more TUN and worker opened, then closed again); every --restart-every seconds host
 * A's daemon is stopped (SIGTERM) and started again. Every --sample-every seconds each daemon's
 * VmRSS and open fds (/proc/PID/status, /proc/PID/fd) are recorded.
 *
 * Prints one JSON report on stdout: per daemon process and per host (over its processes, after
 * the first one's warm-up) [start, peak, end] of VmRSS in KiB and of fds, whatever configuration; the traffic totals; and
 * why it failed, if it did. Progress goes to stderr.
 *
 * Fails (exit 1) when, for any daemon process: after its first --warmup seconds, its last sample
 * of VmRSS or of fds exceeds its first by more than 20 %, both taken under the same configuration
 * (green adds a device fd and a worker thread); or when any datagram or stream reached
 * the other tenant's receiver, a daemon counted 64.cross-tenant, a transfer's hash differed, or a
 * daemon logged at level >= 50 (error).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Topology, type Host, type NsProcess, type Tenant } from '../testlib/netns.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'reload-every': { type: 'string', default: '30' },
    'restart-every': { type: 'string', default: '180' },
    'sample-every': { type: 'string', default: '2' },
    warmup: { type: 'string', default: '20' },
    bytes: { type: 'string', default: String(4 << 20) },
    pps: { type: 'string', default: '2000' },
    suffix: { type: 'string', default: 'soak' },
  },
});
const num = (k: keyof typeof values): number => {
  const v = Number(values[k]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k}: expected a positive number, got ${values[k]}`);
  return v;
};
const DURATION_MS = num('minutes') * 60_000;
const RELOAD_MS = num('reload-every') * 1000;
const RESTART_MS = num('restart-every') * 1000;
const SAMPLE_MS = num('sample-every') * 1000;
const WARMUP_MS = num('warmup') * 1000;
const GROWTH = 0.2;
const MARKERS: Record<Tenant, string> = { blue: 'XL-BLUE-', red: 'XL-RED--' };
const HOSTS: Host[] = ['A', 'B'];
const TENANTS: Tenant[] = ['blue', 'red'];
const PORT = '24000';

interface Sample {
  t: number;
  rssKiB: number;
  fds: number;
  /** Which configuration was in force: 0 the layout's, 1 with green. */
  phase: number;
}
interface Life {
  host: Host;
  pid: number;
  proc: NsProcess;
  startedAt: number;
  samples: Sample[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (o: Record<string, unknown>): void => void process.stderr.write(`soak ${JSON.stringify(o)}\n`);

function status(pid: number): { rssKiB: number; fds: number } | undefined {
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { rssKiB: Number(rss?.[1] ?? 0), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined; // exited between the check and the read
  }
}

/** Sum of the series in host h's metrics starting with `prefix` (0 when the daemon is down). */
function metric(topo: Topology, h: Host, prefix: string): number {
  let sum = 0;
  try {
    for (const l of topo.metrics(h).split('\n')) if (l.startsWith(prefix)) sum += Number(l.slice(l.lastIndexOf(' ') + 1));
  } catch {
    // not serving (restarting)
  }
  return sum;
}

/** Start, peak and end of VmRSS (KiB) and open fds over the samples taken at or after `from`. */
function summarize(samples: Sample[], from: number): { rssKiB: number[]; fds: number[] } | undefined {
  const s = samples.filter((x) => x.t >= from);
  if (s.length === 0) return undefined;
  const spe = (k: 'rssKiB' | 'fds'): number[] => [s[0]![k], Math.max(...s.map((x) => x[k])), s[s.length - 1]![k]];
  return { rssKiB: spe('rssKiB'), fds: spe('fds') };
}

/**
 * Growth failures of one series after warm-up: first vs last sample taken under the configuration
 * of the last one (green brings one more device fd and a worker thread, about 20 MB of RSS).
 */
function growth(samples: Sample[], from: number, what: string): string[] {
  const s = samples.filter((x) => x.t >= from);
  const out: string[] = [];
  if (s.length < 2) return out;
  const last = s[s.length - 1]!;
  const same = s.filter((x) => x.phase === last.phase);
  const first = same[0]!;
  if (same.length < 2) return out;
  if (last.rssKiB > first.rssKiB * (1 + GROWTH)) out.push(`${what}: VmRSS ${first.rssKiB} -> ${last.rssKiB} KiB (> +20 %, same configuration)`);
  if (last.fds > first.fds * (1 + GROWTH)) out.push(`${what}: fds ${first.fds} -> ${last.fds} (> +20 %, same configuration)`);
  return out;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (namespaces, veths, TUN devices)');
  const t0 = Date.now();
  const topo = Topology.up(values.suffix!);
  const lives: Life[] = [];
  const current: Partial<Record<Host, Life>> = {};
  let phase = 0;
  let crossTenant = 0;
  const failures: string[] = [];
  try {
    const configs = Object.fromEntries(
      HOSTS.map((h) => {
        const base = readFileSync(topo.config(h), 'utf8');
        return [h, [base, base.replace('fabric:', '  - { name: green, id: 3, tun: xlat-green }\nfabric:')]];
      }),
    ) as Record<Host, [string, string]>;

    const start = async (h: Host): Promise<void> => {
      const proc = await topo.startDaemon(h);
      const pid = proc.child.pid!;
      // `ip netns exec` execs the command: the child's pid is the daemon's.
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('main.js')) throw new Error(`pid ${pid} is not the daemon`);
      const life: Life = { host: h, pid, proc, startedAt: Date.now(), samples: [] };
      lives.push(life);
      current[h] = life;
    };
    for (const h of HOSTS) await start(h);

    const servers: NsProcess[] = [];
    const senders: NsProcess[] = [];
    for (const h of HOSTS) for (const t of TENANTS) servers.push(topo.traffic(topo.workloadNs(t, h), 'soak-serve', PORT, MARKERS[t]));
    await Promise.all(servers.map((s) => s.waitFor(/"ready"/)));
    for (const h of HOSTS) {
      const other: Host = h === 'A' ? 'B' : 'A';
      for (const t of TENANTS) senders.push(topo.traffic(topo.workloadNs(t, h), 'soak-send', topo.v4(other), PORT, MARKERS[t], values.bytes!, values.pps!));
    }
    await Promise.all(senders.map((s) => s.waitFor(/"ready"/)));
    log({ started: true, suffix: values.suffix, minutes: num('minutes'), reloadEvery: num('reload-every'), restartEvery: num('restart-every') });

    let nextReload = Date.now() + RELOAD_MS;
    let nextRestart = Date.now() + RESTART_MS;
    let nextSample = Date.now();
    let reloads = 0;
    let restarts = 0;
    while (Date.now() - t0 < DURATION_MS) {
      const now = Date.now();
      if (now >= nextSample) {
        nextSample += SAMPLE_MS;
        for (const life of Object.values(current)) {
          const st = status(life.pid);
          if (st) life.samples.push({ t: now, ...st, phase });
        }
      }
      if (now >= nextReload) {
        nextReload += RELOAD_MS;
        phase = 1 - phase;
        for (const h of HOSTS) writeFileSync(topo.config(h), configs[h][phase]!);
        for (const h of HOSTS) current[h]!.proc.child.kill('SIGHUP');
        reloads++;
        log({ reload: reloads, phase, t: Math.round((now - t0) / 1000) });
      }
      if (now >= nextRestart) {
        nextRestart += RESTART_MS;
        const old = current.A!;
        crossTenant += metric(topo, 'A', 'xlat464_drops_total{reason="64.cross-tenant"');
        old.proc.child.kill('SIGTERM');
        const code = await old.proc.exited;
        if (code !== 0) failures.push(`daemon A pid ${old.pid} exited with ${code} on SIGTERM`);
        await start('A');
        restarts++;
        log({ restart: restarts, oldPid: old.pid, newPid: current.A!.pid, t: Math.round((Date.now() - t0) / 1000) });
      }
      await sleep(Math.max(0, Math.min(nextSample, nextReload, nextRestart) - Date.now()));
    }

    // Totals from the traffic processes, then the daemons' counters and logs.
    for (const p of [...senders, ...servers]) p.child.kill('SIGTERM');
    await Promise.all([...senders, ...servers].map((p) => p.exited));
    const last = (p: NsProcess): Record<string, unknown> => JSON.parse(p.stdout().trim().split('\n').pop()!) as Record<string, unknown>;
    const sent = senders.map(last);
    const recv = servers.map(last);
    for (const h of HOSTS) crossTenant += metric(topo, h, 'xlat464_drops_total{reason="64.cross-tenant"');
    const wrongTenant = recv.reduce((n, r) => n + Number(r.tcpWrongTenant) + Number(r.udpWrongTenant), 0);
    const mismatches = sent.reduce((n, s) => n + Number(s.hashMismatches), 0);
    const errorLines = lives.flatMap((l) =>
      l.proc
        .stdout()
        .split('\n')
        .filter((line) => /"level":(5\d|6\d)/.test(line))
        .map((line) => `A/B ${l.host} pid ${l.pid}: ${line}`),
    );
    for (const h of HOSTS) current[h]!.proc.child.kill('SIGTERM');
    await Promise.all(HOSTS.map((h) => current[h]!.proc.exited));

    const report = {
      seconds: Math.round((Date.now() - t0) / 1000),
      reloads,
      restarts,
      processes: lives.map((l) => ({
        host: l.host,
        pid: l.pid,
        samples: l.samples.length,
        seconds: Math.round(((l.samples.at(-1)?.t ?? l.startedAt) - l.startedAt) / 1000),
        // [start, peak, end]
        lifetime: summarize(l.samples, 0),
        afterWarmup: summarize(l.samples, l.startedAt + WARMUP_MS),
      })),
      overall: Object.fromEntries(
        HOSTS.map((h) => {
          const ls = lives.filter((l) => l.host === h);
          return [h, summarize(ls.flatMap((l) => l.samples), ls[0]!.startedAt + WARMUP_MS)];
        }),
      ),
      traffic: { sent, received: recv },
      tcpMiB: Math.round(sent.reduce((n, s) => n + Number(s.tcpBytes), 0) / 1048576),
      wrongTenantDeliveries: wrongTenant,
      crossTenantDrops: crossTenant,
      hashMismatches: mismatches,
      errorLogLines: errorLines,
    };
    for (const l of lives) failures.push(...growth(l.samples, l.startedAt + WARMUP_MS, `${l.host} pid ${l.pid}`));
    if (wrongTenant > 0) failures.push(`${wrongTenant} deliveries to the wrong tenant`);
    if (crossTenant > 0) failures.push(`${crossTenant} 64.cross-tenant drops`);
    if (mismatches > 0) failures.push(`${mismatches} TCP transfers with a wrong SHA-256`);
    if (errorLines.length > 0) failures.push(`${errorLines.length} daemon log lines at level >= 50`);
    process.stdout.write(JSON.stringify({ ...report, failures }, null, 1) + '\n');
    process.exitCode = failures.length > 0 ? 1 : 0;
  } finally {
    topo.down();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`soak: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 2;
});

/**
 * The daemon's main thread: opens the TUN devices, starts one worker per device, serves metrics,
 * logs, reloads on request and stops. It moves no packets (see DESIGN.md).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { TunDevice } from '../io/index.js';
import { CounterBlock, CounterTotals } from './counters.js';
import type { DeviceHandle } from './fd-device.js';
import type { FromWorker, ToWorker, WorkerInit } from './messages.js';
import { DaemonMetrics, serveMetrics } from './metrics.js';
import { planFromFile, type DaemonPlan } from './plan.js';
import { dropPrivileges, resolveUser } from './privileges.js';

/** An open device as the daemon needs it: the fd workers use, and its life cycle. */
export interface OpenDevice {
  readonly name: string;
  readonly fd: number;
  readonly mtu: number;
  /** Opened with IFF_VNET_HDR (io.offload). */
  readonly vnetHdr?: boolean;
  /** Takes UDP GSO writes (Device.uso). */
  readonly uso?: boolean;
  setPersist(on: boolean): void;
  close(): void;
  /** TUNSETOWNER/TUNSETGROUP, when the addon has them. */
  setOwner?(uid: number, gid: number): void;
}

export interface DaemonOptions {
  configFile: string;
  logger: Logger;
  /** Clear TUNSETPERSIST before closing at stop, so the interfaces go away. */
  removeDevices?: boolean;
  /**
   * How a device's queue is opened; default TunDevice.open(name, { create, persist, up,
   * multiQueue, offload }) as `io:` says. Tests pass FIFOs.
   */
  openDevice?: (name: string, io: IoPlan) => OpenDevice;
  /** Use the WASM checksum arena in workers (default true). */
  wasm?: boolean;
  /** Serve metrics (default true). */
  serveMetrics?: boolean;
  /** Milliseconds to wait for a worker to stop before terminating it. */
  stopTimeoutMs?: number;
}

/** `io:` resolved: offloads on or off, queues (= workers) per device. */
export interface IoPlan {
  readonly offload: boolean;
  readonly queues: number;
  readonly uring: boolean;
  /** Busy poll before each wait, microseconds (0: sleep at once). */
  readonly busyPoll: number;
  /** Which queue of the device this open is (0 first). */
  readonly queue: number;
}

interface Running {
  /** This worker's queue of the device (the device name is `dev.name`). */
  readonly dev: OpenDevice;
  readonly queue: number;
  readonly worker: Worker;
  readonly exited: Promise<void>;
  /** Counter block of the generation the worker runs, and that generation's tenant names. */
  block: CounterBlock;
  blockGen: number;
  names: readonly string[];
  /** Blocks of earlier generations the worker may still write until it acknowledges the new one. */
  pending: { gen: number; block: CounterBlock; names: readonly string[] }[];
  acks: Map<number, () => void>;
  /** Asked to stop: its exit is expected. */
  stopping: boolean;
  /** WorkerInit.mail: counts the messages posted to the worker. */
  readonly mail: Int32Array;
}

/** Posts `msg` to the worker and raises its mail count, which it looks at between batches. */
function tell(r: Running, msg: ToWorker): void {
  r.worker.postMessage(msg);
  Atomics.add(r.mail, 0, 1);
}

/**
 * Opens one queue. A device is created multi-queue when more than one queue is wanted; an existing
 * device must match (the kernel refuses IFF_MULTI_QUEUE either way with EINVAL), except that one
 * queue of a multi-queue device is fine, so EINVAL with one queue is retried multi-queue.
 */
function defaultOpen(name: string, io: IoPlan): OpenDevice {
  const base = { create: true, persist: true, up: true, offload: io.offload };
  try {
    return TunDevice.open(name, { ...base, multiQueue: io.queues > 1 });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code !== 'EINVAL') throw err;
    if (io.queues === 1) return TunDevice.open(name, { ...base, multiQueue: true });
    err.message += ` (io.queues is ${io.queues}: the device exists single-queue; delete it with "ip link del ${name}" or set io.queues: 1)`;
    throw err;
  }
}

/** The `io:` section as the daemon runs it. */
export function ioPlan(config: DaemonPlan['loaded']['config']): Omit<IoPlan, 'queue'> {
  const io = config.io;
  return { offload: io.offload, queues: io.queues ?? availableParallelism(), uring: io.uring, busyPoll: io.busyPoll };
}

function handlesOf(devs: readonly OpenDevice[], { uring, busyPoll }: Omit<IoPlan, 'queue'>): DeviceHandle[] {
  const byName = new Map<string, DeviceHandle & { fds: number[] }>();
  for (const d of devs) {
    const h = byName.get(d.name);
    if (h === undefined) byName.set(d.name, { name: d.name, fd: d.fd, fds: [d.fd], mtu: d.mtu, vnetHdr: d.vnetHdr === true, uso: d.uso === true, uring, busyPoll });
    else h.fds.push(d.fd);
  }
  return [...byName.values()];
}

const keyOf = (name: string, queue: number): string => (queue === 0 ? name : `${name}#${queue}`);

export class Daemon {
  plan!: DaemonPlan;
  metrics: DaemonMetrics;
  private gen = 0;
  private readonly running = new Map<string, Running>();
  private readonly base = new CounterTotals();
  private server: Server | undefined;
  private stopping = false;
  private readonly log: Logger;
  /** The `user:` the daemon dropped to, whose uid and gid own every device it opens. */
  private user: { uid: number; gid: number } | undefined;
  /** `io:` as started; fixed for the life of the process. */
  private io: Omit<IoPlan, 'queue'> = { offload: false, queues: 1, uring: false, busyPoll: 0 };

  constructor(private readonly opts: DaemonOptions) {
    this.log = opts.logger;
    this.metrics = new DaemonMetrics(() => this.totals());
  }

  /** Counters of every generation so far, by tenant name. */
  totals(): CounterTotals {
    const t = new CounterTotals();
    t.addTotals(this.base);
    for (const r of this.running.values()) {
      t.addBlock(r.block, r.names);
      for (const p of r.pending) t.addBlock(p.block, p.names);
    }
    return t;
  }

  /** Check the file, open devices, drop privileges, start workers, serve metrics; logs "ready". */
  async start(plan: DaemonPlan = planFromFile(this.opts.configFile)): Promise<void> {
    this.plan = plan;
    const { config } = plan.loaded;
    const user = config.user === undefined ? undefined : resolveUser(config.user);
    const open = this.opts.openDevice ?? defaultOpen;
    const io = (this.io = ioPlan(config));
    const opened: OpenDevice[] = [];
    try {
      for (const d of plan.devices) for (let q = 0; q < io.queues; q++) opened.push(open(d.name, { ...io, queue: q }));
      if (this.opts.serveMetrics !== false) this.server = await serveMetrics(this.metrics, config.metrics.listen);
    } catch (e) {
      for (const d of opened) d.close();
      throw e;
    }
    if (user !== undefined) {
      // TUNSETOWNER/TUNSETGROUP before setuid: after a restart without root, this user (and, with
      // a device owned, no other unprivileged one) may attach to the persistent devices again.
      this.user = user;
      for (const d of opened) d.setOwner?.(user.uid, user.gid);
      dropPrivileges(user);
      this.log.info({ user: user.name, uid: user.uid, gid: user.gid }, 'dropped privileges');
    }
    const handles = handlesOf(opened, io);
    const ready: Promise<FromWorker>[] = [];
    opened.forEach((d, i) => ready.push(this.spawn(d, i % io.queues, handles)));
    const first = await Promise.all(ready);
    this.log.info(
      {
        gen: this.gen,
        devices: plan.devices.map((d, i) => ({ ...d, mtu: opened[i * io.queues]!.mtu })),
        tenants: plan.loaded.table.names,
        workers: this.running.size,
        offload: io.offload,
        queues: io.queues,
        uring: io.uring,
        busyPoll: io.busyPoll,
        metrics: this.server === undefined ? null : config.metrics.listen,
        wasm: first.every((m) => m.type === 'ready' && m.wasm),
      },
      'ready',
    );
  }

  private spawn(dev: OpenDevice, queue: number, handles: DeviceHandle[]): Promise<FromWorker> {
    const names = this.plan.loaded.table.names;
    const block = CounterBlock.create(names.length);
    const init: WorkerInit = {
      gen: this.gen,
      raw: this.plan.raw,
      devices: handles,
      sab: block.sab,
      tenants: names.length,
      self: dev.name,
      queue,
      wasm: this.opts.wasm !== false,
      mail: new SharedArrayBuffer(4),
    };
    const label = keyOf(dev.name, queue);
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init, name: `xlat464 ${label}` });
    let resolveReady!: (m: FromWorker) => void;
    let rejectReady!: (e: Error) => void;
    const readyP = new Promise<FromWorker>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const r: Running = { dev, queue, worker, exited, block, blockGen: this.gen, names, pending: [], acks: new Map(), stopping: false, mail: new Int32Array(init.mail) };
    this.running.set(label, r);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') resolveReady(m);
      else if (m.type === 'ack') {
        // The worker writes only the new block from now on: fold the old ones into the totals.
        for (const p of r.pending.filter((p) => p.gen < m.gen)) this.base.addBlock(p.block, p.names);
        r.pending = r.pending.filter((p) => p.gen >= m.gen);
        r.acks.get(m.gen)?.();
      } else if (m.type === 'error') {
        this.log.error({ code: m.code, device: m.device, op: m.op, worker: label }, m.message);
      }
    });
    worker.on('error', (err) => {
      this.log.error({ code: (err as { code?: string }).code ?? 'ERR_XLAT_WORKER', worker: label, err: err.message }, 'worker failed');
      rejectReady(err);
    });
    worker.once('exit', (code) => {
      this.base.addBlock(r.block, r.names);
      for (const p of r.pending) this.base.addBlock(p.block, p.names);
      r.pending = [];
      r.block = CounterBlock.create(0);
      if (!r.stopping) this.log.error({ code: 'ERR_XLAT_WORKER_EXIT', worker: label, exitCode: code }, 'worker exited');
      rejectReady(new Error(`worker ${label} exited with ${code}`));
    });
    return readyP;
  }

  /**
   * Re-read the configuration file. A file that does not check is refused and the running
   * configuration stays; a good one is posted to the workers that stay, new devices get opened and
   * their workers started, removed ones stopped (their interfaces left as they are).
   * @returns whether the new configuration is in force
   */
  async reload(): Promise<boolean> {
    let plan: DaemonPlan;
    try {
      plan = planFromFile(this.opts.configFile);
    } catch (e) {
      const err = e as Error & { code?: string; path?: string };
      this.metrics.reloads.inc({ outcome: 'error' });
      this.log.error({ code: err.code ?? 'ERR_XLAT_CONFIG', field: err.path || undefined, file: this.opts.configFile }, `reload refused: ${err.message}`);
      return false;
    }
    const io = ioPlan(plan.loaded.config);
    for (const k of ['offload', 'queues', 'uring', 'busyPoll'] as const) {
      if (io[k] !== this.io[k]) {
        this.metrics.reloads.inc({ outcome: 'error' });
        this.log.error(
          { code: 'ERR_XLAT_CONFIG', field: `io.${k}`, file: this.opts.configFile },
          `reload refused: io.${k} changes only with a restart (running ${this.io[k]}, file ${io[k]})`,
        );
        return false;
      }
    }
    const open = this.opts.openDevice ?? defaultOpen;
    const wanted = new Set(plan.devices.map((d) => d.name));
    const added: OpenDevice[] = [];
    try {
      for (const d of plan.devices) {
        if (this.running.has(d.name)) continue;
        for (let q = 0; q < io.queues; q++) added.push(open(d.name, { ...io, queue: q }));
      }
      if (this.user !== undefined) for (const d of added) d.setOwner?.(this.user.uid, this.user.gid);
    } catch (e) {
      for (const d of added) d.close();
      const err = e as Error & { code?: string };
      this.metrics.reloads.inc({ outcome: 'error' });
      this.log.error({ code: err.code ?? 'EIO', file: this.opts.configFile }, `reload refused: ${err.message}`);
      return false;
    }
    this.plan = plan;
    const gen = ++this.gen;
    const queues: OpenDevice[] = [];
    for (const d of plan.devices) {
      for (let q = 0; q < io.queues; q++) queues.push(this.running.get(keyOf(d.name, q))?.dev ?? added.find((a, i) => a.name === d.name && i % io.queues === q)!);
    }
    const handles = handlesOf(queues, io);
    const names = plan.loaded.table.names;
    const acks: Promise<void>[] = [];
    for (const r of this.running.values()) {
      if (!wanted.has(r.dev.name)) continue;
      const block = CounterBlock.create(names.length);
      r.pending.push({ gen: r.blockGen, block: r.block, names: r.names });
      r.block = block;
      r.blockGen = gen;
      r.names = names;
      acks.push(new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        r.acks.set(gen, () => (clearTimeout(t), r.acks.delete(gen), resolve()));
      }));
      const msg: ToWorker = { type: 'config', gen, raw: plan.raw, devices: handles, sab: block.sab, tenants: names.length };
      tell(r, msg);
    }
    const started = added.map((d, i) => this.spawn(d, i % io.queues, handles));
    await Promise.all([...acks, ...started]);
    // Only now is no worker left holding a removed device's fd: stop its worker, then close it.
    const removed = [...this.running].filter(([, r]) => !wanted.has(r.dev.name));
    await Promise.all(removed.map(([, r]) => this.stopOne(r)));
    for (const [key, r] of removed) {
      r.dev.close();
      this.running.delete(key);
    }
    this.metrics.reloads.inc({ outcome: 'ok' });
    const uniq = (l: string[]): string[] => [...new Set(l)];
    this.log.info(
      { gen, tenants: names, added: uniq(added.map((d) => d.name)), removed: uniq(removed.map(([, r]) => r.dev.name)), workers: this.running.size },
      'reloaded',
    );
    return true;
  }

  private async stopOne(r: Running): Promise<void> {
    r.stopping = true;
    tell(r, { type: 'stop' });
    const timeout = this.opts.stopTimeoutMs ?? 800;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((res) => (timer = setTimeout(() => res('late'), timeout)));
    if ((await Promise.race([r.exited, late])) === 'late') await r.worker.terminate();
    clearTimeout(timer);
  }

  /** Stop every worker (within a second), close the devices (removing them when asked), stop serving metrics. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running.values()].map((r) => this.stopOne(r)));
    for (const r of this.running.values()) {
      try {
        if (this.opts.removeDevices) r.dev.setPersist(false);
      } catch (e) {
        this.log.error({ code: (e as { code?: string }).code ?? 'EIO', device: r.dev.name }, (e as Error).message);
      }
      r.dev.close();
    }
    this.running.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
    this.log.info({ removedDevices: this.opts.removeDevices === true }, 'stopped');
  }
}

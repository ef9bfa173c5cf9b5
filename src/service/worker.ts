/**
 * A dataplane worker thread: one per TUN device. Runs Dataplane.runOnce in a synchronous loop and,
 * between batches, takes control messages with receiveMessageOnPort (config: switch to a new
 * generation; stop: return). It never yields to the event loop while running, so a readBatch
 * timeout (100 ms) bounds how long a stop or reload waits when no packets come; while they come,
 * the next batch boundary does. Whether there is mail it learns from a shared counter the main
 * thread raises after each post (WorkerInit.mail): an Atomics.load per batch, where a look at the
 * port takes a lock and a Date.now() allocates a heap number (a scavenge about every second at a
 * few hundred thousand packets per second, which is what the clock check it replaces cost).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { WasmChecksum } from '../checksum/index.js';
import { checkConfig } from '../config/index.js';
import type { Device } from '../io/index.js';
import { CounterBlock } from './counters.js';
import { Dataplane, plainMemory, wasmMemory, type PacketMemory } from './dataplane.js';
import { FdDevice } from './fd-device.js';
import type { FromWorker, ToWorker, WorkerConfig, WorkerInit } from './messages.js';

/** Milliseconds a readBatch waits for the first packet: the worst-case latency of a control message. */
export const READ_TIMEOUT_MS = 100;

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: FromWorker): void => port.postMessage(m);

const fds = new Map<number, FdDevice>();
/** This worker's queue of every device: its own reads it, the others are written through it. */
function setupFor(cfg: WorkerConfig): { devices: Map<string, Device>; counters: CounterBlock; loaded: ReturnType<typeof checkConfig> } {
  const devices = new Map<string, Device>();
  for (const h of cfg.devices) {
    const fd = h.fds[init.queue % h.fds.length]!;
    let d = fds.get(fd);
    if (d === undefined || d.name !== h.name) fds.set(fd, (d = new FdDevice(fd, h.name, h.mtu, h.vnetHdr, h.uring === true, h.busyPoll ?? 0, h.uso === true)));
    devices.set(h.name, d);
  }
  return { devices, counters: CounterBlock.over(cfg.sab, cfg.tenants), loaded: checkConfig(cfg.raw) };
}

const first = setupFor(init);
const self = first.devices.get(init.self)!;
let memory: PacketMemory = plainMemory;
let wasm = false;
if (init.wasm) {
  try {
    const cs = WasmChecksum.load({ memoryBytes: Dataplane.memoryFor(self.mtu, self.vnetHdr === true) + 64 * 1024 });
    memory = wasmMemory(cs);
    wasm = true;
  } catch (e) {
    post({ type: 'error', code: (e as { code?: string }).code ?? 'ERR_XLAT_WASM_LOAD', message: (e as Error).message, device: init.self, op: 'config' });
  }
}
const dp = new Dataplane(self, first, memory);
let lastWriteError = '';
dp.onError = (err, device) => {
  const code = err.code ?? 'EIO';
  // Once per distinct code and device until a different one happens: never a line per packet.
  if (code + device === lastWriteError) return;
  lastWriteError = code + device;
  post({ type: 'error', code, message: err.message, device, op: 'write' });
};
post({ type: 'ready', gen: init.gen, wasm, ipv4Mtu: dp.options.ipv4Mtu, ipv6Mtu: dp.options.ipv6Mtu });

const nap = new Int32Array(new SharedArrayBuffer(4));
const mail = new Int32Array(init.mail);
let lastReadError = '';
let running = true;
/** The mail count when the port was last drained: it is drained again when the count moved, and whenever a read timed out. */
let seen = 0;
while (running) {
  try {
    if (dp.runOnce(READ_TIMEOUT_MS) > 0 && Atomics.load(mail, 0) === seen) continue;
    lastReadError = '';
  } catch (e) {
    const err = e as Error & { code?: string };
    const code = err.code ?? 'EIO';
    if (code !== lastReadError) post({ type: 'error', code, message: err.message, device: init.self, op: 'read' });
    lastReadError = code;
    Atomics.wait(nap, 0, 0, READ_TIMEOUT_MS); // a broken device must not spin a core
  }
  // Loaded before draining: a message posted after this load raises the count again.
  seen = Atomics.load(mail, 0);
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const msg = m.message as ToWorker;
    if (msg.type === 'stop') {
      running = false;
      break;
    }
    try {
      dp.configure(setupFor(msg));
      post({ type: 'ack', gen: msg.gen });
    } catch (e) {
      post({ type: 'error', code: (e as { code?: string }).code ?? 'ERR_XLAT_INTERNAL', message: (e as Error).message, device: init.self, op: 'config' });
    }
  }
}
port.close();

/** Messages between the daemon's main thread and its workers (structured-clone plain objects). */
import type { DeviceHandle } from './fd-device.js';

/** A configuration generation for one worker. */
export interface WorkerConfig {
  readonly gen: number;
  /** The configuration file as parsed; the worker checks it again to build its own tenant table. */
  readonly raw: unknown;
  /** Every device of this generation (the worker's own included). */
  readonly devices: readonly DeviceHandle[];
  /** Counter block for this generation, laid out for `tenants` tenants. */
  readonly sab: SharedArrayBuffer;
  readonly tenants: number;
}

/** workerData. */
export interface WorkerInit extends WorkerConfig {
  /** Name of the device this worker reads. */
  readonly self: string;
  /** Which queue of it (fds[queue] of its handle). */
  readonly queue: number;
  /** Use the WASM checksum and arena (false: the reference checksum over plain memory). */
  readonly wasm: boolean;
  /**
   * One Int32 the main thread increments (Atomics.add) after each message it posts to the worker,
   * so the worker can tell between two batches, without a clock, that its port has mail.
   */
  readonly mail: SharedArrayBuffer;
}

export type ToWorker = ({ type: 'config' } & WorkerConfig) | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; gen: number; wasm: boolean; ipv4Mtu: number; ipv6Mtu: number }
  | { type: 'ack'; gen: number }
  | { type: 'error'; code: string; message: string; device: string; op: 'read' | 'write' | 'config' };

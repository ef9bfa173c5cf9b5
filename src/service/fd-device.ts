/**
 * A Device over a TUN file descriptor that the main thread opened: workers write to every device
 * (the fabric worker to each tenant TUN, tenant workers to the fabric TUN), so each device is opened
 * once and its fd shared; fds are process-wide, and write(2) on a TUN fd is one whole packet, so
 * several threads may write to one fd. Only the device's own worker reads it.
 *
 * `close()` does nothing: the main thread owns the fd and closes it after every worker that holds
 * it has stopped or acknowledged a configuration without it (see DESIGN.md on fd reuse).
 */
import { deviceError, loadNativeTun, type Device, type NativeTun } from '../io/index.js';

/** What the main thread posts for each device. */
export interface DeviceHandle {
  readonly name: string;
  /** The first queue's fd. */
  readonly fd: number;
  /** Every queue's fd (IFF_MULTI_QUEUE; one when single-queue): worker q reads fds[q] of its own device and writes through fds[q % length] of the others. */
  readonly fds: readonly number[];
  /** Octets, read when the device was opened. */
  readonly mtu: number;
  /** Opened with IFF_VNET_HDR (io.offload). */
  readonly vnetHdr: boolean;
}

export class FdDevice implements Device {
  private readonly native: NativeTun;
  private closed = false;

  constructor(readonly fd: number, readonly name: string, readonly mtu: number, readonly vnetHdr = false) {
    this.native = loadNativeTun();
  }

  readBatch(bufs: Uint8Array[], sizes: Int32Array, headroom: number, max: number, timeoutMs: number, hdrs?: Uint8Array): number {
    if (this.closed) throw deviceError('EBADF', 'read', this.name, 'device released');
    return this.native.readBatch(this.fd, bufs, sizes, headroom, max, timeoutMs, this.vnetHdr ? hdrs : undefined);
  }

  writeBatch(bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number {
    if (this.closed) throw deviceError('EBADF', 'write', this.name, 'device released');
    return this.native.writeBatch(this.fd, bufs, offs, lens, count, this.vnetHdr ? hdrs : undefined);
  }

  /** Stop using the fd (it stays open: the main thread owns it). */
  close(): void {
    this.closed = true;
  }
}

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
import { TunQueueIo } from '../io/tun.js';

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
  /** Batch reads and writes through io_uring (io.uring). */
  readonly uring?: boolean;
  /** Busy poll before each wait, microseconds (io.busyPoll). */
  readonly busyPoll?: number;
  /** The kernel takes UDP GSO writes (Device.uso). */
  readonly uso?: boolean;
}

export class FdDevice extends TunQueueIo implements Device {
  protected readonly native: NativeTun;
  private closed = false;

  /** io_uring asked for and working on this thread (probed once per worker, at construction). */
  readonly uring: boolean;

  constructor(
    readonly fd: number,
    readonly name: string,
    readonly mtu: number,
    readonly vnetHdr = false,
    uring = false,
    /** Busy poll before each wait, microseconds. */
    readonly busyPoll = 0,
    /** The kernel takes UDP GSO writes. */
    readonly uso = false,
  ) {
    super();
    this.native = loadNativeTun();
    this.uring = uring && this.native.uringProbe() === null;
  }

  protected checkOpen(call: string): void {
    if (this.closed) throw deviceError('EBADF', call, this.name, 'device released');
  }

  /** Stop using the fd (it stays open: the main thread owns it). */
  close(): void {
    this.closed = true;
  }
}

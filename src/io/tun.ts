/**
 * A Linux TUN device (linux/if_tun.h, IFF_TUN | IFF_NO_PI) over the native-tun N-API addon.
 *
 * The addon is loaded lazily, on the first open(), so importing xlat464 or src/io never loads
 * native code. It lives at native-tun/build/Release/native_tun.node under the package root and is
 * built by `npm run build:native` (part of `npm run build`, run by `npm ci`).
 *
 * The fd is non-blocking; readBatch blocks the calling thread in poll() for up to its timeout
 * (see the contract in device.ts), so drive it from a worker thread. The addon is context-aware:
 * each worker can open its own queue of a multi-queue device by name.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deviceError, type Device } from './device.js';

/** The addon's functions, exactly as native-tun/src/tun.c exports them. */
export interface NativeTun {
  open(name: string, flags: { multiQueue?: boolean; vnetHdr?: boolean }): { fd: number; name: string };
  /** TUNSETOFFLOAD with TUN_F_* bits. */
  setOffload(fd: number, flags: number): void;
  setPersist(fd: number, on: boolean): void;
  /** TUNSETOWNER: uid 0..2^32-2. */
  setOwner(fd: number, uid: number): void;
  /** TUNSETGROUP: gid 0..2^32-2. */
  setGroup(fd: number, gid: number): void;
  setMtu(name: string, mtu: number): void;
  getMtu(name: string): number;
  setUp(name: string): void;
  close(fd: number): void;
  /** spinUs (0-10000): busy poll that long before sleeping in poll() for the rest of timeoutMs. */
  readBatch(fd: number, bufs: Uint8Array[], sizes: Int32Array, headroom: number, maxCount: number, timeoutMs: number, hdrs?: Uint8Array, spinUs?: number): number;
  writeBatch(fd: number, bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number;
  /** readBatch with one io_uring_enter per batch; sizes[i] 0 marks a slot that got nothing before a later one that did. */
  readBatchUring(fd: number, bufs: Uint8Array[], sizes: Int32Array, headroom: number, maxCount: number, timeoutMs: number, hdrs?: Uint8Array, spinUs?: number): number;
  /** writeBatch with one io_uring_enter per batch (linked writevs: a prefix goes out, in order). */
  writeBatchUring(fd: number, bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number;
  /** readBatch with the buffers in one Uint8Array: packet i at mem[slots[i] + headroom .. slots[i] + slotLen). */
  readArena(fd: number, mem: Uint8Array, slots: Int32Array, slotLen: number, sizes: Int32Array, headroom: number, maxCount: number, timeoutMs: number, hdrs?: Uint8Array, spinUs?: number): number;
  readArenaUring(fd: number, mem: Uint8Array, slots: Int32Array, slotLen: number, sizes: Int32Array, headroom: number, maxCount: number, timeoutMs: number, hdrs?: Uint8Array, spinUs?: number): number;
  /** writeBatch from one Uint8Array: packet i is mem[offs[i] .. offs[i] + lens[i]). */
  writeArena(fd: number, mem: Uint8Array, offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number;
  writeArenaUring(fd: number, mem: Uint8Array, offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number;
  /** null when io_uring works on the calling thread, else the errno name. */
  uringProbe(): string | null;
}

/** Longest busy poll native-tun takes, microseconds. */
export const MAX_BUSY_POLL_US = 10000;

/**
 * The batch methods of a Device over one TUN queue's fd (plain or io_uring, with the busy poll):
 * what TunDevice and the daemon's FdDevice (an fd opened elsewhere) share. A subclass gives the
 * fd, its modes and `checkOpen`, which throws once the fd may no longer be used.
 */
export abstract class TunQueueIo {
  protected abstract readonly native: NativeTun;
  abstract readonly name: string;
  /** The queue's file descriptor. */
  abstract readonly fd: number;
  /** Packets carry a virtio_net_hdr: `hdrs` is passed through, else dropped. */
  abstract readonly vnetHdr: boolean;
  /** Batches through io_uring (already probed). */
  abstract readonly uring: boolean;
  /** Busy poll before each wait, microseconds. */
  abstract readonly busyPoll: number;

  /** Throws EBADF naming `call` when the fd may no longer be used. */
  protected abstract checkOpen(call: string): void;

  readBatch(bufs: Uint8Array[], sizes: Int32Array, headroom: number, max: number, timeoutMs: number, hdrs?: Uint8Array): number {
    this.checkOpen('read');
    const h = this.vnetHdr ? hdrs : undefined;
    return this.uring
      ? this.native.readBatchUring(this.fd, bufs, sizes, headroom, max, timeoutMs, h, this.busyPoll)
      : this.native.readBatch(this.fd, bufs, sizes, headroom, max, timeoutMs, h, this.busyPoll);
  }

  writeBatch(bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number {
    this.checkOpen('write');
    const h = this.vnetHdr ? hdrs : undefined;
    return this.uring ? this.native.writeBatchUring(this.fd, bufs, offs, lens, count, h) : this.native.writeBatch(this.fd, bufs, offs, lens, count, h);
  }

  readArena(mem: Uint8Array, slots: Int32Array, slotLen: number, sizes: Int32Array, headroom: number, max: number, timeoutMs: number, hdrs?: Uint8Array): number {
    this.checkOpen('read');
    const h = this.vnetHdr ? hdrs : undefined;
    return this.uring
      ? this.native.readArenaUring(this.fd, mem, slots, slotLen, sizes, headroom, max, timeoutMs, h, this.busyPoll)
      : this.native.readArena(this.fd, mem, slots, slotLen, sizes, headroom, max, timeoutMs, h, this.busyPoll);
  }

  writeArena(mem: Uint8Array, offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number {
    this.checkOpen('write');
    const h = this.vnetHdr ? hdrs : undefined;
    return this.uring ? this.native.writeArenaUring(this.fd, mem, offs, lens, count, h) : this.native.writeArena(this.fd, mem, offs, lens, count, h);
  }
}

/** TUNSETOFFLOAD bits (linux/if_tun.h). */
export const TUN_F_CSUM = 0x01;
export const TUN_F_TSO4 = 0x02;
export const TUN_F_TSO6 = 0x04;
export const TUN_F_TSO_ECN = 0x08;
export const TUN_F_USO4 = 0x20;
export const TUN_F_USO6 = 0x40;
/** What `offload: true` asks for: checksum, TCP segmentation both families (with ECN), UDP segmentation when the kernel has it (6.2+). */
export const TUN_OFFLOADS = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6;
const TUN_OFFLOADS_NO_USO = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

/**
 * Switches a queue's device to `offload` (IFF_VNET_HDR must have been asked at open for true):
 * every TUN_OFFLOADS bit the kernel takes, UDP segmentation dropped where it is refused (EINVAL).
 * false clears them all, which a persistent device needs: it keeps what an earlier opener set.
 * @returns the TUN_F_* bits in force.
 */
export function setTunOffload(native: NativeTun, fd: number, offload: boolean): number {
  if (!offload) {
    native.setOffload(fd, 0);
    return 0;
  }
  try {
    native.setOffload(fd, TUN_OFFLOADS);
    return TUN_OFFLOADS;
  } catch (err) {
    if ((err as { code?: string }).code !== 'EINVAL') throw err;
    native.setOffload(fd, TUN_OFFLOADS_NO_USO);
    return TUN_OFFLOADS_NO_USO;
  }
}

/** Options for {@link TunDevice.open}. */
export interface TunOpenOptions {
  /** Create the interface when it does not exist (default true); false fails with ENODEV. */
  create?: boolean;
  /**
   * TUNSETPERSIST: true (default) keeps the interface, with its addresses and routes, after the
   * fd closes, so a daemon restart finds it as it was; false clears the flag.
   */
  persist?: boolean;
  /** IFF_MULTI_QUEUE: open one more queue of the device each call (one per worker). */
  multiQueue?: boolean;
  /**
   * Batch each readBatch/writeBatch into one io_uring_enter(2) instead of a read(2)/write(2) per
   * packet (raw io_uring, no library). Falls back to the system calls where io_uring is missing or
   * forbidden. Default false.
   */
  uring?: boolean;
  /**
   * Busy poll, microseconds (0-10000, default 0): a readBatch that would wait first looks at the
   * queue without sleeping for up to this long. Saves the wake-up of a sleeping thread (several
   * µs per packet on an idle core, more in a VM) for request/response traffic, at the price of
   * that much CPU after every packet that comes alone.
   */
  busyPoll?: number;
  /**
   * Offloads: IFF_VNET_HDR (each packet with a struct virtio_net_hdr, see Device.vnetHdr) and
   * TUNSETOFFLOAD with TUN_OFFLOADS, so the kernel hands over GSO super-packets of up to 64 KiB
   * with partial checksums and takes them back. Default false, which also clears offloads an
   * earlier opener left on a persistent device.
   */
  offload?: boolean;
  /** Set this MTU, octets (SIOCSIFMTU). Left as is when absent. */
  mtu?: number;
  /** Bring the interface up (SIOCSIFFLAGS IFF_UP), default true; an interface already up is left alone. */
  up?: boolean;
}

// dist/src/io/tun.js -> package root (three levels up), same layout from src/io/tun.ts.
const ADDON_PATH = fileURLToPath(new URL('../../../native-tun/build/Release/native_tun.node', import.meta.url));
let addon: NativeTun | undefined;

/** Loads the addon once; throws ERR_XLAT_NATIVE_TUN with the path when it was not built. */
export function loadNativeTun(): NativeTun {
  if (addon === undefined) {
    if (!existsSync(ADDON_PATH)) {
      const err = new Error(`native-tun addon not built: ${ADDON_PATH} is missing (run npm run build:native)`) as Error & { code: string };
      err.code = 'ERR_XLAT_NATIVE_TUN';
      throw err;
    }
    addon = createRequire(import.meta.url)(ADDON_PATH) as NativeTun;
  }
  return addon;
}

/** One queue of a TUN interface. */
export class TunDevice extends TunQueueIo implements Device {
  private closed = false;

  private constructor(
    protected readonly native: NativeTun,
    /** The queue's file descriptor (non-blocking, close-on-exec). */
    readonly fd: number,
    readonly name: string,
    readonly mtu: number,
    readonly vnetHdr: boolean,
    /** TUN_F_* offloads in force. */
    readonly offloads: number,
    /** Batches go through io_uring. */
    readonly uring = false,
    /** Busy poll before each wait, microseconds (TunOpenOptions.busyPoll). */
    readonly busyPoll = 0,
  ) {
    super();
  }

  /**
   * Opens (and by default creates, persists and brings up) the TUN interface `name`
   * (at most 15 octets; '' lets the kernel pick `tunN`). Needs CAP_NET_ADMIN, except to attach to
   * an existing interface owned by this process's uid or group (see {@link TunDevice.setOwner}),
   * without `mtu` and with the interface already up.
   * Errors carry errno codes: EPERM (no CAP_NET_ADMIN), EBUSY (a single-queue device already
   * open), EINVAL (bad name, or multiQueue differs from how the device was created), ENODEV.
   * @example
   *   const tun = TunDevice.open('xlat-blue', { mtu: 1400, multiQueue: true });
   */
  static open(name: string, options: TunOpenOptions = {}): TunDevice {
    if (options.create === false && !existsSync(`/sys/class/net/${name}`)) {
      throw deviceError('ENODEV', 'TUNSETIFF', name, 'no such device and create is false');
    }
    const native = loadNativeTun();
    const vnet = options.offload === true;
    const busyPoll = options.busyPoll ?? 0;
    if (!Number.isInteger(busyPoll) || busyPoll < 0 || busyPoll > MAX_BUSY_POLL_US) {
      throw new RangeError(`TunDevice.open: busyPoll must be an integer 0-${MAX_BUSY_POLL_US} (microseconds), got ${String(options.busyPoll)}`);
    }
    const { fd, name: actual } = native.open(name, { multiQueue: options.multiQueue === true, vnetHdr: vnet });
    try {
      const offloads = setTunOffload(native, fd, vnet);
      native.setPersist(fd, options.persist !== false);
      if (options.mtu !== undefined) native.setMtu(actual, options.mtu);
      if (options.up !== false) native.setUp(actual);
      return new TunDevice(native, fd, actual, native.getMtu(actual), vnet, offloads, options.uring === true && native.uringProbe() === null, busyPoll);
    } catch (err) {
      native.close(fd);
      throw err;
    }
  }

  /** The kernel took USO4/USO6 (Linux 6.2+), so UDP GSO super-packets may be written. */
  get uso(): boolean {
    return (this.offloads & (TUN_F_USO4 | TUN_F_USO6)) !== 0;
  }

  protected checkOpen(call: string): void {
    if (this.closed) throw deviceError('EBADF', call, this.name, 'device closed');
  }

  /** TUNSETPERSIST on this queue's fd: false lets the interface vanish when its last fd closes. */
  setPersist(on: boolean): void {
    if (this.closed) throw deviceError('EBADF', 'TUNSETPERSIST', this.name, 'device closed');
    this.native.setPersist(this.fd, on);
  }

  /**
   * TUNSETOWNER (and TUNSETGROUP when `gid` is given) on this queue's fd: from then on a process
   * with that uid (or in that group) may attach to the interface without CAP_NET_ADMIN, e.g. a
   * daemon restarted after dropping root. Kept with the interface while it persists.
   * Errors carry errno codes: EPERM, EINVAL; ids out of 0..2^32-2 are a RangeError.
   * @example
   *   TunDevice.open('xlat-blue').setOwner(65534, 65534); // nobody:nogroup may reattach
   */
  setOwner(uid: number, gid?: number): void {
    if (this.closed) throw deviceError('EBADF', 'TUNSETOWNER', this.name, 'device closed');
    this.native.setOwner(this.fd, uid);
    if (gid !== undefined) this.native.setGroup(this.fd, gid);
  }

  /** TUNSETGROUP on this queue's fd: members of group `gid` may attach without CAP_NET_ADMIN. */
  setGroup(gid: number): void {
    if (this.closed) throw deviceError('EBADF', 'TUNSETGROUP', this.name, 'device closed');
    this.native.setGroup(this.fd, gid);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close(this.fd);
  }
}

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
  open(name: string, flags: { multiQueue?: boolean }): { fd: number; name: string };
  setPersist(fd: number, on: boolean): void;
  /** TUNSETOWNER: uid 0..2^32-2. */
  setOwner(fd: number, uid: number): void;
  /** TUNSETGROUP: gid 0..2^32-2. */
  setGroup(fd: number, gid: number): void;
  setMtu(name: string, mtu: number): void;
  getMtu(name: string): number;
  setUp(name: string): void;
  close(fd: number): void;
  readBatch(fd: number, bufs: Uint8Array[], sizes: Int32Array, headroom: number, maxCount: number, timeoutMs: number): number;
  writeBatch(fd: number, bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number): number;
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
export class TunDevice implements Device {
  private closed = false;

  private constructor(
    private readonly native: NativeTun,
    /** The queue's file descriptor (non-blocking, close-on-exec). */
    readonly fd: number,
    readonly name: string,
    readonly mtu: number,
  ) {}

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
    const { fd, name: actual } = native.open(name, { multiQueue: options.multiQueue === true });
    try {
      native.setPersist(fd, options.persist !== false);
      if (options.mtu !== undefined) native.setMtu(actual, options.mtu);
      if (options.up !== false) native.setUp(actual);
      return new TunDevice(native, fd, actual, native.getMtu(actual));
    } catch (err) {
      native.close(fd);
      throw err;
    }
  }

  readBatch(bufs: Uint8Array[], sizes: Int32Array, headroom: number, max: number, timeoutMs: number): number {
    if (this.closed) throw deviceError('EBADF', 'read', this.name, 'device closed');
    return this.native.readBatch(this.fd, bufs, sizes, headroom, max, timeoutMs);
  }

  writeBatch(bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number): number {
    if (this.closed) throw deviceError('EBADF', 'write', this.name, 'device closed');
    return this.native.writeBatch(this.fd, bufs, offs, lens, count);
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

/**
 * The packet device the daemon's workers drive: batched, synchronous, caller-owned buffers.
 *
 * A Device moves whole IP packets (a TUN device with IFF_NO_PI: no link header, no packet
 * information prefix) and knows nothing about IP itself. Every buffer belongs to the caller, so a
 * worker can read straight into a WebAssembly.Memory arena and translate in place:
 *
 * - `readBatch` fills `bufs[i]` starting at octet `headroom` (room for 4->6 to grow the header in
 *   place by writing in front of the packet) and sets `sizes[i]` to the packet length in octets.
 * - `writeBatch` sends `bufs[i][offs[i] .. offs[i] + lens[i])` as one packet each.
 *
 * Blocking contract (decided for the daemon's worker loops, which are plain synchronous loops in
 * worker threads, one per queue): `readBatch(..., timeoutMs)` may block the calling thread for up
 * to `timeoutMs` waiting for the first packet, then returns what is ready without blocking again.
 * 0 means nothing arrived in time. A device with nothing to wait on (the in-memory one) returns 0
 * at once; callers must treat 0 as "loop again", never as end of stream. Do not call a blocking
 * readBatch with a non-zero timeout on the main thread: it stalls the event loop.
 *
 * Errors are thrown as `Error`s whose `code` is an errno name (`EPERM`, `EBADF`, `EINVAL`) and whose
 * message names the call and the device (`read xt42: EBADF (...)`), after Node core.
 */

/** A batched packet device. See the file comment for the buffer and blocking contracts. */
export interface Device {
  /** Interface name as the kernel reports it (`xlat-blue`), or the in-memory device's label. */
  readonly name: string;
  /** Largest packet, octets, the device carries. Read buffers need `headroom + mtu` octets. */
  readonly mtu: number;
  /**
   * Packets come and go with a 10-octet struct virtio_net_hdr (IFF_VNET_HDR): readBatch and
   * writeBatch then take `hdrs`, 10 octets per packet, header i at `hdrs[10*i ..]`. Absent or false:
   * plain packets, and `hdrs` is ignored.
   */
  readonly vnetHdr?: boolean;
  /**
   * With `vnetHdr`: writes may carry UDP GSO super-packets (VIRTIO_NET_HDR_GSO_UDP_L4), which the
   * kernel takes from Linux 6.2, the release that added USO to TUNSETOFFLOAD. Absent or false: no
   * UDP GSO is written (TCP GSO always may be).
   */
  readonly uso?: boolean;
  /**
   * Reads up to `max` packets, waiting at most `timeoutMs` (milliseconds) for the first.
   * Packet i lands at `bufs[i][headroom ..]`, its length in octets in `sizes[i]`. A packet longer
   * than `bufs[i].length - headroom` is cut to fit (as the kernel does), so size buffers for the MTU.
   * `sizes[i]` 0 (no IP packet is empty) marks a slot that got nothing, before a later one that did
   * (batched I/O through io_uring): skip it.
   * @returns how many packets were read; 0 on timeout.
   * @example
   *   const n = dev.readBatch(bufs, sizes, 20, bufs.length, 100);
   *   for (let i = 0; i < n; i++) handle(bufs[i]!.subarray(20, 20 + sizes[i]!));
   */
  readBatch(bufs: Uint8Array[], sizes: Int32Array, headroom: number, max: number, timeoutMs: number, hdrs?: Uint8Array): number;
  /**
   * Writes `count` packets, packet i being `bufs[i][offs[i] .. offs[i] + lens[i])`.
   * @returns how many were accepted, in order; fewer than `count` when the device queue is full
   *   (retry the rest later) or when packet `returned` failed (retrying it throws the error).
   * @example
   *   dev.writeBatch([pkt], Int32Array.of(0), Int32Array.of(pkt.length), 1);
   */
  writeBatch(bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number;
  /**
   * readBatch with every buffer inside one Uint8Array `mem` (an arena, such as a worker's whole
   * WebAssembly.Memory): buffer i is `mem[slots[i] .. slots[i] + slotLen)`, so packet i lands at
   * `mem[slots[i] + headroom ..]`. The same contract otherwise. A TUN looks the arena up once per
   * call instead of once per buffer. Optional: callers fall back to readBatch without it.
   * @example
   *   const n = dev.readArena(mem, Int32Array.of(0, 2048), 2048, sizes, 20, 2, 100);
   */
  readArena?(mem: Uint8Array, slots: Int32Array, slotLen: number, sizes: Int32Array, headroom: number, max: number, timeoutMs: number, hdrs?: Uint8Array): number;
  /**
   * writeBatch from one Uint8Array: packet i is `mem[offs[i] .. offs[i] + lens[i])`, the offsets
   * counted from the start of `mem`. Optional, as readArena.
   */
  writeArena?(mem: Uint8Array, offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number;
  /** Releases the device (for a TUN device: the fd; a persistent interface stays). Idempotent. */
  close(): void;
}

/** An Error with an errno-style `code`, the call and the device, as the native addon throws. */
export function deviceError(code: string, call: string, device: string, detail?: string): Error & { code: string; syscall: string } {
  const err = new Error(`${call} ${device}: ${code}${detail ? ` (${detail})` : ''}`) as Error & { code: string; syscall: string };
  err.code = code;
  err.syscall = call;
  return err;
}

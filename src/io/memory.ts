/**
 * An in-memory Device pair for tests: what one end writes, the other end reads, in order.
 *
 * Same batch semantics as the TUN device (headroom, sizes, truncation to the buffer, partial
 * writes when the queue is full, errno-coded errors with the device name), with one difference
 * the Device contract allows: nothing can arrive while a synchronous readBatch waits, so an empty
 * queue returns 0 immediately whatever `timeoutMs` says. Packets are copied in and out, so
 * callers may reuse their buffers at once, as with a kernel device.
 */
import { deviceError, type Device } from './device.js';

/** Options for {@link memoryDevicePair}. */
export interface MemoryDeviceOptions {
  /** Names of the two ends; default `['mem0', 'mem1']`. */
  names?: [string, string];
  /** MTU both ends report, octets; default 1500. Longer writes fail with EMSGSIZE. */
  mtu?: number;
  /** Packets each direction holds before writeBatch stops short (the kernel's txqueuelen); default 1000. */
  capacity?: number;
  /**
   * Both ends carry a 10-octet virtio_net_hdr with every packet (as a TUN with IFF_VNET_HDR):
   * `send`/`receive` and the queues hold header + packet; readBatch/writeBatch split it into `hdrs`.
   * A packet with a GSO type may exceed the MTU, as on a TUN. Default false.
   */
  vnetHdr?: boolean;
  /** With vnetHdr: the device says it takes UDP GSO writes (Device.uso), as a TUN on Linux 6.2+. Default: as vnetHdr. */
  uso?: boolean;
}

const VNET = 10;

/** One end of an in-memory pair. */
export class MemoryDevice implements Device {
  readonly name: string;
  readonly mtu: number;
  /** @internal packets waiting for this end to read */
  readonly inbox: Uint8Array[] = [];
  /** @internal the other end */
  peer: MemoryDevice | undefined;
  private closed = false;

  /** @internal use {@link memoryDevicePair} */
  constructor(name: string, mtu: number, private readonly capacity: number, readonly vnetHdr = false, readonly uso = vnetHdr) {
    this.name = name;
    this.mtu = mtu;
  }

  /** Packets waiting to be read at this end. */
  get pending(): number {
    return this.inbox.length;
  }

  readBatch(bufs: Uint8Array[], sizes: Int32Array, headroom: number, max: number, _timeoutMs: number, hdrs?: Uint8Array): number {
    return this.read(bufs, sizes, headroom, max, hdrs);
  }

  writeBatch(bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number {
    return this.write(bufs, offs, lens, count, hdrs);
  }

  /** readBatch into views of `mem` (the contract of Device.readArena); a slot outside `mem` is EINVAL. */
  readArena(mem: Uint8Array, slots: Int32Array, slotLen: number, sizes: Int32Array, headroom: number, max: number, _timeoutMs: number, hdrs?: Uint8Array): number {
    this.checkOpen('read');
    if (max < 0 || max > slots.length) throw deviceError('EINVAL', 'read', this.name, 'max outside slots');
    const bufs: Uint8Array[] = [];
    for (let i = 0; i < max; i++) {
      const at = slots[i]!;
      if (at < 0 || at + slotLen > mem.length) throw deviceError('EINVAL', 'read', this.name, 'slots[i] + slotLen outside mem');
      bufs.push(mem.subarray(at, at + slotLen));
    }
    return this.read(bufs, sizes, headroom, max, hdrs);
  }

  /** writeBatch from `mem` (the contract of Device.writeArena). */
  writeArena(mem: Uint8Array, offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number {
    return this.write(new Array<Uint8Array>(Math.max(0, count)).fill(mem), offs, lens, count, hdrs);
  }

  private read(bufs: Uint8Array[], sizes: Int32Array, headroom: number, max: number, hdrs?: Uint8Array): number {
    this.checkOpen('read');
    if (max < 0 || max > bufs.length || max > sizes.length) throw deviceError('EINVAL', 'read', this.name, 'max outside bufs/sizes');
    let n = 0;
    while (n < max && this.inbox.length > 0) {
      const buf = bufs[n]!;
      if (headroom < 0 || headroom >= buf.length) throw deviceError('EINVAL', 'read', this.name, 'headroom leaves no room in a buffer');
      let pkt = this.inbox.shift()!;
      if (this.vnetHdr) {
        if (hdrs === undefined || hdrs.length < (n + 1) * VNET) throw deviceError('EINVAL', 'read', this.name, 'a vnetHdr device needs hdrs');
        hdrs.set(pkt.subarray(0, VNET), n * VNET);
        pkt = pkt.subarray(VNET);
      }
      const len = Math.min(pkt.length, buf.length - headroom);
      buf.set(pkt.subarray(0, len), headroom);
      sizes[n++] = len;
    }
    return n;
  }

  private write(bufs: Uint8Array[], offs: Int32Array, lens: Int32Array, count: number, hdrs?: Uint8Array): number {
    this.checkOpen('write');
    const to = this.peer!;
    if (count < 0 || count > bufs.length || count > offs.length || count > lens.length) {
      throw deviceError('EINVAL', 'write', this.name, 'count outside bufs/offs/lens');
    }
    let n = 0;
    for (; n < count; n++) {
      const buf = bufs[n]!;
      const off = offs[n]!;
      const len = lens[n]!;
      if (off < 0 || len < 0 || off + len > buf.length) throw deviceError('EINVAL', 'write', this.name, 'offs[i] + lens[i] outside bufs[i]');
      if (this.vnetHdr && (hdrs === undefined || hdrs.length < (n + 1) * VNET)) throw deviceError('EINVAL', 'write', this.name, 'a vnetHdr device needs hdrs');
      const gso = this.vnetHdr && hdrs![n * VNET + 1] !== 0;
      if (len > this.mtu && !gso) {
        if (n > 0) break; // report the packets before it; the retry throws
        throw deviceError('EMSGSIZE', 'write', this.name, `${len} octets > mtu ${this.mtu}`);
      }
      // A closed peer is a device nobody reads: the kernel drops such packets too.
      if (to.closed) continue;
      if (to.inbox.length >= this.capacity) break;
      if (this.vnetHdr) {
        const p = new Uint8Array(VNET + len);
        p.set(hdrs!.subarray(n * VNET, n * VNET + VNET));
        p.set(buf.subarray(off, off + len), VNET);
        to.inbox.push(p);
      } else {
        to.inbox.push(buf.slice(off, off + len));
      }
    }
    return n;
  }

  close(): void {
    this.closed = true;
    this.inbox.length = 0;
  }

  /** Test helper: queue one packet (copied) for the peer; false when its queue is full. */
  send(packet: Uint8Array): boolean {
    if (this.vnetHdr) {
      return this.write([packet], Int32Array.of(VNET), Int32Array.of(packet.length - VNET), 1, packet.subarray(0, VNET)) === 1;
    }
    return this.write([packet], Int32Array.of(0), Int32Array.of(packet.length), 1) === 1;
  }

  /** Test helper: the next packet waiting at this end, or undefined. */
  receive(): Uint8Array | undefined {
    this.checkOpen('read');
    return this.inbox.shift();
  }

  private checkOpen(call: string): void {
    if (this.closed) throw deviceError('EBADF', call, this.name, 'device closed');
  }
}

/**
 * Two connected in-memory devices: packets written to `a` are read from `b` and back.
 * Typical use: give `a` to the code under test as its TUN device and drive it from `b`.
 * @example
 *   const [tun, wire] = memoryDevicePair({ mtu: 1400 });
 *   wire.send(ipv4Packet);
 *   const n = tun.readBatch(bufs, sizes, 20, bufs.length, 0); // 1
 */
export function memoryDevicePair(options: MemoryDeviceOptions = {}): [MemoryDevice, MemoryDevice] {
  const [na, nb] = options.names ?? ['mem0', 'mem1'];
  const mtu = options.mtu ?? 1500;
  const capacity = options.capacity ?? 1000;
  const vnet = options.vnetHdr === true;
  const a = new MemoryDevice(na, mtu, capacity, vnet, vnet && options.uso !== false);
  const b = new MemoryDevice(nb, mtu, capacity, vnet, vnet && options.uso !== false);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

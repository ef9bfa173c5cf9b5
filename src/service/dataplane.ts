/**
 * The packet loop of one worker, without the thread: read a batch from this worker's device,
 * translate each packet, group what the verdicts emit by destination device, write each group
 * as one batch. A worker thread (worker.ts) runs `runOnce` in a loop; tests drive it in-process
 * with in-memory devices.
 *
 * Which way a packet goes is decided by its version nibble and the device's role:
 * - IPv4 read from a tenant's TUN: `from4` for that tenant; the IPv6 result goes to the fabric TUN,
 *   a generated ICMPv4 error back to the tenant's TUN.
 * - IPv6 read from the fabric TUN: `from6`; the IPv4 result goes to the TUN of the tenant the
 *   verdict names, a generated ICMPv6 error back to the fabric TUN.
 * - A TUN that is both (the classic single-TUN SIIT set-up, one tenant) does both by version.
 *
 * MTUs come from the devices (see DESIGN.md): ipv6Mtu is the fabric TUN's; the IPv4 MTU is per
 * tenant, `ipv4MtuByTenant[i]` = the MTU of tenant i's TUN (the fabric TUN for a tenant sharing
 * it), so the fabric worker's 6->4 output is fragmented or answered with Packet Too Big at the
 * MTU of the tenant it goes to, and a tenant worker's 4->6 arithmetic uses its own TUN's. ipv4Mtu
 * is the fallback for a tenant without a device (none in the daemon, which wants a TUN per
 * tenant): this TUN's for a tenant worker, the smallest tenant TUN's for the fabric worker.
 *
 * Buffers: packets are read into slots of a WasmChecksum arena (or plain memory in tests) at
 * HEADROOM and translated in place; emits that point into a slot stay valid until the next read,
 * so they are queued for the batch write. When the memory is one arena (PacketMemory.whole) and
 * the device takes arena I/O (Device.readArena/writeArena), reads and writes pass that arena and
 * offsets into it, which the native addon looks up once per call instead of once per packet; each
 * queued emit keeps its buffer's offset in the arena for that (OutQueue.bases). Emits built in the
 * translator's scratch area (fragments, generated errors) are only valid until the next
 * translation, so a verdict that has one flushes every queue at once (rare packets, in order per
 * device).
 */
import type { LoadedConfig } from '../config/index.js';
import type { Device } from '../io/index.js';
import { referenceChecksum, type Checksum, type WasmChecksum } from '../checksum/index.js';
import {
  HEADROOM,
  MAX_EMIT,
  MAX_SEGMENTS,
  SCRATCH_LEN,
  Segments,
  TO_IPV6,
  Translator,
  VNET_HDR_LEN,
  Verdict,
  segment,
  storePlain,
  type PacketOffload,
  type TranslatorOptions,
} from '../translate/index.js';
import {
  C_BYTES46,
  C_BYTES64,
  C_PKTS46,
  C_PKTS64,
  CounterBlock,
  G_ICMP46,
  G_ICMP64,
  G_GSO46,
  G_GSO64,
  G_SEG46,
  G_SEG64,
  G_GRO,
  HIST_READ,
  HIST_WRITE,
  reasonIndex,
} from './counters.js';
import { coalesce } from './gro.js';

/** Packets per readBatch. */
export const BATCH = 64;

/**
 * Largest packet a device with offloads hands over: a GSO super-packet is at most 64 KiB with its
 * headers (the TUN's gso_max_size), so read slots are this big when `vnetHdr` is on.
 */
export const MAX_GSO_PACKET = 65536;

/** Octets for software segmentation: a 64 KiB super-packet's payload, plus headers and headroom for every piece. */
const SEG_AREA = MAX_GSO_PACKET + MAX_SEGMENTS * (HEADROOM + 256);

const R_V4_ON_FABRIC = reasonIndex('io.ipv4-on-fabric-tun');
const R_V6_ON_TENANT = reasonIndex('io.ipv6-on-tenant-tun');
const R_NOT_IP = reasonIndex('io.not-ip');
const R_NO_DEVICE = reasonIndex('io.no-device');
const R_QUEUE_FULL = reasonIndex('io.queue-full');
const R_WRITE_ERROR = reasonIndex('io.write-error');
const R_BAD_OFFLOAD = reasonIndex('io.bad-offload');

/** Where the dataplane's memory comes from: a WasmChecksum (arena() gives views of its memory) or plain arrays. */
export interface PacketMemory {
  checksum: Checksum;
  /** `len` octets for packet slots and scratch; called at construction only. */
  alloc(len: number): Uint8Array;
  /**
   * A view of everything alloc() carves from (a WasmChecksum's whole memory), when it carves from
   * one buffer: the arena a device's readArena/writeArena take. Absent: per-buffer batches.
   */
  whole?: Uint8Array;
}

/** Plain memory and the reference checksum (tests, and the fallback when WASM is missing). */
export const plainMemory: PacketMemory = { checksum: referenceChecksum, alloc: (len) => new Uint8Array(len) };

/** A WasmChecksum's memory: buffers from its arena, checksums in WASM, the whole memory as the I/O arena. */
export function wasmMemory(cs: WasmChecksum): PacketMemory {
  return { checksum: cs, alloc: (len) => cs.arena(len), whole: new Uint8Array(cs.memory.buffer) };
}

/** Where `view` starts in `whole`, or -1 when it is not inside it (start-up only: the getters are slow). */
function offsetIn(whole: Uint8Array | undefined, view: Uint8Array): number {
  if (whole === undefined || view.buffer !== whole.buffer) return -1;
  const at = view.byteOffset - whole.byteOffset;
  return at >= 0 && at + view.length <= whole.length ? at : -1;
}

/** One destination's pending writes. */
class OutQueue {
  n = 0;
  readonly bufs: Uint8Array[];
  readonly offs: Int32Array;
  readonly lens: Int32Array;
  /** Counter row of each packet (for drops on write failure). */
  readonly rows: Int32Array;
  /** Where bufs[k] starts in the arena (-1: outside it, so this batch goes per buffer). */
  readonly bases: Int32Array;
  /** Arena offsets of a write: bases[k] + offs[k]. */
  readonly at: Int32Array;
  /** The device takes arena writes (and the dataplane has an arena). */
  readonly arena: boolean;
  /** Some queued entry lies outside the arena. */
  foreign = false;
  /** virtio_net_hdr of each packet, when the device has them (else unused). */
  readonly hdrs: Uint8Array;
  /** The device takes UDP GSO writes: UDP datagrams of one flow are coalesced too (gro.ts). */
  readonly udpGro: boolean;

  constructor(readonly dev: Device, cap: number, readonly mem: Uint8Array | undefined) {
    this.bufs = new Array<Uint8Array>(cap).fill(new Uint8Array(0));
    this.offs = new Int32Array(cap);
    this.lens = new Int32Array(cap);
    this.rows = new Int32Array(cap);
    this.bases = new Int32Array(cap);
    this.at = new Int32Array(cap);
    this.arena = mem !== undefined && typeof dev.writeArena === 'function';
    this.hdrs = new Uint8Array(dev.vnetHdr === true ? cap * VNET_HDR_LEN : 0);
    this.udpGro = dev.vnetHdr === true && dev.uso === true;
  }
}

/** A worker's configuration: what to translate with, and every device it may write to, by interface name. */
export interface DataplaneSetup {
  loaded: LoadedConfig;
  devices: ReadonlyMap<string, Device>;
  counters: CounterBlock;
}

/** Error a write raised, reported once to whoever drives the loop (the worker logs it via the main thread). */
export type ErrorSink = (err: Error & { code?: string }, device: string) => void;

export class Dataplane {
  readonly self: Device;
  private readonly slots: Uint8Array[] = [];
  private readonly sizes = new Int32Array(BATCH);
  private readonly scratch: Uint8Array;
  /** The arena every buffer below lies in (PacketMemory.whole), when they all do; else undefined. */
  private readonly mem: Uint8Array | undefined;
  /** Arena offsets of the slots, the scratch area and the segmentation area. */
  private readonly slotAt = new Int32Array(BATCH);
  private readonly slotLen: number;
  private readonly scratchAt: number;
  private readonly segAt: number;
  /** This device reads into the arena (readArena). */
  private readonly arenaRead: boolean;
  private readonly checksum: Checksum;
  private readonly verdict = new Verdict();
  /** Offloads: this device's virtio_net_hdrs for a batch (empty without), and the software-segmentation area. */
  private readonly vnet: boolean;
  private readonly inHdrs: Uint8Array;
  private readonly segArea: Uint8Array;
  private readonly segs = new Segments();
  private translator: Translator | undefined;
  private counters!: CounterBlock;
  /** Table index of the tenant that owns this device, or -1. */
  private selfTenant = -1;
  private selfFabric = false;
  private queues: OutQueue[] = [];
  /** Queue index per tenant index (-1: no device). */
  private tenantQ = new Int32Array(0);
  private fabricQ = -1;
  /** Called on a write error; the loop goes on. */
  onError: ErrorSink | undefined;

  constructor(self: Device, setup: DataplaneSetup, memory: PacketMemory = plainMemory) {
    this.self = self;
    this.checksum = memory.checksum;
    this.vnet = self.vnetHdr === true;
    const slotLen = Dataplane.slotLen(self.mtu, this.vnet);
    this.slotLen = slotLen;
    for (let i = 0; i < BATCH; i++) this.slots.push(memory.alloc(slotLen));
    this.scratch = memory.alloc(SCRATCH_LEN);
    this.inHdrs = new Uint8Array(this.vnet ? BATCH * VNET_HDR_LEN : 0);
    this.segArea = this.vnet ? memory.alloc(SEG_AREA) : new Uint8Array(0);
    const whole = memory.whole;
    let inArena = whole !== undefined;
    for (let i = 0; i < BATCH; i++) {
      this.slotAt[i] = offsetIn(whole, this.slots[i]!);
      if (this.slotAt[i]! < 0) inArena = false;
    }
    this.scratchAt = offsetIn(whole, this.scratch);
    this.segAt = this.vnet ? offsetIn(whole, this.segArea) : 0;
    if (this.scratchAt < 0 || this.segAt < 0) inArena = false;
    this.mem = inArena ? whole : undefined;
    this.arenaRead = this.mem !== undefined && typeof self.readArena === 'function';
    this.configure(setup);
  }

  private static slotLen(mtu: number, vnet: boolean): number {
    return HEADROOM + (vnet && mtu < MAX_GSO_PACKET ? MAX_GSO_PACKET : mtu);
  }

  /** Octets of packet memory a dataplane for a device of this MTU takes (slots, scratch, segmentation area), before alignment. */
  static memoryFor(mtu: number, vnet = false): number {
    return BATCH * (Math.ceil(Dataplane.slotLen(mtu, vnet) / 64) * 64) + SCRATCH_LEN + (vnet ? SEG_AREA + 64 : 0);
  }

  /** The tenant (table index) whose TUN this is, or -1; and whether it is the fabric TUN. */
  get role(): { tenant: number; fabric: boolean } {
    return { tenant: this.selfTenant, fabric: this.selfFabric };
  }

  /**
   * Switch to a new configuration between batches. Nothing from the old one is used afterwards,
   * and nothing pending survives: queues were flushed at the end of the last batch.
   * @throws XlatError when the configuration has no role for this device (a daemon bug: the main thread checked it)
   */
  configure(setup: DataplaneSetup): void {
    const { loaded, devices } = setup;
    const { config, table } = loaded;
    const fabricName = config.fabric?.tun;
    const fabricDev = fabricName === undefined ? undefined : devices.get(fabricName);
    this.selfFabric = fabricName === this.self.name;
    this.selfTenant = -1;
    const queues: OutQueue[] = [];
    const byDev = new Map<Device, number>();
    const qOf = (dev: Device): number => {
      let q = byDev.get(dev);
      if (q === undefined) {
        q = queues.length;
        queues.push(new OutQueue(dev, BATCH + MAX_EMIT, this.mem));
        byDev.set(dev, q);
      }
      return q;
    };
    const tenantQ = new Int32Array(table.size).fill(-1);
    // Tenant index -> its TUN's MTU (0: no device, ipv4Mtu applies). Built here, read per packet.
    const mtuByTenant = new Int32Array(table.size);
    let minTenantMtu = Infinity;
    config.tenants.forEach((t, i) => {
      if (t.tun === undefined) return;
      if (t.tun === this.self.name) this.selfTenant = i;
      const dev = devices.get(t.tun);
      if (dev === undefined) return;
      tenantQ[i] = qOf(dev);
      mtuByTenant[i] = dev.mtu;
      if (dev.mtu < minTenantMtu) minTenantMtu = dev.mtu;
    });
    this.fabricQ = fabricDev === undefined ? -1 : qOf(fabricDev);

    const base = loaded.translator;
    const ipv4Mtu = this.selfFabric ? (minTenantMtu === Infinity ? base.ipv4Mtu : minTenantMtu) : this.self.mtu;
    const options: TranslatorOptions = { ...base, ipv4Mtu, ipv6Mtu: fabricDev?.mtu ?? base.ipv6Mtu, ipv4MtuByTenant: mtuByTenant };
    if (this.translator === undefined) this.translator = new Translator(table, options, this.checksum, this.scratch);
    else this.translator.reconfigure(table, options);
    this.queues = queues;
    this.tenantQ = tenantQ;
    this.counters = setup.counters;
  }

  /** The options in force (for logs and tests). */
  get options(): TranslatorOptions {
    return this.translator!.options;
  }

  /**
   * One batch: read up to BATCH packets (waiting at most `timeoutMs` for the first), translate,
   * write. Read errors propagate (the device is gone or broken; the caller decides); write errors
   * are counted as drops and reported through `onError`.
   * @returns packets read; 0 on timeout.
   */
  runOnce(timeoutMs: number): number {
    const vnet = this.vnet;
    const hdrs = vnet ? this.inHdrs : undefined;
    const n = this.arenaRead
      ? this.self.readArena!(this.mem!, this.slotAt, this.slotLen, this.sizes, HEADROOM, BATCH, timeoutMs, hdrs)
      : this.self.readBatch(this.slots, this.sizes, HEADROOM, BATCH, timeoutMs, hdrs);
    if (n === 0) return 0;
    this.counters.batch(HIST_READ, n);
    const ol = this.translator!.offload;
    for (let i = 0; i < n; i++) {
      const buf = this.slots[i]!;
      const len = this.sizes[i]!;
      if (len === 0) continue; // a slot io_uring left empty (the Device contract's hole)
      if (vnet) ol.load(this.inHdrs, i * VNET_HDR_LEN);
      if (this.handle(buf, this.slotAt[i]!, HEADROOM, len)) this.flush();
    }
    ol.clear();
    this.flush();
    return n;
  }

  /**
   * Translates one packet at buf[off, off+len) (its offloads, if any, already in the translator;
   * `base`: where buf starts in the arena), counts it, queues what the verdict emits. Returns true
   * when the queues must be flushed before the next packet (an emit lives in memory the next
   * translation reuses).
   */
  private handle(buf: Uint8Array, base: number, off: number, len: number): boolean {
    const c = this.counters;
    const tr = this.translator!;
    const v = this.verdict;
    const version = len > 0 ? buf[off]! >> 4 : 0;
    let row: number;
    if (version === 4) {
      row = this.selfTenant;
      if (row < 0) {
        c.drop(-1, R_V4_ON_FABRIC);
        return false;
      }
      tr.from4(row, buf, off, len, v);
      if (v.resegment) return this.resegment(buf, off, len, version, row);
      if (v.drop === null) {
        c.add(row, C_PKTS46, 1);
        c.add(row, C_BYTES46, len);
        if (v.offloadAt >= 0 && v.offload.gsoType !== 0) c.global(G_GSO46);
      } else {
        c.drop(row, reasonIndex(v.drop));
        if (v.generatedError) c.global(G_ICMP46);
      }
    } else if (version === 6) {
      if (!this.selfFabric) {
        c.drop(this.selfTenant, R_V6_ON_TENANT);
        return false;
      }
      tr.from6(buf, off, len, v);
      if (v.resegment) return this.resegment(buf, off, len, version, v.dropTenant);
      // Passed on: the tenant emitted to. Dropped: the destination's tenant when the translator
      // found it (v.dropTenant), else "-".
      if (v.drop === null) {
        row = v.count > 0 && v.to[0] !== TO_IPV6 ? v.tenant[0]! : -1;
        c.add(row, C_PKTS64, 1);
        c.add(row, C_BYTES64, len);
        if (v.offloadAt >= 0 && v.offload.gsoType !== 0) c.global(G_GSO64);
      } else {
        row = v.dropTenant;
        c.drop(row, reasonIndex(v.drop));
        if (v.generatedError) c.global(G_ICMP64);
      }
    } else {
      c.drop(this.selfTenant, R_NOT_IP);
      return false;
    }
    let flushNow = false;
    for (let j = 0; j < v.count; j++) {
      const q = v.to[j] === TO_IPV6 ? this.fabricQ : this.tenantQ[v.tenant[j]!] ?? -1;
      if (q < 0) {
        c.drop(row, R_NO_DEVICE);
        continue;
      }
      const out = this.queues[q]!;
      const k = out.n;
      const eb = v.bufs[j]!;
      out.bufs[k] = eb;
      out.offs[k] = v.offs[j]!;
      out.lens[k] = v.lens[j]!;
      out.rows[k] = row;
      const b = eb === buf ? base : eb === this.scratch ? this.scratchAt : -1;
      out.bases[k] = b;
      if (b < 0) out.foreign = true;
      if (out.hdrs.length !== 0) {
        if (v.offloadAt === j) v.offload.store(out.hdrs, k * VNET_HDR_LEN);
        else storePlain(out.hdrs, k * VNET_HDR_LEN);
      }
      out.n = k + 1;
      if (eb !== buf) flushNow = true;
    }
    return flushNow;
  }

  /**
   * A GSO super-packet the translator does not take whole (offload.ts): cut it into ordinary
   * packets in the segmentation area and translate each. Their emits live there, so the queues
   * are flushed before the next input. A packet that cannot be cut is dropped as io.bad-offload.
   */
  private resegment(buf: Uint8Array, off: number, len: number, version: number, row: number): boolean {
    const ol: PacketOffload = this.translator!.offload;
    let l4 = -1;
    if (ol.partial) l4 = ol.csumStart;
    else if (version === 4) l4 = (buf[off]! & 15) * 4;
    else if (len >= 40 && (buf[off + 6] === 6 || buf[off + 6] === 17)) l4 = 40;
    const why = l4 < 0 ? 'no-l4' : segment(buf, off, len, l4, ol, this.checksum, this.segArea, HEADROOM, this.segs);
    ol.clear();
    if (why !== null) {
      this.counters.drop(row, R_BAD_OFFLOAD);
      return false;
    }
    const segs = this.segs;
    this.counters.global(version === 4 ? G_SEG46 : G_SEG64);
    this.flush();
    for (let k = 0; k < segs.count; k++) {
      if (this.handle(this.segArea, this.segAt, segs.offs[k]!, segs.lens[k]!)) this.flush();
    }
    return true;
  }

  /** Write every queue out. A short write is retried once the queue drains; what still does not fit is dropped. */
  private flush(): void {
    const c = this.counters;
    for (let qi = 0; qi < this.queues.length; qi++) {
      const q = this.queues[qi]!;
      if (q.n > 1 && q.hdrs.length !== 0) {
        const merged = coalesce(q, this.checksum, q.udpGro, q.foreign ? undefined : this.mem);
        if (merged > 0) c.global(G_GRO, merged);
      }
      let left = q.n;
      if (left === 0) continue;
      c.batch(HIST_WRITE, left);
      const arena = q.arena && !q.foreign;
      const hdrs = q.hdrs.length !== 0 ? q.hdrs : undefined;
      while (left > 0) {
        let w: number;
        try {
          if (arena) {
            for (let k = 0; k < left; k++) q.at[k] = q.bases[k]! + q.offs[k]!;
            w = q.dev.writeArena!(this.mem!, q.at, q.lens, left, hdrs);
          } else {
            w = q.dev.writeBatch(q.bufs, q.offs, q.lens, left, hdrs);
          }
        } catch (e) {
          // The first packet failed: count it, report, go on with the rest.
          c.drop(q.rows[0]!, R_WRITE_ERROR);
          this.onError?.(e as Error, q.dev.name);
          w = 1;
        }
        if (w === 0) {
          for (let k = 0; k < left; k++) c.drop(q.rows[k]!, R_QUEUE_FULL);
          break;
        }
        left -= w;
        if (left > 0) this.shift(q, w, left);
      }
      q.n = 0;
      q.foreign = false;
    }
  }

  /** Move entries [from, from + count) of a queue to the front (the rare short-write path). */
  private shift(q: OutQueue, from: number, count: number): void {
    for (let k = 0; k < count; k++) q.bufs[k] = q.bufs[from + k]!;
    q.offs.copyWithin(0, from, from + count);
    q.lens.copyWithin(0, from, from + count);
    q.rows.copyWithin(0, from, from + count);
    q.bases.copyWithin(0, from, from + count);
    if (q.hdrs.length !== 0) q.hdrs.copyWithin(0, from * VNET_HDR_LEN, (from + count) * VNET_HDR_LEN);
  }
}

/**
 * A device for measuring the packet loop without a kernel (bench/dataplane.bench.ts, the
 * dataplane's allocation test): every read returns the same batch, copied into the slots, and
 * writes are only counted. Allocates nothing per call.
 */
import { WasmChecksum } from '../src/checksum/index.js';
import { checkConfig } from '../src/config/index.js';
import type { Device } from '../src/io/index.js';
import { CounterBlock } from '../src/service/counters.js';
import { Dataplane, wasmMemory } from '../src/service/dataplane.js';
import { VNET_HDR_LEN } from '../src/translate/index.js';
import { OFFLOAD_CONFIG } from './offload-rig.js';

/** One class, so the loop's calls into its device stay monomorphic, as a worker's calls into its TunDevice are. */
export class ReplayDevice implements Device {
  readonly mtu = 1500;
  writes = 0;
  constructor(
    readonly name: string,
    readonly vnetHdr: boolean,
    private readonly batch: Uint8Array[],
  ) {}
  get uso(): boolean {
    return this.vnetHdr;
  }
  readBatch(bufs: Uint8Array[], sizes: Int32Array, headroom: number, max: number, _t: number, hdrs?: Uint8Array): number {
    const n = Math.min(this.batch.length, max);
    for (let i = 0; i < n; i++) {
      bufs[i]!.set(this.batch[i]!, headroom);
      sizes[i] = this.batch[i]!.length;
    }
    if (this.vnetHdr) hdrs!.fill(0, 0, n * VNET_HDR_LEN);
    return n;
  }
  readArena(mem: Uint8Array, slots: Int32Array, _l: number, sizes: Int32Array, headroom: number, max: number, _t: number, hdrs?: Uint8Array): number {
    const n = Math.min(this.batch.length, max);
    for (let i = 0; i < n; i++) {
      mem.set(this.batch[i]!, slots[i]! + headroom);
      sizes[i] = this.batch[i]!.length;
    }
    if (this.vnetHdr) hdrs!.fill(0, 0, n * VNET_HDR_LEN);
    return n;
  }
  writeBatch(_b: Uint8Array[], _o: Int32Array, _l: Int32Array, count: number): number {
    this.writes += count;
    return count;
  }
  writeArena(_m: Uint8Array, _o: Int32Array, _l: Int32Array, count: number): number {
    this.writes += count;
    return count;
  }
  close(): void {}
}

/**
 * Blue's packet loop (OFFLOAD_CONFIG) in a WASM arena of its own, as a worker has it: `src` reads
 * `batch` (IPv4 from blue) again and again, `fabric` takes what crosses; `vnet`: both devices
 * with offloads (virtio_net_hdr, UDP GSO).
 */
export function replayDataplane(batch: Uint8Array[], vnet: boolean): { dp: Dataplane; src: ReplayDevice; fabric: ReplayDevice } {
  const loaded = checkConfig(OFFLOAD_CONFIG);
  const src = new ReplayDevice('xb', vnet, batch);
  const fabric = new ReplayDevice('xf', vnet, []);
  const devices = new Map<string, Device>([['xb', src], ['xf', fabric]]);
  const cs = WasmChecksum.load({ memoryBytes: Dataplane.memoryFor(1500, vnet) + 65536 });
  const dp = new Dataplane(src, { loaded, devices, counters: CounterBlock.create(loaded.table.size) }, wasmMemory(cs));
  return { dp, src, fabric };
}

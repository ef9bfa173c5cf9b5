/**
 * What the offload tests share (test/unit/service-offload.test.ts, test/property/offload.test.ts):
 * one tenant behind a fabric, the addresses of a host and a far end in both families, and the
 * packet loop of each device over in-memory devices that carry a virtio_net_hdr.
 */
import { checkConfig } from '../src/config/index.js';
import { parseIPv4, parseIPv6 } from '../src/address/index.js';
import { memoryDevicePair, type Device, type MemoryDevice } from '../src/io/index.js';
import { CounterBlock } from '../src/service/counters.js';
import { Dataplane, plainMemory, type PacketMemory } from '../src/service/dataplane.js';

export const OFFLOAD_CONFIG = {
  translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1', ipv6Mtu: 1500, lowestIpv6Mtu: 1280 },
  fabric: { tun: 'xf' },
  tenants: [{ name: 'blue', prefix: '2001:db8:b::/96', ipv4: ['10.0.0.0/8'], plat: '2001:db8:64::/96', tun: 'xb' }],
};
/** Blue's host 10.0.0.1, the far end 203.0.113.5 behind the PLAT, and their IPv6 forms. */
export const HOST = parseIPv4('10.0.0.1');
export const FAR = parseIPv4('203.0.113.5');
export const FAR6 = parseIPv6('2001:db8:64::cb00:7105');
export const HOST6 = parseIPv6('2001:db8:b::a00:1');
export const be16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const be32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

export interface OffloadRig {
  dp: Map<string, Dataplane>;
  /** The far end of each device: what a test sends there, the device reads. */
  wire: Map<string, MemoryDevice>;
  counters: Map<string, CounterBlock>;
}

/**
 * A Dataplane for the fabric TUN (xf) and blue's TUN (xb), each with its own counters, as the
 * daemon's workers have. `uso` false: the devices do not take UDP GSO writes (a kernel before 6.2).
 */
export function offloadRig(memory: () => PacketMemory = () => plainMemory, uso = true): OffloadRig {
  const devices = new Map<string, Device>();
  const wire = new Map<string, MemoryDevice>();
  for (const n of ['xf', 'xb']) {
    const [dev, w] = memoryDevicePair({ names: [n, `${n}-wire`], mtu: 1500, vnetHdr: true, uso });
    devices.set(n, dev);
    wire.set(n, w);
  }
  const dp = new Map<string, Dataplane>();
  const counters = new Map<string, CounterBlock>();
  for (const n of ['xf', 'xb']) {
    const loaded = checkConfig(OFFLOAD_CONFIG);
    const c = CounterBlock.create(loaded.table.size);
    counters.set(n, c);
    dp.set(n, new Dataplane(devices.get(n)!, { loaded, devices, counters: c }, memory()));
  }
  return { dp, wire, counters };
}

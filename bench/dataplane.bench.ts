// The daemon's packet loop (Dataplane.runOnce) without the kernel: ns per packet for a batch of
// 64 read, translated IPv4 -> IPv6, coalesced (with offloads) and written, over replay devices in
// the WASM arena as a worker has them (arena I/O). The devices copy packets in and count writes,
// nothing more, so this is the user-space share of the per-packet cost the e2e bench measures.
//
// Each case runs twice: with offloads (virtio_net_hdr, UDP GSO: GRO on the write side) and
// without (plain packets, one write entry each). The ratio is what coalescing costs in user space;
// what it saves (one write and one trip through the far side's stack per run instead of per
// packet) is in the kernel and shows only end to end (bench/e2e). Every case runs in a process of
// its own: in one process the JIT's type feedback from one case slowed the next by up to 2.5x.
//
//   npm run build && node dist/bench/dataplane.bench.js

import Benchmark from 'benchmark';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildPacket, type PacketSpec } from '../src/packet/index.js';
import { BATCH } from '../src/service/dataplane.js';
import { HOST, FAR } from '../testlib/offload-rig.js';
import { replayDataplane } from '../testlib/replay-device.js';

export interface DataplaneBenchRow {
  name: string;
  /** Mean time per packet with offloads (GRO), nanoseconds. */
  offloadNs: number;
  /** The same without offloads. */
  plainNs: number;
  /** Write entries per batch of BATCH packets with offloads: how much GRO merged. */
  writesPerBatch: number;
}

export type Case = { name: string; kind: 'udp64' | 'tcp1480'; flows: number };
export const CASES: Case[] = [
  { name: 'UDP 64 octets, 1 flow', kind: 'udp64', flows: 1 },
  { name: 'UDP 64 octets, 4 flows in turn', kind: 'udp64', flows: 4 },
  { name: 'TCP 1480 octets, 1 flow', kind: 'tcp1480', flows: 1 },
  { name: 'TCP 1480 octets, 4 flows in turn', kind: 'tcp1480', flows: 4 },
];

/** The batch every read returns: BATCH packets of `flows` flows in turn, TCP segments in sequence per flow. */
export function batchOf(c: Case): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let j = 0; j < BATCH; j++) {
    const f = j % c.flows;
    const ip = { version: 4, src: HOST, dst: FAR, ttl: 64, df: true } as PacketSpec['ip'];
    out.push(
      c.kind === 'udp64'
        ? buildPacket({ ip, l4: { proto: 'udp', srcPort: 5000 + f, dstPort: 4433 }, payload: new Uint8Array(36).fill(j) })
        : buildPacket({
            ip,
            l4: { proto: 'tcp', srcPort: 40000 + f, dstPort: 443, seq: 1000 + Math.floor(j / c.flows) * 1440, ack: 5, flags: 0x10, window: 500 },
            payload: new Uint8Array(1440).fill(j),
          }),
    );
  }
  return out;
}

/** One case, both ways, in this process. */
function measure(c: Case): DataplaneBenchRow {
  const batch = batchOf(c);
  const ns: number[] = [];
  let writesPerBatch = 0;
  for (const vnet of [true, false]) {
    const { dp, src, fabric } = replayDataplane(batch, vnet);
    if (dp.runOnce(0) !== BATCH || fabric.writes === 0 || src.writes !== 0) throw new Error(`${c.name}: the batch did not cross (${fabric.writes} written to the fabric, ${src.writes} back)`);
    if (vnet) writesPerBatch = fabric.writes;
    const suite = new Benchmark.Suite();
    suite.add(c.name, () => dp.runOnce(0), { maxTime: 2 });
    suite.run({ async: false });
    let b!: Benchmark;
    suite.forEach((x: Benchmark) => (b = x));
    ns.push((b.stats.mean * 1e9) / BATCH);
  }
  return { name: c.name, offloadNs: ns[0]!, plainNs: ns[1]!, writesPerBatch };
}

export function main(): DataplaneBenchRow[] {
  console.log(`dataplane, node ${process.version}, ${process.arch}; batches of ${BATCH}, WASM arena I/O, replay devices (no kernel), a process per case`);
  const self = fileURLToPath(import.meta.url);
  const rows: DataplaneBenchRow[] = [];
  CASES.forEach((c, i) => {
    const row = JSON.parse(execFileSync(process.execPath, [self, '--case', String(i)], { encoding: 'utf8' })) as DataplaneBenchRow;
    rows.push(row);
    console.log(
      `  ${c.name.padEnd(34)} offloads ${row.offloadNs.toFixed(0).padStart(5)} ns/packet (${String(row.writesPerBatch).padStart(2)} writes per ${BATCH}), ` +
        `plain ${row.plainNs.toFixed(0).padStart(5)} ns/packet; offloads / plain ${(row.offloadNs / row.plainNs).toFixed(2)}x`,
    );
  });
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--case') process.stdout.write(JSON.stringify(measure(CASES[Number(process.argv[3])]!)));
  else main();
}

// Capture reader microbenchmark: records per second through CaptureReader over an in-memory
// capture of 100 000 packets of 64 octets (pcap, and pcapng with Enhanced Packet Blocks), pushed
// whole and in file-stream-sized chunks. The consumer reads one octet through buf/off (no
// allocation); one row touches `data` instead, to show what the per-record view costs; one row
// adds findIp, as `xlat464 pcap` would run it.
//
//   npm run build && node dist/bench/capture.bench.js

import Benchmark from 'benchmark';
import { pathToFileURL } from 'node:url';
import { CaptureReader, findIp, LinkInfo, LINK_IP, LINKTYPE_ETHERNET, LINKTYPE_RAW, type CaptureRecord } from '../src/io/index.js';
import { pcapFile } from '../src/io/pcap.js';
import { concat, epb, idb, shb } from '../testlib/capture-files.js';

/** One measured case. */
export interface CaptureBenchRow {
  name: string;
  /** Records delivered per second. */
  recordsPerSec: number;
  /** Relative margin of error, percent. */
  rme: number;
}

const PACKETS = 100_000;
const PACKET_LEN = 64;

// Results are folded into this (kept a small integer) so the engine cannot drop the work.
let sink = 0;

function chunked(file: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < file.length; at += size) out.push(file.subarray(at, Math.min(file.length, at + size)));
  return out;
}

/** Run the benchmark, print a table, and return the measurements. */
export function main(): CaptureBenchRow[] {
  const packets = Array.from({ length: PACKETS }, (_, i) => {
    const p = new Uint8Array(PACKET_LEN).fill(i & 0xff);
    p[0] = 0x45;
    return p;
  });
  const pcap = pcapFile(packets, LINKTYPE_RAW, 1_700_000_000_000_000);
  const eth = new Uint8Array(14 + PACKET_LEN);
  eth[12] = 0x08;
  eth.set(packets[0]!, 14);
  const pcapng = concat(shb(true), idb(true, { linkType: LINKTYPE_ETHERNET }), ...packets.map((_, i) => epb(true, 0, 1_700_000_000_000_000n + BigInt(i), eth, { flags: 1 })));

  const byte = (r: CaptureRecord) => {
    sink = (sink + r.buf[r.off]! + r.nsec) | 0;
  };
  const view = (r: CaptureRecord) => {
    sink = (sink + r.data[0]! + r.nsec) | 0;
  };
  const info = new LinkInfo();
  const link = (r: CaptureRecord) => {
    if (findIp(r.linkType, r.buf, info, r.off, r.capLen) === LINK_IP) sink = (sink + r.buf[info.off]!) | 0;
  };
  const cases: [string, Uint8Array[], (r: CaptureRecord) => void][] = [
    ['pcap, one 7.6 MB chunk', [pcap], byte],
    ['pcap, 1 MiB chunks', chunked(pcap, 1 << 20), byte],
    ['pcap, 64 KiB chunks', chunked(pcap, 1 << 16), byte],
    ['pcap, 64 KiB chunks, r.data', chunked(pcap, 1 << 16), view],
    ['pcap, 64 KiB chunks, findIp', chunked(pcap, 1 << 16), link],
    ['pcapng EPB Ethernet, 1 MiB chunks', chunked(pcapng, 1 << 20), byte],
    ['pcapng EPB Ethernet, 1 MiB, findIp', chunked(pcapng, 1 << 20), link],
  ];

  console.log(`capture reader, ${PACKETS.toLocaleString('en-US')} records of ${PACKET_LEN} octets, node ${process.version}, ${process.arch}`);
  const suite = new Benchmark.Suite('capture');
  for (const [name, chunks, onRecord] of cases) {
    suite.add(name, () => {
      const r = new CaptureReader(onRecord);
      for (const c of chunks) r.push(c);
      if (r.packets !== PACKETS || !r.end().complete) throw new Error(`${name}: read ${r.packets} records`);
    }, { maxTime: 1 });
  }
  suite.run({ async: false });
  const rows: CaptureBenchRow[] = [];
  suite.forEach((b: Benchmark) => {
    const row = { name: b.name ?? '', recordsPerSec: b.hz * PACKETS, rme: b.stats.rme };
    rows.push(row);
    console.log(`  ${row.name.padEnd(36)} ${(row.recordsPerSec / 1e6).toFixed(1).padStart(6)} M records/s ±${row.rme.toFixed(1)}%  ${(1e9 / row.recordsPerSec).toFixed(1).padStart(6)} ns/record`);
  });
  if (sink === 0x1_0000) console.log('');
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

/**
 * `xlat464 pcap` on a large capture, side by side with tcpdump reading the same file, in one run:
 * packets per second, seconds per GB, and peak resident memory of each, as ratios.
 *
 *   node dist/bench/pcap.js [--size MB] [--profile small|mixed] [--keep FILE]
 *
 * The capture is written first (Ethernet, pcap, µs): IPv6 packets of two tenants (the fixture's
 * plan, blue and red, 32 hosts each) with IPv4 embedded, as a fabric capture holds them.
 * `small` is 64-octet IPv6/UDP packets only (the packet-rate case); `mixed` is a third each of
 * 64-octet UDP, 72-octet TCP ACKs and 1500-octet TCP data. Default: 1024 MB, mixed.
 *
 * Measured, each as its own process reading the file from the page cache (one warm-up read first):
 *   xlat464 pcap --stats       counting per tenant, talkers, and the translator's verdict per packet
 *   xlat464 pcap (text)        one line per packet, to /dev/null
 *   tcpdump -n -r              one line per packet, to /dev/null (the peer)
 * Memory: the peak of VmRSS, sampled every 50 ms from /proc, and VmHWM at the last sample: constant
 * memory shows as the same peak for a 100 MB and a 1 GB file (run both with --size).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPacket, parseIPv6 } from '../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/src/cli/main.js');
const config = join(root, 'test/fixtures/two-tenants.yaml');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}
const sizeMb = Number(arg('--size', '1024'));
const profile = arg('--profile', 'mixed');
const keep = arg('--keep', '');
if (!(sizeMb > 0) || (profile !== 'small' && profile !== 'mixed')) {
  process.stderr.write('usage: node dist/bench/pcap.js [--size MB] [--profile small|mixed] [--keep FILE]\n');
  process.exit(2);
}

/** fd00:64:0:T:a:0:H00:0-style addresses of the fixture's plan: tenant T, IPv4 10.0.0.H. */
const addr = (t: number, h: number) => parseIPv6(`fd00:64:0:${t}:a:0:${h.toString(16)}00:0`);
const ETH = Uint8Array.of(2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd);

function frames(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < 192; i++) {
    const t = 1 + (i % 2);
    const src = addr(t, 1 + (i % 32));
    const dst = addr(t, 1 + ((i * 7) % 32));
    const kind = profile === 'small' ? 0 : i % 3;
    const ip =
      kind === 0
        ? buildPacket({ ip: { version: 6, src, dst, hopLimit: 64 }, l4: { proto: 'udp', srcPort: 40000 + i, dstPort: 53 }, payload: new Uint8Array(16) })
        : kind === 1
          ? buildPacket({ ip: { version: 6, src, dst, hopLimit: 64 }, l4: { proto: 'tcp', srcPort: 50000 + i, dstPort: 443, flags: 0x10, options: new Uint8Array(12).fill(1) } })
          : buildPacket({ ip: { version: 6, src, dst, hopLimit: 64 }, l4: { proto: 'tcp', srcPort: 50000 + i, dstPort: 443, flags: 0x18 }, payload: new Uint8Array(1440).fill(i) });
    const f = new Uint8Array(ETH.length + ip.length);
    f.set(ETH);
    f.set(ip, ETH.length);
    out.push(f);
  }
  return out;
}

function writeCapture(file: string, bytes: number): number {
  const fs = frames();
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const fd = openSync(file, 'w');
  writeSync(fd, header);
  let written = 24;
  let packets = 0;
  let usec = 0;
  const chunk = Buffer.alloc(4 << 20);
  while (written < bytes) {
    let at = 0;
    for (let i = 0; ; i = (i + 1) % fs.length) {
      const f = fs[i]!;
      if (at + 16 + f.length > chunk.length || written + at >= bytes) break;
      usec += 3;
      chunk.writeUInt32LE(1_700_000_000 + Math.floor(usec / 1e6), at);
      chunk.writeUInt32LE(usec % 1e6, at + 4);
      chunk.writeUInt32LE(f.length, at + 8);
      chunk.writeUInt32LE(f.length, at + 12);
      chunk.set(f, at + 16);
      at += 16 + f.length;
      packets++;
    }
    writeSync(fd, chunk, 0, at);
    written += at;
  }
  closeSync(fd);
  return packets;
}

interface Result {
  name: string;
  seconds: number;
  peakRssMb: number;
  ok: boolean;
  detail: string;
}

/** Runs a command with stdout to /dev/null; samples its resident memory from /proc. */
function measure(name: string, cmd: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    let peak = 0;
    const sample = () => {
      try {
        const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const rss = Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0);
        peak = Math.max(peak, rss, hwm);
      } catch {
        // exited between samples
      }
    };
    const timer = setInterval(sample, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ name, seconds, peakRssMb: peak / 1024, ok: code === 0, detail: code === 0 ? '' : `exit ${code}: ${err.slice(0, 200)}` });
    });
  });
}

async function main(): Promise<void> {
  const file = keep || join(tmpdir(), `xlat464-bench-${process.pid}.pcap`);
  const reuse = keep !== '' && existsSync(keep) && statSync(keep).size >= sizeMb * 1e6 * 0.99;
  let packets: number;
  if (reuse) {
    packets = Number(spawnSync('capinfos', ['-c', '-M', '-T', keep], { encoding: 'utf8' }).stdout.trim().split('\n').pop()?.split('\t')[1] ?? NaN);
  } else {
    process.stderr.write(`writing a ${sizeMb} MB ${profile} capture to ${file} ...\n`);
    packets = writeCapture(file, sizeMb * 1e6);
  }
  const size = statSync(file).size;
  process.stderr.write(`${packets} packets, ${(size / 1e6).toFixed(0)} MB; warming the page cache\n`);
  await measure('warm-up', 'cat', [file]);
  const tcpdump = spawnSync('tcpdump', ['--version']).status === 0;
  const runs: Result[] = [];
  runs.push(await measure('xlat464 pcap --stats', process.execPath, [cli, 'pcap', '--no-progress', '--config', config, '--stats', file]));
  runs.push(await measure('xlat464 pcap (text)', process.execPath, [cli, 'pcap', '--no-progress', '--config', config, file]));
  if (tcpdump) runs.push(await measure('tcpdump -n -r (text)', 'tcpdump', ['-n', '-r', file]));
  if (!keep) rmSync(file, { force: true });

  const peer = runs.find((r) => r.name.startsWith('tcpdump'));
  process.stdout.write(`\n${packets} packets (${profile}), ${(size / 1e6).toFixed(0)} MB, node ${process.version}\n\n`);
  process.stdout.write('| run | seconds | packets/s | s per GB | peak RSS MB | packets/s vs tcpdump |\n|---|---|---|---|---|---|\n');
  for (const r of runs) {
    const pps = packets / r.seconds;
    const ratio = peer && peer.ok ? `${(pps / (packets / peer.seconds)).toFixed(2)}x` : '-';
    process.stdout.write(`| ${r.name}${r.ok ? '' : ` (FAILED ${r.detail})`} | ${r.seconds.toFixed(2)} | ${(pps / 1e6).toFixed(2)} M | ${(r.seconds / (size / 1e9)).toFixed(2)} | ${r.peakRssMb.toFixed(0)} | ${ratio} |\n`);
  }
  if (!tcpdump) process.stdout.write('\n(tcpdump not installed: no peer figures; apt-get install tcpdump)\n');
}

await main();

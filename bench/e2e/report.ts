/**
 * The end-to-end benchmark's arithmetic (bench/e2e/run.sh does the measuring):
 *   `record NAME INDEX DIR CPU`  reads one run's raw outputs and prints one JSON line;
 *   `summarize RUNS.jsonl ...`   prints the markdown table (median with min-max per variant, and
 *                                the ratios of RATIOS) and writes results.json.
 * NAME is one of run.sh's variants (tayga, xlat464, xlat464-uring, xlat464-poll, xlat464-offload,
 * xlat464-offload-uring, xlat464-offload-poll, xlat464-offload-2w, echo, echo-offload); the field is still called `translator` although the echoes translate nothing.
 * Units are in the field names: `Gbps` is 10^9 bit/s, `Pps` packets/s, `Us` microseconds,
 * `CpuSPerGB` translator CPU seconds (user + system, all threads) per 10^9 octets received.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** One run of one translator. */
export interface RunRecord {
  translator: string;
  run: number;
  tcp1Gbps: number;
  tcp4Gbps: number;
  tcp1Retransmits: number;
  tcp4Retransmits: number;
  tcpCpuSPerGB: number;
  /** Translator CPU during the 1-stream TCP run, as a share of one core (1 = 100 %). */
  tcp1CpuCores: number;
  tcp4CpuCores: number;
  /** 64-octet IPv4 packets udpflood's sendmmsg calls handed to the kernel, per second of its run. */
  udpSentPps: number;
  /** The same leaving the client's veth (a check on udpSentPps: they should agree). */
  udpLinkSentPps: number;
  /**
   * Datagrams that reached the server's veth, per second of the sender's run: what the translator
   * forwarded. Counted by run.sh's nftables sink from its packets and octets, so each datagram of a
   * UDP GSO super-packet (GRO on the write side) counts once.
   */
  udpRxPps: number;
  /** The flood's IP packets at the server's veth per second: a UDP GSO super-packet counts once. */
  udpLinkRxPps: number;
  udpCpuCores: number;
  /** Translator CPU time per packet forwarded during the UDP flood, µs: its cost whatever limits the rate. */
  udpCpuUsPerPkt: number;
  /** Packets the TUN dropped because the translator did not read them in time. */
  udpTunDrops: number;
  /**
   * udpTunDrops as a share of the packets that left the client's veth (1 = 100 %): well above 0,
   * the process under test was saturated; near 0, the generator was the limit and the forwarded
   * rate is a lower bound.
   */
  udpTunDropShare: number;
  tcpLatUs: number;
  udpLatUs: number;
  /** Translator CPU during the latency tests (one packet at a time), as a share of one core: what a busy poll costs. */
  latCpuCores: number;
  /** Busy share (1 = 100 %) of core 0 and core 1 during each test, and the softirq part of it. */
  tcp1Core0Busy: number;
  tcp1Core1Busy: number;
  tcp1Core0Softirq: number;
  tcp4Core0Busy: number;
  tcp4Core1Busy: number;
  udpCore0Busy: number;
  udpCore1Busy: number;
  udpCore0Softirq: number;
  /** The CPU the translator last ran on (checks the pinning). */
  lastCpu: number;
  /** Echo variants only (tunecho's counters over the whole run: TCP, UDP and latency tests). */
  echo?: EchoCounters;
}

/** The JSON line bench/e2e/tunecho.c prints when stopped. */
export interface EchoCounters {
  offload: number;
  /** 1 when the kernel took TUN_F_USO4|TUN_F_USO6 as well. */
  uso: number;
  reads: number;
  bytes: number;
  writeErrors: number;
  polls: number;
  /** Largest read, virtio header included. */
  maxRead: number;
  /** Reads longer than 1500 octets (+ header): GSO super-packets kept whole up to the TUN. */
  superReads: number;
}

/**
 * Two /proc/stat snapshots of cpu0 and cpu1 (before, after): the busy share of each core and its
 * softirq part. Columns: user nice system idle iowait irq softirq steal ...
 */
function coreBusy(file: string): { busy: [number, number]; softirq: [number, number] } {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).slice(1, 9).map(Number));
  const busy: [number, number] = [NaN, NaN];
  const softirq: [number, number] = [NaN, NaN];
  for (const c of [0, 1] as const) {
    const a = rows[c]!;
    const b = rows[c + 2]!;
    const d = b.map((v, i) => v - a[i]!);
    const total = d.reduce((x, y) => x + y, 0);
    const idle = d[3]! + d[4]!;
    busy[c] = (total - idle) / total;
    softirq[c] = d[6]! / total;
  }
  return { busy, softirq };
}

function tcp(dir: string, streams: number): { gbps: number; bytes: number; retrans: number; ticks: number; tck: number; wall: number } {
  const j = JSON.parse(readFileSync(`${dir}/tcp${streams}.json`, 'utf8')) as {
    error?: string;
    end: { sum_received: { bits_per_second: number; bytes: number }; sum_sent: { retransmits?: number } };
  };
  if (j.error) throw new Error(`${dir}/tcp${streams}.json: iperf3: ${j.error}`);
  const [ticks, tck, w0, w1] = readFileSync(`${dir}/tcp${streams}.cpu`, 'utf8').trim().split(/\s+/).map(Number) as [number, number, number, number];
  return {
    gbps: j.end.sum_received.bits_per_second / 1e9,
    bytes: j.end.sum_received.bytes,
    retrans: j.end.sum_sent.retransmits ?? 0,
    ticks,
    tck,
    wall: w1 - w0,
  };
}

/** The JSON line `udpflood send` writes (bench/e2e/udpflood.c). */
function udpflood(file: string): { packets: number; seconds: number; pps: number } {
  const j = JSON.parse(readFileSync(file, 'utf8').trim()) as { packets?: number; seconds?: number; pps?: number };
  if (typeof j.packets !== 'number' || typeof j.seconds !== 'number' || typeof j.pps !== 'number') throw new Error(`${file}: not udpflood output`);
  return { packets: j.packets, seconds: j.seconds, pps: j.pps };
}

/** qperf -vu: "tcp_lat:\n    latency = 25.6 us" per test; units us, ms or sec. */
function qperfLatencyUs(text: string, test: string): number {
  const at = text.indexOf(`${test}:`);
  if (at < 0) return NaN;
  const m = /latency\s*=\s*([\d.]+)\s*(ns|us|ms|sec)/.exec(text.slice(at));
  if (!m) return NaN;
  const scale: Record<string, number> = { ns: 1e-3, us: 1, ms: 1e3, sec: 1e6 };
  return Number(m[1]) * (scale[m[2]!] ?? NaN);
}

export function record(translator: string, run: number, dir: string, lastCpu: number): RunRecord {
  const t1 = tcp(dir, 1);
  const t4 = tcp(dir, 4);
  const [sent, rx, w0, w1, ticks, tck, drops, datagrams] = readFileSync(`${dir}/udp.txt`, 'utf8').trim().split(/\s+/).map(Number) as number[];
  if (datagrams === undefined || !Number.isFinite(datagrams)) throw new Error(`${dir}/udp.txt: expected 8 figures (run.sh udp_flood)`);
  const udpWall = w1! - w0!;
  const gen = udpflood(`${dir}/udp-send.json`);
  const q = readFileSync(`${dir}/qperf.txt`, 'utf8');
  const latCpu = existsSync(`${dir}/lat.cpu`) ? (readFileSync(`${dir}/lat.cpu`, 'utf8').trim().split(/\s+/).map(Number) as [number, number, number, number]) : undefined;
  const c1 = coreBusy(`${dir}/tcp1.cores`);
  const c4 = coreBusy(`${dir}/tcp4.cores`);
  const cu = coreBusy(`${dir}/udp.cores`);
  const echoFile = `${dir}/echo.json`;
  const echo = existsSync(echoFile) ? (JSON.parse(readFileSync(echoFile, 'utf8').trim() || 'null') as EchoCounters | null) : null;
  return {
    translator,
    run,
    tcp1Gbps: t1.gbps,
    tcp4Gbps: t4.gbps,
    tcp1Retransmits: t1.retrans,
    tcp4Retransmits: t4.retrans,
    tcpCpuSPerGB: (t1.ticks + t4.ticks) / t1.tck / ((t1.bytes + t4.bytes) / 1e9),
    tcp1CpuCores: t1.ticks / t1.tck / t1.wall,
    tcp4CpuCores: t4.ticks / t4.tck / t4.wall,
    udpSentPps: gen.pps,
    udpLinkSentPps: sent! / udpWall,
    udpRxPps: datagrams / udpWall,
    udpLinkRxPps: rx! / udpWall,
    udpCpuCores: ticks! / tck! / udpWall,
    udpCpuUsPerPkt: datagrams > 0 ? (ticks! / tck! / datagrams) * 1e6 : NaN,
    udpTunDrops: drops!,
    udpTunDropShare: sent! > 0 ? drops! / sent! : NaN,
    tcpLatUs: qperfLatencyUs(q, 'tcp_lat'),
    udpLatUs: qperfLatencyUs(q, 'udp_lat'),
    latCpuCores: latCpu === undefined ? NaN : latCpu[0] / latCpu[1] / (latCpu[3] - latCpu[2]),
    tcp1Core0Busy: c1.busy[0],
    tcp1Core1Busy: c1.busy[1],
    tcp1Core0Softirq: c1.softirq[0],
    tcp4Core0Busy: c4.busy[0],
    tcp4Core1Busy: c4.busy[1],
    udpCore0Busy: cu.busy[0],
    udpCore1Busy: cu.busy[1],
    udpCore0Softirq: cu.softirq[0],
    lastCpu,
    ...(echo ? { echo } : {}),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Figure {
  key: keyof RunRecord;
  label: string;
  digits: number;
  /** true: a ratio below 1 means the variant named first is better. */
  lowerIsBetter: boolean;
  /** Shown in the ratio columns. */
  ratio?: boolean;
}

const FIGURES: Figure[] = [
  { key: 'tcp1Gbps', label: 'TCP 1 stream, Gbit/s', digits: 2, lowerIsBetter: false, ratio: true },
  { key: 'tcp4Gbps', label: 'TCP 4 streams, Gbit/s', digits: 2, lowerIsBetter: false, ratio: true },
  { key: 'udpRxPps', label: 'UDP 64-octet packets received at the server veth (forwarded by the translator), kpps', digits: 0, lowerIsBetter: false, ratio: true },
  { key: 'tcpLatUs', label: 'qperf tcp_lat, µs', digits: 1, lowerIsBetter: true, ratio: true },
  { key: 'udpLatUs', label: 'qperf udp_lat, µs', digits: 1, lowerIsBetter: true, ratio: true },
  { key: 'tcpCpuSPerGB', label: 'translator (or echo) CPU s per GB (TCP 1+4)', digits: 2, lowerIsBetter: true, ratio: true },
  { key: 'udpCpuUsPerPkt', label: 'translator (or echo) CPU µs per 64-octet UDP packet forwarded', digits: 2, lowerIsBetter: true, ratio: true },
  { key: 'tcp1CpuCores', label: 'translator CPU during TCP 1 stream, % of core 0', digits: 0, lowerIsBetter: true },
  { key: 'udpCpuCores', label: 'translator CPU during UDP flood, % of core 0', digits: 0, lowerIsBetter: true },
  { key: 'latCpuCores', label: 'translator CPU during the latency tests, % of core 0', digits: 0, lowerIsBetter: true },
  { key: 'tcp1Core0Busy', label: 'core 0 (translator) busy during TCP 1 stream, %', digits: 0, lowerIsBetter: true },
  { key: 'tcp1Core1Busy', label: 'core 1 (tools) busy during TCP 1 stream, %', digits: 0, lowerIsBetter: true },
  { key: 'tcp4Core0Busy', label: 'core 0 (translator) busy during TCP 4 streams, %', digits: 0, lowerIsBetter: true },
  { key: 'tcp4Core1Busy', label: 'core 1 (tools) busy during TCP 4 streams, %', digits: 0, lowerIsBetter: true },
  { key: 'udpCore0Busy', label: 'core 0 (translator) busy during UDP flood, %', digits: 0, lowerIsBetter: true },
  { key: 'udpCore0Softirq', label: '  of which softirq, %', digits: 0, lowerIsBetter: true },
  { key: 'udpCore1Busy', label: 'core 1 (tools) busy during UDP flood, %', digits: 0, lowerIsBetter: true },
  { key: 'udpSentPps', label: 'UDP 64-octet packets sent (udpflood, sendmmsg on core 1), kpps', digits: 0, lowerIsBetter: false },
  { key: 'udpLinkRxPps', label: 'IP packets of the flood arriving at the server veth (a UDP GSO super-packet counts once), kpps', digits: 0, lowerIsBetter: false },
  { key: 'udpTunDrops', label: 'UDP packets dropped at the TUN queue (per run)', digits: 0, lowerIsBetter: true },
  { key: 'udpTunDropShare', label: 'the same, % of the packets sent (near 0: the generator was the limit, not the process under test)', digits: 1, lowerIsBetter: true },
];

function scaled(f: Figure, v: number): number {
  if (/Pps$/.test(f.key)) return v / 1e3;
  if (/CpuCores$|Busy$|Softirq$|Share$/.test(f.key)) return v * 100;
  return v;
}

/** Table columns in this order; a variant run.sh does not know goes after them. */
export const VARIANTS = [
  'tayga',
  'xlat464',
  'xlat464-uring',
  'xlat464-poll',
  'xlat464-offload',
  'xlat464-offload-uring',
  'xlat464-offload-poll',
  'xlat464-offload-2w',
  'echo',
  'echo-offload',
] as const;

/** Ratio columns, [numerator, denominator], each shown when both were run. */
export const RATIOS: readonly (readonly [string, string])[] = [
  ['xlat464', 'tayga'],
  ['xlat464-offload', 'tayga'],
  ['xlat464-offload-2w', 'tayga'],
  ['xlat464-uring', 'tayga'],
  ['xlat464-offload-uring', 'tayga'],
  ['xlat464-poll', 'tayga'],
  ['xlat464-offload-poll', 'tayga'],
  ['xlat464', 'echo'],
  ['xlat464-uring', 'echo'],
  ['xlat464-offload', 'echo-offload'],
  ['xlat464-offload-uring', 'echo-offload'],
  ['xlat464-offload-poll', 'echo-offload'],
];

const HEADS: Record<string, string> = { tayga: 'TAYGA' };
const head = (n: string): string => HEADS[n] ?? n;

export function summarize(runsFile: string, meta: Record<string, string>): string {
  const runs = readFileSync(runsFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunRecord);
  const seen = new Set(runs.map((r) => r.translator));
  const names = [...VARIANTS.filter((v) => seen.has(v)), ...[...seen].filter((n) => !(VARIANTS as readonly string[]).includes(n))];
  const stats: Record<string, Record<string, { median: number; min: number; max: number; values: number[] }>> = {};
  for (const n of names) {
    stats[n] = {};
    for (const f of FIGURES) {
      const values = runs.filter((r) => r.translator === n).map((r) => scaled(f, r[f.key] as number));
      stats[n]![f.key] = { median: median(values), min: Math.min(...values), max: Math.max(...values), values };
    }
  }
  const cell = (n: string, f: Figure): string => {
    const s = stats[n]?.[f.key];
    if (!s) return '-';
    return `${s.median.toFixed(f.digits)} (${s.min.toFixed(f.digits)}–${s.max.toFixed(f.digits)})`;
  };
  const pairs = RATIOS.filter(([a, b]) => seen.has(a) && seen.has(b));
  /** results.json: ratios["xlat464/tayga"].tcp1Gbps = median / median. */
  const ratios: Record<string, Record<string, number>> = {};
  for (const [a, b] of pairs) {
    const r: Record<string, number> = {};
    for (const f of FIGURES.filter((x) => x.ratio)) {
      const x = stats[a]![f.key]!.median;
      const y = stats[b]![f.key]!.median;
      if (y !== 0 && Number.isFinite(x) && Number.isFinite(y)) r[f.key] = x / y;
    }
    ratios[`${a}/${b}`] = r;
  }
  const lines: string[] = [];
  lines.push(
    `${names.map(head).join(', ')} (TAYGA ${meta.tayga ?? '?'}), ${meta.runs ?? '?'} runs each (interleaved), ${meta.duration ?? '?'} s per test; ` +
      `median (min–max). Kernel ${meta.kernel ?? '?'}, ${meta.cpu ?? '?'}, Node ${meta.node ?? '?'}. ` +
      `Translator or echo on core 0, tools on core 1` +
      (seen.has('xlat464-offload-2w') ? ' (xlat464-offload-2w runs on cores 0 and 1: its second worker shares core 1 with the tools)' : '') +
      `. Load average before the run: ${meta.load ?? '?'}.`,
  );
  if (pairs.length) {
    lines.push('');
    lines.push('Ratios are median / median: above 1 is better for Gbit/s and kpps, below 1 for µs and CPU s/GB.');
  }
  lines.push('');
  lines.push(`| figure | ${[...names.map(head), ...pairs.map(([a, b]) => `${head(a)} / ${head(b)}`)].join(' | ')} |`);
  lines.push(`|${'---|'.repeat(1 + names.length + pairs.length)}`);
  for (const f of FIGURES) {
    const rs = pairs.map(([a, b]) => {
      const v = ratios[`${a}/${b}`]![f.key];
      return f.ratio && v !== undefined ? v.toFixed(2) : '';
    });
    lines.push(`| ${f.label} | ${[...names.map((n) => cell(n, f)), ...rs].join(' | ')} |`);
  }
  const echoes = runs.filter((r) => r.echo);
  if (echoes.length) {
    lines.push('');
    lines.push('TUN reads of the echoes (whole run: TCP, UDP and latency tests; super-packet = longer than 1500 octets + virtio header):');
    lines.push('');
    for (const r of echoes) {
      const e = r.echo!;
      lines.push(
        `- ${r.translator} run ${r.run}: ${e.reads} reads, ${e.superReads} super-packets, largest ${e.maxRead} octets, ` +
          `${(e.bytes / Math.max(e.reads, 1)).toFixed(0)} octets per read on average, ${e.writeErrors} failed writes` +
          (e.offload ? `, USO ${e.uso ? 'accepted' : 'refused (TSO only)'}` : ''),
      );
    }
  }
  const table = lines.join('\n');
  writeFileSync(meta.out ?? '/tmp/xlat464-e2e-bench/results.json', JSON.stringify({ meta, stats, ratios, runs }, null, 2) + '\n');
  return table;
}

function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  if (cmd === 'record') {
    const [name, index, dir, cpu] = rest;
    if (!name || !index || !dir) throw new Error('usage: report.js record NAME INDEX DIR [CPU]');
    console.log(JSON.stringify(record(name, Number(index), dir, Number(cpu ?? NaN))));
  } else if (cmd === 'summarize') {
    const [file, ...opts] = rest;
    if (!file) throw new Error('usage: report.js summarize RUNS.jsonl [--key value]...');
    const meta: Record<string, string> = {};
    for (let i = 0; i + 1 < opts.length; i += 2) meta[opts[i]!.replace(/^--/, '')] = opts[i + 1]!;
    console.log(summarize(file, meta));
  } else {
    throw new Error('usage: report.js record|summarize ...');
  }
}

main(process.argv.slice(2));

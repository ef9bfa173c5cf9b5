/**
 * Independent validation of emitted packets with Wireshark's dissectors (tshark): a second opinion
 * on lengths and checksums that shares no code with ours.
 *
 * Packets are written to one pcap (LINKTYPE_RAW, src/io/pcap.ts) per batch, because tshark takes
 * about a second to start; `tshark -T json` then dissects them with checksum verification on for
 * IPv4, TCP and UDP (ICMP and ICMPv6 always verify), reassembly off (each fragment is judged on its
 * own), and for every packet we require:
 *  - the outermost header is IPv4 or IPv6 and its length field matches the packet length
 *    (IPv4 Total Length, IPv6 40 + Payload Length);
 *  - every checksum tshark looked at, outer and inside ICMP errors, is not "Bad" (status 0) or
 *    "Illegal" (status 4, e.g. a zero UDP checksum over IPv6);
 *  - the outer IPv4 header checksum and, for a packet that is not a fragment, the outer TCP, UDP,
 *    ICMP or ICMPv6 checksum were verified "Good" (UDP over IPv4 may carry none: RFC 768);
 *  - no "Malformed" marker and no expert info of severity Error or Warning (with a short list of
 *    warnings that describe legal packets, below).
 *
 * Lives outside test/ because `node --test DIR` runs every .js under DIR.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcapFile } from '../src/io/pcap.js';

/** A packet to check, with a label that names it in problem reports. */
export interface LabelledPacket {
  label: string;
  bytes: Uint8Array;
  /**
   * The TCP/UDP header came from an input whose own transport checksum or length was already wrong
   * (mutated fuzz input): a stateless translator updates it incrementally (RFC 1624) and does not
   * repair it, so tshark's TCP/UDP checksum and length verdicts are not judged for this packet.
   * Everything else (IP lengths and checksum, ICMP, malformed) still is.
   */
  transportMayBeBad?: boolean;
  /**
   * Made from mutated input (the fuzzer): judge what the translator writes (IP header, lengths, IPv4
   * header checksum, the outer TCP/UDP/ICMP/ICMPv6 checksum, no malformed outer header), not what it
   * carries as received (the datagram quoted in an ICMP error, a tunnelled packet under protocol 4
   * or 41), which RFC 7915 does not make it repair.
   */
  asReceived?: boolean;
}

/** What tshark said: `skipped` when it could not run (and may not: see {@link tsharkAvailability}). */
export interface TsharkReport {
  skipped?: string;
  checked: number;
  /** One line per problem: `label: what`. Empty when every packet passed. */
  problems: string[];
}

// Wireshark's expert severities (epan/proto.h: PI_WARN, PI_ERROR) and the Malformed group.
const PI_WARN = 0x00600000;
const PI_ERROR = 0x00800000;
const PI_MALFORMED = 0x07000000;
// epan/proto.h proto_checksum_enum_e.
const CHECKSUM_BAD = '0';
const CHECKSUM_GOOD = '1';
const CHECKSUM_NOT_PRESENT = '3';
const CHECKSUM_ILLEGAL = '4';

/**
 * Warnings tshark gives about packets that are nevertheless correct for a translator to emit.
 * Each one says why it is allowed.
 */
const ALLOWED_WARNINGS: readonly RegExp[] = [
  // A quoted datagram inside an ICMP error is cut short on purpose (RFC 792 / RFC 4443 §2.4(c)).
  /^Header length is|^Length is|truncated|Short/i,
];

/**
 * Warnings about TCP semantics (a RST, odd flag combinations, an MSS option outside SYN) describe
 * what the sender chose, not a broken header: property tests send random flags on purpose.
 */
const TCP_SEMANTICS = /(^|\/)tcp\/(tcp\.flags_tree|tcp\.analysis|tcp\.options_tree|tcp\.reset_cause_tree)/;

const TSHARK_ARGS = [
  '-n',
  '-T', 'json',
  '--no-duplicate-keys',
  '-o', 'ip.check_checksum:TRUE',
  '-o', 'tcp.check_checksum:TRUE',
  '-o', 'udp.check_checksum:TRUE',
  '-o', 'udp.ignore_ipv6_zero_checksum:FALSE',
  '-o', 'ip.defragment:FALSE',
  '-o', 'ipv6.defragment:FALSE',
  '-o', 'ip.tso_support:FALSE',
  '-o', 'ip.use_geoip:FALSE',
  '-o', 'ipv6.use_geoip:FALSE',
  '-o', 'tcp.analyze_sequence_numbers:FALSE',
];

let availability: { ok: boolean; reason: string } | undefined;
let configDir: string | undefined;

/**
 * A Wireshark configuration directory that disables every dissector above the transport layer:
 * we check IP, ICMP, TCP and UDP, and a test payload to port 53 is not a malformed DNS message.
 */
function wiresharkConfigDir(): string {
  if (configDir === undefined) {
    const keep = /^(_ws\..*|frame|raw|ip|ipv6|ipv6\..*|icmp|icmpv6|tcp|tcp\.options\..*|udp|data)$/;
    const all = execFileSync('tshark', ['-G', 'protocols'], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
    const disabled = all.split('\n').map((l) => l.split('\t')[2] ?? '').filter((n) => n !== '' && !keep.test(n));
    configDir = mkdtempSync(join(tmpdir(), 'xlat464-wireshark-'));
    writeFileSync(join(configDir, 'disabled_protos'), disabled.join('\n') + '\n');
    process.once('exit', () => rmSync(configDir!, { recursive: true, force: true }));
  }
  return configDir;
}

/**
 * Whether tshark can run here. Missing tshark is a skip only for a non-root user; as root (CI)
 * the caller must fail, since .ci/run installs it.
 */
export function tsharkAvailability(): { ok: boolean; mustRun: boolean; reason: string } {
  const mustRun = typeof process.getuid === 'function' && process.getuid() === 0;
  if (availability === undefined) {
    const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
    availability = r.status === 0 ? { ok: true, reason: r.stdout.split('\n')[0] ?? 'tshark' } : { ok: false, reason: `tshark not runnable: ${r.error?.message ?? r.stderr}` };
  }
  return { ...availability, mustRun };
}

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };

function first(x: Json | undefined): Json | undefined {
  return Array.isArray(x) ? x[0] : x;
}

function field(layer: Json | undefined, key: string): string | undefined {
  const l = first(layer);
  if (l === null || typeof l !== 'object' || Array.isArray(l)) return undefined;
  const v = first(l[key]);
  return typeof v === 'string' ? v : undefined;
}

/** Every (key, value) pair in the tree, depth first. */
function* walk(x: Json, path: string): Generator<[string, Json, string]> {
  if (Array.isArray(x)) {
    for (const e of x) yield* walk(e, path);
  } else if (x !== null && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      yield [k, v, path];
      yield* walk(v, path === '' ? k : `${path}/${k}`);
    }
  }
}

function problemsOf(layers: { [k: string]: Json }, bytes: Uint8Array, opts: Pick<LabelledPacket, 'transportMayBeBad' | 'asReceived'>): string[] {
  const out: string[] = [];
  const frameLen = bytes.length;
  const version = bytes.length > 0 ? bytes[0]! >> 4 : -1;
  let transport: string | undefined;
  let fragment = false;
  if (version === 4) {
    const ip = layers['ip'];
    if (ip === undefined) return ['tshark found no IPv4 layer'];
    const total = Number(field(ip, 'ip.len'));
    if (total !== frameLen) out.push(`IPv4 Total Length ${total} != packet length ${frameLen}`);
    if (field(ip, 'ip.checksum.status') !== CHECKSUM_GOOD) out.push(`IPv4 header checksum status ${field(ip, 'ip.checksum.status')} (want Good)`);
    const flags = first((first(ip) as { [k: string]: Json })['ip.flags_tree']);
    const mf = field(flags ?? undefined, 'ip.flags.mf');
    fragment = mf === '1' || Number(field(ip, 'ip.frag_offset') ?? 0) !== 0;
    transport = field(ip, 'ip.proto');
  } else if (version === 6) {
    const ip6 = layers['ipv6'];
    if (ip6 === undefined) return ['tshark found no IPv6 layer'];
    const plen = Number(field(ip6, 'ipv6.plen'));
    if (plen + 40 !== frameLen) out.push(`IPv6 40 + Payload Length ${plen + 40} != packet length ${frameLen}`);
    fragment = JSON.stringify(ip6).includes('"ipv6.fragment');
    transport = field(ip6, 'ipv6.nxt');
  } else {
    return [`version nibble ${version}`];
  }

  const statuses = new Map<string, string>();
  // Packets made from mutated input (the fuzzer): what the translator carries as received is not
  // judged. That is the datagram quoted in an ICMP error (beyond the ICMP checksum, which covers
  // it), the payload of an IP-in-IP or IPv6-in-IPv4 tunnel (protocol 4, 41: opaque to RFC 7915),
  // and, with transportMayBeBad, the TCP/UDP header. A dissector exception is reported at the top
  // level whichever layer threw, so for these packets it is attributed to the carried part.
  const asReceived = opts.asReceived === true;
  const tunnel = asReceived && (transport === '4' || transport === '41');
  const carried = (k: string, path: string): boolean =>
    tunnel ||
    (opts.transportMayBeBad === true && /(^|\/)(tcp|udp)(\.|\/|$)/.test(path)) ||
    (asReceived && /^(icmp|icmpv6)(\/|$)/.test(path) && !(path === 'icmp' && k === 'icmp.checksum.status') && !(path === 'icmpv6' && k === 'icmpv6.checksum.status')) ||
    ((asReceived || opts.transportMayBeBad === true) && (path === '' || path === '_ws.malformed') && k !== 'ip' && k !== 'ipv6');
  for (const [k, v, path] of walk(layers, '')) {
    if (carried(k, path)) continue;
    if (k === '_ws.malformed') out.push(`Malformed (${path || 'top'})`);
    if (k.endsWith('checksum.status') && typeof v === 'string') {
      // Outer statuses are those not nested inside an ICMP error's quoted packet.
      const outer = !/(^|\/)(icmp|icmpv6)\//.test(path + '/') || k.startsWith('icmp');
      if (outer && !statuses.has(k)) statuses.set(k, v);
      if (v === CHECKSUM_BAD) out.push(`${k} Bad (${path})`);
      if (v === CHECKSUM_ILLEGAL) out.push(`${k} Illegal (${path})`);
    }
    if (k === '_ws.expert' && v !== null && typeof v === 'object') {
      for (const e of Array.isArray(v) ? v : [v]) {
        if (e === null || typeof e !== 'object' || Array.isArray(e)) continue;
        const sev = Number(first(e['_ws.expert.severity']));
        const group = Number(first(e['_ws.expert.group']));
        const msg = String(first(e['_ws.expert.message']));
        if (group === PI_MALFORMED) out.push(`Malformed: ${msg} (${path})`);
        else if (sev >= PI_ERROR) out.push(`expert error: ${msg} (${path})`);
        else if (sev >= PI_WARN && !ALLOWED_WARNINGS.some((re) => re.test(msg)) && !TCP_SEMANTICS.test(path)) out.push(`expert warning: ${msg} (${path})`);
      }
    }
  }
  if (!fragment && !out.some((p) => p.includes('Bad'))) {
    const want: Record<string, string> = { '6': 'tcp.checksum.status', '17': 'udp.checksum.status', '1': 'icmp.checksum.status', '58': 'icmpv6.checksum.status' };
    const key = transport === undefined ? undefined : want[transport];
    if (key !== undefined && !tunnel && !(opts.transportMayBeBad === true && /^(tcp|udp)\./.test(key))) {
      const s = statuses.get(key);
      const udpNone = key === 'udp.checksum.status' && version === 4 && s === CHECKSUM_NOT_PRESENT;
      if (s !== CHECKSUM_GOOD && !udpNone) out.push(`${key} ${s ?? 'missing'} (want Good)`);
    }
  }
  return out;
}

/**
 * Dissect `packets` with tshark in one run and report every problem.
 * Returns `{ skipped }` when tshark cannot run and the process is not root; as root, throws.
 */
export function tsharkCheck(packets: readonly LabelledPacket[]): TsharkReport {
  const a = tsharkAvailability();
  if (!a.ok) {
    if (a.mustRun) throw new Error(`tshark is required when running as root (CI installs it): ${a.reason}`);
    return { skipped: `${a.reason}; install tshark to validate emitted packets independently`, checked: 0, problems: [] };
  }
  if (packets.length === 0) return { checked: 0, problems: [] };
  const dir = mkdtempSync(join(tmpdir(), 'xlat464-tshark-'));
  try {
    const file = join(dir, 'packets.pcap');
    writeFileSync(file, pcapFile(packets.map((p) => p.bytes)));
    const text = execFileSync('tshark', ['-r', file, ...TSHARK_ARGS], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WIRESHARK_CONFIG_DIR: wiresharkConfigDir() },
    });
    const frames = JSON.parse(text) as { _source: { layers: { [k: string]: Json } } }[];
    const problems: string[] = [];
    if (frames.length !== packets.length) problems.push(`tshark dissected ${frames.length} frames, we wrote ${packets.length}`);
    for (let i = 0; i < Math.min(frames.length, packets.length); i++) {
      const p = packets[i]!;
      for (const msg of new Set(problemsOf(frames[i]!._source.layers, p.bytes, p))) {
        problems.push(`${p.label}: ${msg} [${Buffer.from(p.bytes).toString('hex')}]`);
      }
    }
    return { checked: packets.length, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

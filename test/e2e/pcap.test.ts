/**
 * `xlat464 pcap` and `decode --hex` on captures of real translated traffic: the reference layout
 * (scripts/topology.sh) with the daemon on both hosts, ping, TCP and UDP in blue and red at once,
 * a packet whose hop limit runs out, and a forged cross-tenant packet. tcpdump captures host A's
 * fabric veth (Ethernet), `-i any` (Linux cooked v2) and the TUNs via dumpcap (one pcapng with
 * several interfaces, named as the configuration's devices). Every decoded field is checked
 * against tshark's own dissection of the same file, frame by frame; the IPv4 view of the fabric
 * capture is checked against what the tenant TUNs carried.
 *
 * Needs root and /dev/net/tun (skipped with the reason otherwise) and tshark/tcpdump (installed by
 * .ci/run). Everything is removed in the after hook, also on failure.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI, e2eSkipReason, Topology, uniqueSuffix, type Host, type NsProcess } from '../../testlib/netns.js';
import { tsharkCheck, type LabelledPacket } from '../../testlib/tshark.js';
import { CaptureReader } from '../../src/io/capture.js';

const skip = e2eSkipReason();
if (skip) console.log(`# pcap e2e skipped: ${skip}`);

let topo: Topology;
const daemons: Partial<Record<Host, NsProcess>> = {};
let port = 30000 + (process.pid % 10000);
const nextPort = (): string => String(port++);
let fabric = '';
let any = '';
let tuns = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a capture in host A and waits until it listens. */
async function capture(cmd: string, args: string[], ready: RegExp): Promise<NsProcess> {
  const p = topo.spawn(topo.hostNs('A'), cmd, args);
  for (let i = 0; i < 100 && !ready.test(p.stderr()); i++) await sleep(100);
  assert.match(p.stderr(), ready, `${cmd} did not start: ${p.stderr()}`);
  return p;
}

before(async () => {
  if (skip) return;
  // Offloads off: a capture on a TUN with offloads holds TCP/UDP packets as the kernel hands them
  // over, with CHECKSUM_PARTIAL (only the pseudo-header sum in the field, as on any NIC with
  // checksum offload), which tshark rightly calls bad; these tests check checksums.
  topo = Topology.up(uniqueSuffix('p'), { offload: false, queues: 1 });
  [daemons.A, daemons.B] = await Promise.all([topo.startDaemon('A'), topo.startDaemon('B')]);
  fabric = `${topo.state}/fabric.pcap`;
  any = `${topo.state}/any.pcap`;
  tuns = `${topo.state}/tuns.pcapng`;
  // --immediate-mode and -U: nothing stays in a buffer when the capture stops; -Z root: write as root.
  const caps = [
    await capture('tcpdump', ['-i', 'fab0', '-n', '--immediate-mode', '-U', '-Z', 'root', '-w', fabric], /listening on/),
    await capture('tcpdump', ['-i', 'any', '-n', '--immediate-mode', '-U', '-Z', 'root', '-y', 'LINUX_SLL2', '-w', any], /listening on/),
    await capture('dumpcap', ['-q', '-i', 'xlat-blue', '-i', 'xlat-red', '-i', 'xlat6', '-w', tuns], /File:|Capturing on/),
  ];
  await sleep(300);
  const a = 'A';
  await Promise.all((['blue', 'red'] as const).map((t) => topo.run(topo.workloadNs(t, a), 'ping', ['-c', '2', '-i', '0.2', '-W', '2', topo.v4('B')])));
  // TCP and UDP in both tenants.
  for (const t of ['blue', 'red'] as const) {
    const p = nextPort();
    const server = topo.traffic(topo.workloadNs(t, 'B'), 'tcp-serve', p);
    await server.waitFor(/listening/);
    const client = topo.traffic(topo.workloadNs(t, 'A'), 'tcp-send', topo.v4('B'), p, String(32 << 10));
    await client.waitFor(/"sha256"/, 30000);
    await server.waitFor(/"sha256"/, 10000);
    const u = nextPort();
    const echo = topo.traffic(topo.workloadNs(t, 'B'), 'udp-echo', u);
    await echo.waitFor(/listening/);
    await topo.run(topo.workloadNs(t, 'A'), process.execPath, [topo.env.XL_ROOT + '/dist/testlib/traffic.js', 'udp-ping', topo.v4('B'), u, '3']);
  }
  // TTL 2: host A's kernel forwards it into the TUN with TTL 1, the translator answers Time Exceeded.
  await topo.run(topo.workloadNs('blue', 'A'), 'ping', ['-c', '1', '-t', '2', '-W', '1', topo.v4('B')]);
  // A forged packet with red's source and blue's destination, sent from host B across host A's
  // fabric veth (host B briefly owns red B's address on its fabric link): host A's translator drops it.
  const b = topo.hostNs('B');
  topo.exec(b, 'ip', ['-6', 'addr', 'add', `${topo.v6('red', 'B')}/128`, 'dev', 'fab0', 'nodad']);
  try {
    const r = await topo.run(b, process.execPath, [topo.env.XL_ROOT + '/dist/testlib/traffic.js', 'udp6-send', topo.v6('red', 'B'), topo.v6('blue', 'A'), nextPort(), 'forged']);
    assert.match(r.stdout, /"sent":true/, r.stderr);
  } finally {
    topo.exec(b, 'ip', ['-6', 'addr', 'del', `${topo.v6('red', 'B')}/128`, 'dev', 'fab0']);
  }
  await sleep(500);
  for (const c of caps) c.child.kill('SIGTERM');
  await Promise.all(caps.map((c) => c.exited));
});
after(() => {
  if (!skip && process.exitCode) {
    for (const h of ['A', 'B'] as const) console.log(`# daemon ${h} log:\n${daemons[h]?.stdout()}${daemons[h]?.stderr()}`);
  }
  topo?.down();
});

type Json = Record<string, any>;

function pcapJson(...args: string[]): { code: number | null; rows: Json[]; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'pcap', '--json', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, rows: r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json), err: r.stderr };
}

/** tshark's fields, one row per frame, keyed by the field names. */
function tshark(file: string, fields: string[]): Record<string, string>[] {
  const out = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=f', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v])));
}

const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.interface_name',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.proto',
  'ipv6.nxt',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.flags',
  'udp.srcport',
  'udp.dstport',
  'icmp.type',
  'icmp.code',
  'icmpv6.type',
  'icmpv6.code',
  'ip.len',
  'ipv6.plen',
];

const num = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));

/** Field-by-field: our JSON row against tshark's dissection of the same frame. */
function compare(ours: Json, ts: Record<string, string>, where: string): void {
  assert.equal(ours.number, Number(ts['frame.number']), where);
  // tshark prints the epoch with nanoseconds (or microseconds): compare to the microsecond.
  assert.equal(ours.time.slice(0, ours.time.indexOf('.') + 7), ts['frame.time_epoch']!.slice(0, ts['frame.time_epoch']!.indexOf('.') + 7), `${where}: time`);
  if (ts['ipv6.src']) {
    assert.equal(ours.family, 'ipv6', where);
    assert.equal(ours.src.ip, ts['ipv6.src'], `${where}: ipv6.src`);
    assert.equal(ours.dst.ip, ts['ipv6.dst'], `${where}: ipv6.dst`);
    assert.equal(ours.length, 40 + Number(ts['ipv6.plen']), `${where}: length`);
  } else {
    assert.equal(ours.family, 'ipv4', where);
    assert.equal(ours.src.ip, ts['ip.src'], `${where}: ip.src`);
    assert.equal(ours.dst.ip, ts['ip.dst'], `${where}: ip.dst`);
    assert.equal(ours.length, Number(ts['ip.len']), `${where}: length`);
  }
  const icmpType = num(ts['icmpv6.type']) ?? num(ts['icmp.type']);
  if (icmpType !== null) {
    assert.equal(ours.icmp?.type, icmpType, `${where}: icmp type`);
    assert.equal(ours.icmp?.code, num(ts['icmpv6.code']) ?? num(ts['icmp.code']), `${where}: icmp code`);
  }
  if (ts['tcp.srcport'] && ours.protocol === 'tcp') {
    assert.equal(ours.sport, Number(ts['tcp.srcport']), `${where}: tcp.srcport`);
    assert.equal(ours.dport, Number(ts['tcp.dstport']), `${where}: tcp.dstport`);
    assert.equal(ours.tcpFlagBits, Number(ts['tcp.flags']) & 0xff, `${where}: tcp.flags`);
  }
  if (ts['udp.srcport'] && ours.protocol === 'udp') {
    assert.equal(ours.sport, Number(ts['udp.srcport']), `${where}: udp.srcport`);
    assert.equal(ours.dport, Number(ts['udp.dstport']), `${where}: udp.dstport`);
  }
}

/** A tenant flow key from the IPv4 view: tenant, protocol, addresses and ports. */
const flowKey = (r: Json): string => `${r.tenant} ${r.protocol} ${r.src.ipv4}:${r.sport ?? ''} > ${r.dst.ipv4}:${r.dport ?? ''}`;

test('the fabric capture (Ethernet) decodes frame by frame as tshark dissects it, with tenant and IPv4 view', { skip }, () => {
  const { code, rows, err } = pcapJson('--config', topo.config('A'), fabric);
  assert.equal(code, 0, err);
  const ts = tshark(fabric, FIELDS);
  assert.equal(rows.length, ts.length, 'one line per frame');
  assert.ok(rows.length > 40, `only ${rows.length} frames`);
  rows.forEach((r, i) => compare(r, ts[i]!, `fabric frame ${i + 1}`));
  const ours = rows.filter((r) => r.src.rule === 'prefix' && r.dst.rule === 'prefix' && r.src.tenant === r.dst.tenant);
  assert.ok(ours.length > 30);
  for (const r of ours) {
    assert.ok(r.tenant === 'blue' || r.tenant === 'red', JSON.stringify(r));
    assert.ok(['10.0.0.1', '10.0.0.2'].includes(r.src.ipv4) && ['10.0.0.1', '10.0.0.2'].includes(r.dst.ipv4), JSON.stringify(r));
    // The plan puts the tenant id in bits 80-95: blue 1, red 2.
    assert.equal(r.src.ip.startsWith(r.tenant === 'blue' ? 'fd00:64::1:' : 'fd00:64::2:'), true, r.src.ip);
  }
  for (const t of ['blue', 'red']) {
    for (const proto of ['tcp', 'udp', 'icmp6']) assert.ok(ours.some((r) => r.tenant === t && r.protocol === proto), `${t} ${proto} on the fabric`);
  }
  // The forged packet: red's source, blue's destination; the translator would drop it.
  const forged = rows.filter((r) => r.src.tenant === 'red' && r.dst.tenant === 'blue');
  assert.equal(forged.length, 1, 'the forged packet');
  assert.match(forged[0]!.verdict.drop, /^64\./);
  assert.equal(forged[0]!.verdict.emit.filter((e: Json) => e.to === 'ipv4').length, 0);
  // Every tenant packet the translator would pass on is delivered to its own tenant.
  for (const r of ours.filter((x) => x.verdict?.drop === null)) {
    for (const e of r.verdict.emit.filter((x: Json) => x.to === 'ipv4')) assert.equal(e.tenant, r.tenant);
  }
  // The text line for the same file: tenant first, IPv4 view, the fabric addresses in parentheses.
  const text = execFileSync(process.execPath, [CLI, 'pcap', '--config', topo.config('A'), fabric], { encoding: 'utf8' }).split('\n');
  assert.equal(text.length - 1, rows.length);
  const syn = text.find((l) => / blue 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.\d+ tcp \[S\] len \d+ {2}\(fd00:64::1:a00:1 > fd00:64::1:a00:2\)$/.test(l));
  assert.ok(syn, `a SYN line for blue:\n${text.slice(0, 20).join('\n')}`);
  assert.match(syn, /^\d\d:\d\d:\d\d\.\d{6} /);
});

test('the TUN capture (pcapng, three interfaces) names the tenant of IPv4 packets by device, and matches tshark', { skip }, () => {
  const { code, rows, err } = pcapJson('--config', topo.config('A'), tuns);
  assert.equal(code, 0, err);
  const ts = tshark(tuns, FIELDS);
  assert.equal(rows.length, ts.length);
  rows.forEach((r, i) => {
    compare(r, ts[i]!, `tuns frame ${i + 1}`);
    assert.equal(r.interface, ts[i]!['frame.interface_name'], `tuns frame ${i + 1}: interface`);
  });
  const v4 = rows.filter((r) => r.family === 'ipv4');
  assert.ok(v4.length > 20);
  for (const r of v4) assert.equal(r.tenant, r.interface === 'xlat-blue' ? 'blue' : 'red', `IPv4 on ${r.interface}`);
  // The Time Exceeded the translator generated for the TTL-1 ping went back into blue's TUN.
  assert.ok(v4.some((r) => r.interface === 'xlat-blue' && r.icmp?.type === 11 && r.inner?.icmp?.type === 8), 'Time Exceeded on xlat-blue');
  // The IPv4 view of the fabric equals what the tenants' TUNs carried: every tenant flow on the
  // fabric (from either host) appears on a TUN of host A with the same tenant, addresses and ports.
  const fabricFlows = new Set(pcapJson('--config', topo.config('A'), fabric).rows.filter((r) => r.src.rule === 'prefix' && r.dst.rule === 'prefix' && r.tenant === r.src.tenant).map(flowKey));
  const tunFlows = new Set(
    v4.map((r) => flowKey({ ...r, protocol: r.protocol === 'icmp' ? 'icmp6' : r.protocol })),
  );
  const missing = [...fabricFlows].filter((f) => !tunFlows.has(f));
  assert.deepEqual(missing, [], `fabric flows not seen on host A's TUNs (TUN flows: ${[...tunFlows].join('; ')})`);
});

test('a Linux cooked v2 capture (-i any) decodes like tshark, and --tenant keeps one tenant', { skip }, () => {
  const { code, rows, err } = pcapJson('--config', topo.config('A'), '--ipv4-tenant', 'blue', any);
  assert.equal(code, 0, err);
  const ts = tshark(any, FIELDS);
  assert.equal(rows.length, ts.length);
  rows.forEach((r, i) => {
    if (r.ip) compare(r, ts[i]!, `any frame ${i + 1}`);
    else assert.equal(ts[i]!['ip.src'] || ts[i]!['ipv6.src'], '', `frame ${i + 1} is IP for tshark`);
  });
  const red = pcapJson('--config', topo.config('A'), '--tenant', 'red', fabric).rows;
  assert.ok(red.length > 10);
  for (const r of red) assert.ok(r.tenant === 'red' || r.src.tenant === 'red' || r.dst.tenant === 'red', JSON.stringify(r));
  assert.equal(pcapJson('--config', topo.config('A'), '-c', '5', fabric).rows.length, 5);
});

test('--stats counts per tenant and direction as tshark filters count them, with the drops by reason', { skip }, () => {
  const r = spawnSync(process.execPath, [CLI, 'pcap', '--config', topo.config('A'), '--stats', '--json', fabric], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as Json;
  const count = (filter: string): number => tshark(fabric, ['frame.number']).length && execFileSync('tshark', ['-n', '-r', fabric, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
  for (const [tenant, id] of [
    ['blue', 1],
    ['red', 2],
  ] as const) {
    const row = rep.tenants.find((t: Json) => t.tenant === tenant && t.direction === '6to4');
    // The packets of a tenant are those to its prefix, plus those from it to somewhere that is not a tenant's.
    const n = count(`ipv6.dst == fd00:64::${id}:0:0/96`);
    assert.equal(row?.packets, n, `${tenant}: ${JSON.stringify(rep.tenants)}`);
  }
  const drops = rep.drops.filter((d: Json) => d.tenant === 'blue' && d.reason.startsWith('64.'));
  assert.ok(drops.length >= 1, `the forged packet is a drop of blue: ${JSON.stringify(rep.drops)}`);
  assert.ok(rep.talkers.some((t: Json) => t.tenant === 'red' && t.src === '10.0.0.1' && t.dst === '10.0.0.2'));
  const text = execFileSync(process.execPath, [CLI, 'pcap', '--config', topo.config('A'), '--stats', fabric], { encoding: 'utf8' });
  assert.match(text, /^blue\s+6to4\s+\d+\s+\d+$/m);
  assert.match(text, /drop reason/);
});

test('--translate -o writes what the translator emits; tshark finds every packet valid and the tenants right', { skip }, () => {
  const out = `${topo.state}/translated.pcap`;
  const r = spawnSync(process.execPath, [CLI, 'pcap', '--config', topo.config('A'), '--translate', '-o', out, tuns], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wrote \d+ packets/);
  const packets: LabelledPacket[] = [];
  // An ICMP error the translator generated quotes the datagram as received, cut short (RFC 1812
  // §4.3.2.3, RFC 4443 §2.4): its quoted transport checksum cannot verify, so only what the
  // translator wrote is judged (testlib/tshark.ts, asReceived).
  const isError = (b: Uint8Array): boolean => (b[0]! >> 4 === 4 ? b[9] === 1 && [3, 11, 12].includes(b[20]!) : b[6] === 58 && b[40]! < 128);
  const reader = new CaptureReader((rec) => packets.push({ label: `translated ${rec.number}`, bytes: rec.data.slice(), asReceived: isError(rec.data) }));
  reader.push(readFileSync(out));
  assert.equal(reader.end().complete, true);
  assert.ok(packets.length > 20);
  const report = tsharkCheck(packets);
  assert.equal(report.skipped, undefined);
  assert.deepEqual(report.problems, []);
  // IPv4 from the tenant TUNs became IPv6 under the tenant's prefix; IPv6 from xlat6 became IPv4.
  const back = pcapJson('--config', topo.config('A'), out).rows;
  assert.equal(back.length, packets.length);
  assert.ok(back.some((x) => x.family === 'ipv6' && x.tenant === 'blue') && back.some((x) => x.family === 'ipv6' && x.tenant === 'red'));
  assert.ok(back.some((x) => x.family === 'ipv4'));
});

test('tcpdump -w - | xlat464 pcap - decodes live', { skip }, async () => {
  const tcpdump = spawn('ip', ['netns', 'exec', topo.hostNs('A'), 'tcpdump', '-i', 'fab0', '-n', '--immediate-mode', '-U', '-Z', 'root', '-w', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const cli = spawn(process.execPath, [CLI, 'pcap', '--config', topo.config('A'), '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  tcpdump.stdout.pipe(cli.stdin);
  let out = '';
  let tdErr = '';
  cli.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  tcpdump.stderr.setEncoding('utf8').on('data', (d: string) => (tdErr += d));
  try {
    for (let i = 0; i < 100 && !tdErr.includes('listening on'); i++) await sleep(100);
    await topo.run(topo.workloadNs('red', 'A'), 'ping', ['-c', '2', '-i', '0.2', '-W', '2', topo.v4('B')]);
    for (let i = 0; i < 50 && !/red 10\.0\.0\.2 > 10\.0\.0\.1 icmp6 echo reply/.test(out); i++) await sleep(100);
  } finally {
    tcpdump.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((resolve) => cli.on('exit', (c) => resolve(c)));
  assert.match(out, /red 10\.0\.0\.1 > 10\.0\.0\.2 icmp6 echo request id \d+ seq 1 len 104 {2}\(fd00:64::2:a00:1 > fd00:64::2:a00:2\)/, out);
  assert.match(out, /red 10\.0\.0\.2 > 10\.0\.0\.1 icmp6 echo reply/);
  assert.equal(code, 0);
});

test('decode --hex of a captured packet gives the same description as the capture', { skip }, () => {
  const rows = pcapJson('--config', topo.config('A'), fabric).rows;
  const ts = execFileSync('tshark', ['-n', '-r', fabric, '-T', 'fields', '-e', 'frame.number', '-e', 'ipv6'], { encoding: 'utf8' });
  void ts;
  const frames: Buffer[] = [];
  const reader = new CaptureReader((rec) => frames.push(Buffer.from(rec.data)));
  reader.push(readFileSync(fabric));
  reader.end();
  const i = rows.findIndex((r) => r.tenant === 'blue' && r.protocol === 'tcp');
  const hex = frames[i]!.subarray(14).toString('hex'); // after the Ethernet header
  const d = JSON.parse(execFileSync(process.execPath, [CLI, 'decode', '--config', topo.config('A'), '--hex', '--json'], { input: hex + '\n', encoding: 'utf8' })) as Json;
  const { number: _n, time: _t, interface: _i, vlan: _v, direction: _d, captured: _c, wire: _w, ip: _ip, ...fromCapture } = rows[i]!;
  assert.deepEqual(d, fromCapture);
});

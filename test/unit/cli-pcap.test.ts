/**
 * `xlat464 pcap` and `decode --hex` on hand-made captures: every link type and container variant,
 * tenant by pcapng interface name, and bad input of every kind (wrong magic, truncated file, snap
 * length cutting headers, garbage packets): one clear line or a per-packet mark, never a stack
 * trace, and an exit code that says whether everything was read.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPacket, parseIPv4, parseIPv6 } from '../../src/index.js';
import { concat, epb, idb, pcapBytes, shb } from '../../testlib/capture-files.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const config = 'test/fixtures/two-tenants.yaml';
const dir = mkdtempSync(join(tmpdir(), 'xlat464-cli-pcap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: Uint8Array | string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  assert.doesNotMatch(r.stderr, /\n\s+at /, `stack trace on stderr:\n${r.stderr}`);
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function file(name: string, bytes: Uint8Array): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

const v6 = (t: number, h: number) => parseIPv6(`fd00:64:0:${t}:a:0:${h}00:0`);
const tcp6 = buildPacket({ ip: { version: 6, src: v6(1, 1), dst: v6(1, 2), hopLimit: 64 }, l4: { proto: 'tcp', srcPort: 40000, dstPort: 80, flags: 0x12 } });
const icmp4 = buildPacket({ ip: { version: 4, src: parseIPv4('10.0.0.1'), dst: parseIPv4('10.0.0.2'), ttl: 64 }, l4: { proto: 'icmpv4', type: 8, code: 0, rest: 0x00050001 } });
const BLUE_LINE = 'blue 10.0.0.1.40000 > 10.0.0.2.80 tcp [S.] len 60  (fd00:64:0:1:a:0:100:0 > fd00:64:0:1:a:0:200:0)';

const mac = new Uint8Array(12).fill(0x02);
const ether = (type: number, payload: Uint8Array, vlans: number[] = []) =>
  concat(mac, ...vlans.map((v) => Uint8Array.of(0x81, 0x00, v >> 8, v & 0xff)), Uint8Array.of(type >> 8, type & 0xff), payload);
const sll = (pkttype: number, proto: number, payload: Uint8Array) => concat(Uint8Array.of(0, pkttype, 0, 1, 0, 6), new Uint8Array(8), Uint8Array.of(proto >> 8, proto & 0xff), payload);
const sll2 = (proto: number, pkttype: number, payload: Uint8Array) => concat(Uint8Array.of(proto >> 8, proto & 0xff, 0, 0, 0, 0, 0, 3, 0, 1, pkttype, 6), new Uint8Array(8), payload);

test('every link type and byte order gives the same tenant line, with the time in UTC', () => {
  const variants: [string, Uint8Array][] = [
    ['raw-le-us', pcapBytes({ le: true, nanos: false, linkType: 101 }, [{ sec: 43201, frac: 123, data: tcp6 }])],
    ['raw-be-ns', pcapBytes({ le: false, nanos: true, linkType: 101 }, [{ sec: 43201, frac: 123456, data: tcp6 }])],
    ['ether-qinq', pcapBytes({ le: true, nanos: false, linkType: 1 }, [{ sec: 43201, frac: 123, data: ether(0x86dd, tcp6, [100, 200]) }])],
    ['sll', pcapBytes({ le: true, nanos: false, linkType: 113 }, [{ sec: 43201, frac: 123, data: sll(4, 0x86dd, tcp6) }])],
    ['sll2', pcapBytes({ le: true, nanos: false, linkType: 276 }, [{ sec: 43201, frac: 123, data: sll2(0x86dd, 0, tcp6) }])],
    ['pcapng-be', concat(shb(false), idb(false, { linkType: 1, tsresol: 9 }), epb(false, 0, 43201_000123456n, ether(0x86dd, tcp6)))],
  ];
  for (const [name, bytes] of variants) {
    const r = run(['pcap', '--config', config, file(`${name}.cap`, bytes)]);
    assert.equal(r.code, 0, `${name}: ${r.err}`);
    assert.equal(r.out, `12:00:01.000123 ${BLUE_LINE}\n`, name);
  }
  const j = JSON.parse(run(['pcap', '--config', config, '--json', join(dir, 'ether-qinq.cap')]).out) as Record<string, unknown>;
  assert.equal(j.vlan, 100, 'the outermost VLAN id');
  assert.equal(j.time, '43201.000123000');
  const s = JSON.parse(run(['pcap', '--config', config, '--json', join(dir, 'sll.cap')]).out) as Record<string, unknown>;
  assert.equal(s.direction, 'out', 'SLL packet type 4');
});

test('a pcapng interface named as a tenant\'s tun names the tenant of IPv4 packets; another interface leaves it unknown', () => {
  const cfg = file(
    'devices.yaml',
    new TextEncoder().encode(
      'translator: { ipv4: 192.0.0.1, ipv6: "fd00:ffff::1" }\nplan: { domain: "fd00:64::/48", tenantBits: 16 }\nfabric: { tun: xlat6 }\ntenants:\n  - { name: blue, id: 1, ipv4: [10.0.0.0/8], tun: xlat-blue }\n  - { name: red, id: 2, ipv4: [10.0.0.0/8], tun: xlat-red }\n',
    ),
  );
  const cap = file(
    'tuns.pcapng',
    concat(shb(true), idb(true, { linkType: 101, name: 'xlat-blue' }), idb(true, { linkType: 101, name: 'xlat-red' }), idb(true, { linkType: 101, name: 'eth9' }), epb(true, 0, 1n, icmp4), epb(true, 1, 2n, icmp4), epb(true, 2, 3n, icmp4)),
  );
  const lines = run(['pcap', '--config', cfg, cap]).out.trim().split('\n');
  assert.match(lines[0]!, /^\S+ blue 10\.0\.0\.1 > 10\.0\.0\.2 icmp echo request id 5 seq 1 len 28 {2}\(fd00:64:0:1:a:0:100:0 > fd00:64:0:1:a:0:200:0\)$/);
  assert.match(lines[1]!, /^\S+ red 10\.0\.0\.1 > 10\.0\.0\.2 icmp .* {2}\(fd00:64:0:2:a:0:100:0 > fd00:64:0:2:a:0:200:0\)$/);
  assert.match(lines[2]!, /^\S+ - 10\.0\.0\.1 > 10\.0\.0\.2 icmp echo request id 5 seq 1 len 28$/);
  const forced = run(['pcap', '--config', cfg, '--ipv4-tenant', 'red', cap]).out.trim().split('\n');
  assert.match(forced[2]!, / red 10\.0\.0\.1 > /, '--ipv4-tenant for interfaces that are no tenant\'s');
  assert.match(forced[0]!, / blue 10\.0\.0\.1 > /, 'the interface name still wins');
  const onlyRed = run(['pcap', '--config', cfg, '--ipv4-tenant', 'red', '--tenant', 'red', cap]).out.trim().split('\n');
  assert.equal(onlyRed.length, 2);
});

test('a wrong magic number is one line naming the file and its first octets, exit 2', () => {
  const r = run(['pcap', '--config', config, file('elf.cap', Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20))]);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(r.err, /elf\.cap: not a pcap or pcapng file \(first octets 0x7f454c46\) \(ERR_XLAT_CAPTURE_FORMAT\)/);
  assert.equal(r.err.trim().split('\n').length, 1);
  const missing = run(['pcap', '--config', config, join(dir, 'nope.pcap')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.pcap: ENOENT/);
});

test('a truncated capture prints every whole record, then one line saying where it ends, exit 1', () => {
  const whole = pcapBytes({ le: true, nanos: false, linkType: 101 }, [
    { sec: 1, frac: 0, data: tcp6 },
    { sec: 2, frac: 0, data: tcp6 },
  ]);
  const r = run(['pcap', '--config', config, file('cut.pcap', whole.subarray(0, whole.length - 10))]);
  assert.equal(r.code, 1);
  assert.equal(r.out.trim().split('\n').length, 1);
  assert.match(r.err, /cut\.pcap: truncated record at offset 100, after 1 packets/);
  const headerOnly = run(['pcap', '--config', config, file('hdr.pcap', whole.subarray(0, 30))]);
  assert.equal(headerOnly.code, 1);
  assert.match(headerOnly.err, /truncated record header/);
  const empty = run(['pcap', '--config', config, file('empty.pcap', new Uint8Array(0))]);
  assert.equal(empty.code, 1);
  assert.match(empty.err, /empty file/);
});

test('a snap length that cuts headers, a cut link header and garbage packets are marked per packet', () => {
  const cap = pcapBytes({ le: true, nanos: false, linkType: 1, snapLen: 60 }, [
    { sec: 1, frac: 0, data: ether(0x86dd, tcp6).subarray(0, 60), origLen: 74 }, // TCP header cut after 6 octets
    { sec: 2, frac: 0, data: ether(0x86dd, tcp6).subarray(0, 10), origLen: 74 }, // Ethernet header cut
    { sec: 3, frac: 0, data: ether(0x0806, new Uint8Array(28)) }, // ARP
    { sec: 4, frac: 0, data: ether(0x0800, Uint8Array.of(0x45, 0, 0, 20, 0, 0)) }, // 6 octets of IPv4
    { sec: 5, frac: 0, data: ether(0x86dd, new Uint8Array(48).fill(0x6f)) }, // IPv6 with a payload length past the bytes
  ]);
  const r = run(['pcap', '--config', config, file('marks.pcap', cap)]);
  assert.equal(r.code, 0, 'everything was read');
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0]!, / blue 10\.0\.0\.1\.40000 > 10\.0\.0\.2\.80 tcp len 46 .*\[truncated\]$/);
  assert.match(lines[1]!, /\[truncated\] LINKTYPE_ETHERNET/);
  assert.match(lines[2]!, /non-IP frame .*0x0806/);
  assert.match(lines[3]!, /\[malformed ipv4\.truncated\]$/);
  assert.match(lines[4]!, /\[malformed ipv6\.truncated\]/);
  const st = JSON.parse(run(['pcap', '--config', config, '--stats', '--json', join(dir, 'marks.pcap')]).out) as Record<string, number>;
  assert.equal(st.truncated, 1);
  assert.equal(st.nonIp, 1);
});

test('--translate -o writes the emitted packets with the input times; usage errors are one line', () => {
  const cap = file('one.pcap', pcapBytes({ le: true, nanos: true, linkType: 101 }, [{ sec: 7, frac: 5, data: tcp6 }]));
  const out = join(dir, 'out.pcap');
  const r = run(['pcap', '--config', config, '--translate', '-o', out, cap]);
  assert.equal(r.code, 0, r.err);
  const back = run(['pcap', '--config', config, '--json', '--ipv4-tenant', 'blue', out]);
  const j = JSON.parse(back.out) as Record<string, any>;
  assert.equal(j.family, 'ipv4');
  assert.equal(j.time, '7.000000005');
  assert.equal(j.tenant, 'blue');
  assert.equal(j.tcpFlags, 'S.');
  const usage: string[][] = [
    ['--config', config, '--translate', cap],
    ['--config', config, '-o', out, cap],
    ['--plan', 'fd00:64::/48+16', '--translate', '-o', out, cap],
    ['--config', config, '--tenant', 'nobody', cap],
    ['--config', config, '-c', '0', cap],
    ['--config', config, '--plan', 'fd00:64::/48+16', cap],
    ['--config', config, '--translate', '-o', cap, cap],
  ];
  for (const args of usage) {
    const u = run(['pcap', ...args]);
    assert.equal(u.code, 2, args.join(' '));
    assert.equal(u.err.trim().split('\n').length, 1, u.err);
  }
});

test('without --config the capture still decodes well-known-prefix addresses and says there is no tenant table', () => {
  const p = buildPacket({ ip: { version: 6, src: parseIPv6('2001:db8::1'), dst: parseIPv6('64:ff9b::808:808'), hopLimit: 9 }, l4: { proto: 'udp', srcPort: 5000, dstPort: 53 } });
  const r = run(['pcap', file('wkp.pcap', pcapBytes({ le: true, nanos: false, linkType: 101 }, [{ sec: 0, frac: 0, data: p }]))]);
  assert.equal(r.code, 0);
  assert.equal(r.out, '00:00:00.000000 - 2001:db8::1.5000 > 8.8.8.8.53 udp len 48  (2001:db8::1 > 64:ff9b::808:808)\n');
  assert.match(r.err, /no tenant table/);
});

test('decode --hex reads packets from arguments or stdin and shows the verdict', () => {
  const hex = Buffer.from(tcp6).toString('hex');
  const a = run(['decode', '--config', config, '--hex', hex]);
  assert.equal(a.code, 0, a.err);
  const BLUE_DETAIL = [
    BLUE_LINE,
    '  src fd00:64:0:1:a:0:100:0 tenant=blue ipv4=10.0.0.1 rule=prefix',
    '  dst fd00:64:0:1:a:0:200:0 tenant=blue ipv4=10.0.0.2 rule=prefix',
    '  verdict pass:',
    '    emit ipv4 tenant=blue len=40 10.0.0.1 > 10.0.0.2',
  ].join('\n');
  assert.equal(a.out, `${BLUE_DETAIL}\n`);
  const spaced = hex.replace(/(..)/g, '$1 ');
  const b = run(['decode', '--config', config, '--hex', '--json'], `# a comment\n\n${spaced}\n0x${hex}\n`);
  const rows = b.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.verdict.emit[0].tenant, 'blue');
  const icmp = run(['decode', '--config', config, '--hex', '--tenant', 'red', Buffer.from(icmp4).toString('hex')]);
  assert.match(icmp.out, /^red 10\.0\.0\.1 > 10\.0\.0\.2 icmp echo request id 5 seq 1 len 28 {2}\(fd00:64:0:2:a:0:100:0 > fd00:64:0:2:a:0:200:0\)\n/);
  assert.match(icmp.out, /\n {2}src 10\.0\.0\.1 tenant=red ipv6=fd00:64:0:2:a:0:100:0 rule=prefix\n/);
  assert.match(icmp.out, /\n {2}icmp type=8 code=0 \(echo request\)\n/);
  assert.match(icmp.out, /\n {4}emit ipv6 len=48 fd00:64:0:2:a:0:100:0 > fd00:64:0:2:a:0:200:0\n$/);
  const unknown = run(['decode', '--config', config, '--hex', Buffer.from(icmp4).toString('hex')]);
  assert.match(unknown.out, /verdict none: IPv4 packet of unknown tenant/);
  const bad = run(['decode', '--config', config, '--hex', 'abc', hex]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /packet 1: expected hex digits in pairs, got 3 digits/);
  assert.equal(bad.out, `${BLUE_DETAIL}\n`, 'the good packet still decodes');
  const junk = run(['decode', '--config', config, '--hex', '4f00']);
  assert.equal(junk.code, 1);
  assert.match(junk.out, /\[malformed/);
});

test('a progress line goes to stderr only when it is a terminal, and not between packet lines on the same terminal', async () => {
  const { pcap } = await import('../../src/cli/pcap.js');
  const { PassThrough, Writable } = await import('node:stream');
  const cap = file('progress.pcap', pcapBytes({ le: true, nanos: false, linkType: 101 }, [{ sec: 0, frac: 0, data: tcp6 }]));
  const sink = (tty: boolean) => {
    let text = '';
    const w = new Writable({
      write(chunk: Buffer, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    }) as InstanceType<typeof Writable> & { isTTY?: boolean };
    w.isTTY = tty;
    return { w, text: () => text };
  };
  const cases: [boolean, boolean, boolean, RegExp | null][] = [
    [true, false, false, /^\r.*progress\.pcap: 1 packets, 0 MB \(100%\)\n$/],
    [true, true, false, null],
    [true, true, true, /1 packets/],
    [false, false, true, null],
  ];
  for (const [errTty, outTty, stats, want] of cases) {
    const out = sink(outTty);
    const err = sink(errTty);
    const code = await pcap([cap], { config, ...(stats ? { stats: true } : {}) }, { stdin: new PassThrough(), stdout: out.w, stderr: err.w });
    assert.equal(code, 0);
    if (want === null) assert.doesNotMatch(err.text(), /packets/, `stderr tty ${errTty}, stdout tty ${outTty}, stats ${stats}`);
    else assert.match(err.text(), want, `stderr tty ${errTty}, stdout tty ${outTty}, stats ${stats}`);
  }
});

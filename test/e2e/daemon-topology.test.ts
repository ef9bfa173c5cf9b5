/**
 * The reference host layout (scripts/topology.sh) on its own, without the daemon: the fabric is
 * IPv6 only and joins the hosts, policy routing puts each tenant's IPv4 traffic into that tenant's
 * TUN and what comes out of a tenant's TUN back to that tenant's workload only, and the IPv6
 * routes carry a workload's embedded address across the fabric to the other host's fabric TUN.
 * The TUNs are read and written by testlib/traffic.js inside the host namespaces (TunDevice from
 * src/io, attaching to the persistent devices the script created, as the daemon will).
 * Needs root and /dev/net/tun; skipped with the reason otherwise. Everything is removed after.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { e2eSkipReason, Topology, uniqueSuffix } from '../../testlib/netns.js';
import { buildPacket } from '../../src/packet/index.js';
import { parseIPv4 } from '../../src/address/index.js';

const skip = e2eSkipReason();
if (skip) console.log(`# daemon-topology e2e skipped: ${skip}`);

let topo: Topology;
before(() => {
  if (!skip) topo = Topology.up(uniqueSuffix('t'));
});
after(() => topo?.down());

/** Parses `{"packet":"hex"}` lines printed by `traffic tun-read`. */
function packets(out: string): Buffer[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{"packet"'))
    .map((l) => Buffer.from((JSON.parse(l) as { packet: string }).packet, 'hex'));
}
const v4 = (p: Buffer, off: number): string => [...p.subarray(off, off + 4)].join('.');

test('the hosts are joined by an IPv6-only fabric', { skip }, () => {
  const a = topo.hostNs('A');
  assert.doesNotMatch(topo.exec(a, 'ip', ['-4', 'addr', 'show', 'dev', 'fab0']), /inet /, 'no IPv4 on the fabric');
  assert.match(topo.exec(a, 'ip', ['-6', 'addr', 'show', 'dev', 'fab0']), /fd00:fab::a\/64/);
  assert.match(topo.exec(a, 'ping', ['-6', '-c', '1', '-W', '2', 'fd00:fab::b']), /1 received/);
});

test('each tenant workload has the same IPv4 address and its traffic is routed into its own TUN', { skip }, () => {
  for (const h of ['A', 'B'] as const) {
    for (const t of ['blue', 'red'] as const) {
      assert.match(topo.exec(topo.workloadNs(t, h), 'ip', ['-4', 'addr', 'show', 'dev', 'eth0']), new RegExp(`inet ${topo.v4(h).replace(/\./g, '\\.')}/32`));
      const route = topo.exec(topo.hostNs(h), 'ip', ['route', 'get', '10.0.0.99', 'from', topo.v4(h), 'iif', t]);
      assert.match(route, new RegExp(`dev xlat-${t} `), `host ${h}, from ${t}: ${route}`);
      const back = topo.exec(topo.hostNs(h), 'ip', ['route', 'get', topo.v4(h), 'from', '10.0.0.99', 'iif', `xlat-${t}`]);
      assert.match(back, new RegExp(`dev ${t} `), `host ${h}, out of xlat-${t}: ${back}`);
    }
  }
});

test('embedded IPv6 addresses: local ones go into the fabric TUN, remote ones across the fabric', { skip }, () => {
  assert.equal(topo.v6('blue', 'B'), 'fd00:64::1:10.0.0.2');
  assert.equal(topo.v6('red', 'A'), 'fd00:64::2:10.0.0.1');
  const a = topo.hostNs('A');
  assert.match(topo.exec(a, 'ip', ['-6', 'route', 'get', topo.v6('blue', 'A')]), /dev xlat6 /);
  assert.match(topo.exec(a, 'ip', ['-6', 'route', 'get', topo.v6('red', 'B')]), /via fd00:fab::b dev fab0 /);
});

test('an IPv4 packet from blue A arrives on blue\'s TUN on host A, and nothing of it on red\'s', { skip }, async () => {
  const a = topo.hostNs('A');
  const blue = topo.traffic(a, 'tun-read', 'xlat-blue', '1', '4000', '4');
  const red = topo.traffic(a, 'tun-read', 'xlat-red', '1', '2000', '4');
  await blue.waitFor(/"ready"/);
  await red.waitFor(/"ready"/);
  // No translator yet, so no answer: ping only sends.
  await topo.run(topo.workloadNs('blue', 'A'), 'ping', ['-c', '2', '-i', '0.3', '-W', '1', '10.0.0.2']);
  await Promise.all([blue.exited, red.exited]);
  const got = packets(blue.stdout());
  assert.equal(got.length, 1, `blue TUN: ${blue.stdout()} ${blue.stderr()}`);
  assert.equal(got[0]![9], 1, 'ICMP');
  assert.equal(v4(got[0]!, 12), '10.0.0.1');
  assert.equal(v4(got[0]!, 16), '10.0.0.2');
  assert.equal(packets(red.stdout()).length, 0, `red TUN saw blue's packet: ${red.stdout()}`);
});

test('an IPv4 packet written into red\'s TUN on host B reaches red B\'s workload and not blue B\'s', { skip }, async () => {
  const port = 4000 + (process.pid % 1000);
  const red = topo.traffic(topo.workloadNs('red', 'B'), 'udp-echo', String(port));
  const blue = topo.traffic(topo.workloadNs('blue', 'B'), 'udp-echo', String(port));
  await red.waitFor(/listening/);
  await blue.waitFor(/listening/);
  const pkt = buildPacket({
    ip: { version: 4, src: parseIPv4('10.0.0.1'), dst: parseIPv4('10.0.0.2'), ttl: 64 },
    l4: { proto: 'udp', srcPort: 5555, dstPort: port },
    payload: Buffer.from('to red B'),
  });
  const w = await topo.run(topo.hostNs('B'), process.execPath, [topo.env.XL_ROOT + '/dist/testlib/traffic.js', 'tun-write', 'xlat-red', Buffer.from(pkt).toString('hex')]);
  assert.match(w.stdout, /"written":1/, w.stderr);
  const line = await red.waitFor(/"text"/, 3000);
  assert.match(line, /"from":"10\.0\.0\.1:5555","text":"to red B"/);
  await new Promise((r) => setTimeout(r, 300));
  assert.doesNotMatch(blue.stdout(), /"text"/, 'blue B received red\'s packet');
});

test('an IPv6 packet to blue B\'s embedded address crosses the fabric into host B\'s fabric TUN', { skip }, async () => {
  const b = topo.hostNs('B');
  const dst = 'fd00006400000000000000010a000002'; // fd00:64::1:a00:2, blue's 10.0.0.2
  const fab = topo.traffic(b, 'tun-read', 'xlat6', '1', '4000', '6', dst);
  await fab.waitFor(/"ready"/);
  // From host A itself: its source is its fabric address; host B forwards by destination.
  await topo.run(topo.hostNs('A'), 'ping', ['-6', '-c', '3', '-i', '0.3', '-W', '1', topo.v6('blue', 'B')]);
  await fab.exited;
  const got = packets(fab.stdout()).filter((p) => p[6] === 58 && p[40] === 128);
  assert.equal(got.length, 1, `no ICMPv6 echo request on host B's xlat6: ${fab.stdout()} ${fab.stderr()}`);
  assert.equal(got[0]!.subarray(24, 40).toString('hex'), dst);
});

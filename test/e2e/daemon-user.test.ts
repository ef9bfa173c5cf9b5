/**
 * `user:` end to end: the daemon opens its persistent TUNs as root, makes the configured user
 * their owner (TUNSETOWNER/TUNSETGROUP), drops to it, reloads on SIGHUP with those devices, and,
 * stopped and started again directly as that user (no capability at all), reattaches to the same
 * devices and carries traffic. Needs root and /dev/net/tun; skipped with the reason otherwise.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { CLI, e2eSkipReason, Topology, uniqueSuffix, type NsProcess } from '../../testlib/netns.js';
import { asUser } from '../../testlib/user.js';

const skip = e2eSkipReason();
if (skip) console.log(`# daemon-user e2e skipped: ${skip}`);

const NOBODY = 65534;
let topo: Topology;
let daemonA: NsProcess | undefined;
before(async () => {
  if (skip) return;
  topo = Topology.up(uniqueSuffix('u'));
  writeFileSync(topo.config('A'), readFileSync(topo.config('A'), 'utf8') + 'user: nobody\n');
  await topo.startDaemon('B');
});
after(() => {
  if (!skip && process.exitCode) console.log(`# daemon A log:\n${daemonA?.stdout()}${daemonA?.stderr()}`);
  topo?.down();
});

async function ping(): Promise<void> {
  const r = await topo.run(topo.workloadNs('blue', 'A'), 'ping', ['-c', '2', '-i', '0.2', '-W', '2', topo.v4('B')]);
  assert.match(r.stdout, /2 received/, r.stdout + r.stderr);
}

test('with user: nobody the daemon owns its devices to nobody, drops root, reloads, and restarted as nobody reattaches', { skip }, async () => {
  daemonA = await topo.startDaemon('A');
  const a = topo.hostNs('A');
  const log = daemonA.stdout();
  assert.match(log, /"uid":65534.*"msg":"dropped privileges"/, log);
  for (const dev of ['xlat-blue', 'xlat-red', 'xlat6']) {
    assert.equal(topo.exec(a, 'cat', [`/sys/class/net/${dev}/owner`]).trim(), String(NOBODY), dev);
    assert.equal(topo.exec(a, 'cat', [`/sys/class/net/${dev}/group`]).trim(), String(NOBODY), dev);
  }
  const pid = topo.exec(a, 'pgrep', ['-f', `${CLI} run --config ${topo.config('A')}`]).trim().split('\n')[0]!;
  assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /Uid:\t65534\t65534\t65534/);
  await ping();

  // SIGHUP after the drop: the workers keep their devices, nothing needs privilege.
  daemonA.child.kill('SIGHUP');
  await daemonA.waitFor(/"msg":"reloaded"/);
  await ping();

  // Stop, then start again as nobody from the beginning: TUNSETIFF on the owned devices succeeds.
  daemonA.child.kill('SIGTERM');
  await daemonA.exited;
  const [cmd, ...args] = asUser(NOBODY, NOBODY, [process.execPath, CLI, 'run', '--config', topo.config('A')]);
  daemonA = topo.spawn(a, cmd, args);
  await daemonA.waitFor(/"msg":"ready"/, 15000);
  assert.doesNotMatch(daemonA.stdout(), /"level":[5-6]\d/, daemonA.stdout());
  await ping();
});

/**
 * `xlat464 run`: the daemon's configuration rules (errors name field and value), --check-config
 * output and exit codes (spawned CLI), and a daemon with real worker threads over FIFOs (no root):
 * the ready line, a refused reload that keeps the old configuration, stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { XlatError } from '../../src/errors.js';
import { checkConfig } from '../../src/config/index.js';
import { planFromConfig } from '../../src/service/plan.js';
import { Daemon, type IoPlan, type OpenDevice } from '../../src/service/daemon.js';

const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;
const GOOD = `translator: { ipv4: 192.0.0.1, ipv6: "fd00:ffff::1" }
fabric: { tun: xt-fab }
tenants:
  - { name: blue, prefix: "2001:db8:b::/96", ipv4: [10.0.0.0/8], tun: xt-blue }
  - { name: red, prefix: "2001:db8:ed::/96", ipv4: [10.0.0.0/8], tun: xt-red }
`;
const base = () => ({
  translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' },
  fabric: { tun: 'xt-fab' },
  tenants: [{ name: 'blue', prefix: 'fd00:64:1::/64', tun: 'xt-blue' }],
});

function refuses(f: () => unknown, ...parts: string[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof XlatError, String(e));
    for (const p of parts) assert.ok(e.message.includes(p), `${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

function withDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'xlat464-svc-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the daemon refuses a tenant without a TUN, naming tenants[i].tun', () => {
  const c = base();
  c.tenants.push({ name: 'red', prefix: 'fd00:64:2::/64' } as (typeof c.tenants)[0]);
  refuses(() => planFromConfig(c), 'tenants[1].tun', '"red"', 'undefined');
});

test('the daemon refuses a missing fabric TUN and two tenants on one TUN', () => {
  const { fabric: _f, ...noFabric } = base();
  refuses(() => planFromConfig(noFabric), 'fabric.tun');
  const c = base();
  c.tenants.push({ name: 'red', prefix: 'fd00:64:2::/64', tun: 'xt-blue' });
  refuses(() => planFromConfig(c), 'tenants[1].tun', '"xt-blue"', 'tenants[0]');
});

test('one tenant may share the fabric TUN: one device, both roles', () => {
  const c = base();
  c.tenants[0]!.tun = 'xt-fab';
  assert.deepEqual(planFromConfig(c).devices, [{ name: 'xt-fab', tenant: 'blue', fabric: true }]);
});

test('log and user: defaults, values, and refusals with field and value', () => {
  const ok = checkConfig(base()).config;
  assert.equal(ok.log.level, 'info');
  assert.equal(ok.user, undefined);
  assert.equal(checkConfig({ ...base(), log: { level: 'debug' }, user: 'nobody' }).config.user, 'nobody');
  assert.equal(checkConfig({ ...base(), user: 65534 }).config.user, 65534);
  refuses(() => checkConfig({ ...base(), log: { level: 'loud' } }), 'log.level', '"loud"');
  refuses(() => checkConfig({ ...base(), log: { level: 'info', file: 'x' } }), 'log.file');
  refuses(() => checkConfig({ ...base(), user: 'root; rm -rf /' }), 'user', 'root; rm -rf /');
  refuses(() => checkConfig({ ...base(), workers: 4 }), 'workers');
});

test('run --check-config prints the plan and exits 0', () => {
  withDir((dir) => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, GOOD);
    const r = spawnSync(process.execPath, [CLI, 'run', '--check-config', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /blue: prefix 2001:db8:b::\/96 ipv4 10\.0\.0\.0\/8 tun xt-blue/);
    assert.match(r.stdout, /xt-fab: fabric \(IPv6 side\)/);
    assert.match(r.stdout, /xt-red: tenant red \(IPv4 side\)/);
    assert.match(r.stdout, /metrics: http:\/\/127\.0\.0\.1:9464\/metrics/);
  });
});

test('run --check-config on a bad file exits 2 with one line naming field and value', () => {
  withDir((dir) => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, GOOD.replace('tun: xt-red', 'tun: "xt red"'));
    const r = spawnSync(process.execPath, [CLI, 'run', '--check-config', file], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /tenants\[1\]\.tun: .*"xt red"/);
    const r2 = spawnSync(process.execPath, [CLI, 'run', '--config', file], { encoding: 'utf8' });
    assert.equal(r2.status, 2, 'run --config with a bad file exits 2 before opening anything');
    const r3 = spawnSync(process.execPath, [CLI, 'run', '--config', file.replace('c.yaml', 'missing.yaml')], { encoding: 'utf8' });
    assert.equal(r3.status, 2);
    assert.match(r3.stderr, /ERR_XLAT_CONFIG_READ/);
  });
});

async function withDirAsync(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xlat464-svc-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('daemon over FIFOs: a worker per queue, ready once they run, a broken reload (or one changing io:) is refused and the old config stays, a good one applies', async () => {
  await withDirAsync(async (dir) => {
    const file = join(dir, 'c.yaml');
    // busyPoll: every worker spins 200 µs on its empty FIFO before each wait; stop and reload still answer.
    const IO = 'io: { offload: false, queues: 2, busyPoll: 200 }\n';
    writeFileSync(file, GOOD + IO);
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
    const opened: string[] = [];
    // A FIFO opened read-write stands in for a TUN fd: poll() waits on it, nothing arrives.
    const openDevice = (name: string, io: IoPlan): OpenDevice => {
      assert.deepEqual([io.offload, io.queues, io.busyPoll], [false, 2, 200]);
      const path = join(dir, `${name}.${io.queue}`);
      execFileSync('mkfifo', [path]);
      const fd = openSync(path, 'r+');
      opened.push(`${name}.${io.queue}`);
      return { name, fd, mtu: 1500, setPersist: () => undefined, close: () => closeSync(fd) };
    };
    const daemon = new Daemon({ configFile: file, logger: pino({ level: 'info' }, sink), openDevice, serveMetrics: false });
    await daemon.start();
    try {
    const ready = lines.find((l) => l.msg === 'ready');
    assert.ok(ready, 'a ready line');
    assert.equal(ready.workers, 6, 'three devices, two queues each');
    assert.equal(ready.busyPoll, 200);
    assert.deepEqual(ready.tenants, ['blue', 'red']);

    writeFileSync(file, GOOD + 'io: { offload: false, queues: 2, busyPoll: 50 }\n');
    assert.equal(await daemon.reload(), false);
    const pollRefused = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('reload refused: io.busyPoll'));
    assert.ok(pollRefused, JSON.stringify(lines));
    assert.equal(pollRefused.field, 'io.busyPoll');
    lines.length = 0;

    writeFileSync(file, GOOD + 'io: { offload: false, queues: 3, busyPoll: 200 }\n');
    assert.equal(await daemon.reload(), false);
    const ioRefused = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('reload refused: io.queues'));
    assert.ok(ioRefused, JSON.stringify(lines));
    assert.equal(ioRefused.field, 'io.queues');
    assert.match(String(ioRefused.msg), /running 2, file 3/);
    lines.length = 0;

    writeFileSync(file, GOOD.replace('ipv4: 192.0.0.1', 'ipv4: 192.0.0.300') + IO);
    assert.equal(await daemon.reload(), false);
    const refused = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('reload refused'));
    assert.ok(refused);
    assert.equal(refused.field, 'translator.ipv4');
    assert.deepEqual(daemon.plan.loaded.table.names, ['blue', 'red'], 'old configuration kept');
    assert.match(await daemon.metrics.text(), /xlat464_reloads_total\{outcome="error"\} 3/, 'the two io: changes and the broken file');

    writeFileSync(file, GOOD.replace(/ {2}- \{ name: red.*\n/, '  - { name: green, prefix: "2001:db8:ee::/96", tun: xt-green }\n') + IO);
    assert.equal(await daemon.reload(), true);
    assert.deepEqual(daemon.plan.loaded.table.names, ['blue', 'green']);
    assert.deepEqual(opened, ['xt-fab.0', 'xt-fab.1', 'xt-blue.0', 'xt-blue.1', 'xt-red.0', 'xt-red.1', 'xt-green.0', 'xt-green.1'], 'only the new device opened');
    const reloaded = lines.find((l) => l.msg === 'reloaded');
    assert.deepEqual(reloaded?.removed, ['xt-red']);
    assert.match(await daemon.metrics.text(), /xlat464_reloads_total\{outcome="ok"\} 1/);
    assert.equal(lines.filter((l) => l.level === 50 && l.msg !== refused.msg).length, 0, JSON.stringify(lines));

    } finally {
      const t0 = Date.now();
      await daemon.stop();
      assert.ok(Date.now() - t0 < 1000, 'stops within a second');
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const config = 'test/fixtures/two-tenants.yaml';

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function noStackTrace(err: string): void {
  assert.doesNotMatch(err, /\n\s+at /, `stderr has a stack trace:\n${err}`);
}

test('decode prints one line per address and exits 1 when one is not ours', () => {
  const r = run('decode', '--config', config, 'fd00:64:0:1:a:0:200:0', '2001:db8:ffff::1');
  assert.equal(r.out, 'tenant=blue ipv4=10.0.0.2 rule=prefix\ntenant=- ipv4=- rule=none\n');
  assert.equal(r.code, 1);
});

test('decode --json gives one object per line with stable fields', () => {
  const r = run('decode', '--config', config, '--json', 'fd00:64:0:1:a:0:200:0', '2001:db8:ffff::1');
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines, [
    { ipv6: 'fd00:64:0:1:a:0:200:0', tenant: 'blue', ipv4: '10.0.0.2', rule: 'prefix' },
    { ipv6: '2001:db8:ffff::1', tenant: null, ipv4: null, rule: null },
  ]);
});

test('encode and decode round-trip through the CLI for both tenants of the same IPv4 address', () => {
  for (const tenant of ['blue', 'red']) {
    const e = run('encode', '--config', config, '--tenant', tenant, '10.9.8.7');
    assert.equal(e.code, 0, e.err);
    const d = run('decode', '--config', config, e.out.trim());
    assert.equal(d.out, `tenant=${tenant} ipv4=10.9.8.7 rule=prefix\n`);
  }
});

test('encode --plan takes the tenant id as the tenant', () => {
  const r = run('encode', '--plan', 'fd00:64::/48+16', '--tenant', '7', '10.0.0.1', '--json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { tenant: '7', ipv4: '10.0.0.1', ipv6: 'fd00:64:0:7:a:0:100:0', rule: 'prefix' });
});

test('a bad address is one line on stderr naming the value, exit 2, and the other addresses still print', () => {
  const r = run('encode', '--config', config, '--tenant', 'blue', '010.0.0.1', '10.0.0.1');
  assert.equal(r.code, 2);
  assert.equal(r.out, 'fd00:64:0:1:a:0:100:0\n');
  assert.match(r.err, /010\.0\.0\.1/);
  assert.match(r.err, /ERR_XLAT_BAD_IPV4/);
  assert.equal(r.err.trim().split('\n').length, 1);
  noStackTrace(r.err);
});

test('an unknown tenant is refused by name', () => {
  const r = run('encode', '--config', config, '--tenant', 'purple', '10.0.0.1');
  assert.equal(r.code, 2);
  assert.match(r.err, /purple/);
  noStackTrace(r.err);
});

test('a broken configuration file is one line naming the field and value, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlat464-cli-'));
  try {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'translator: { ipv4: 192.0.0.1, ipv6: "fd00::1" }\ntenants:\n  - { name: blue, prefix: "fd00:64:1::/80" }\n');
    const r = run('decode', '--config', file, 'fd00::1');
    assert.equal(r.code, 2);
    assert.match(r.err, /tenants\[0\]\.prefix/);
    assert.match(r.err, /\/80/);
    assert.equal(r.out, '');
    noStackTrace(r.err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--config and --plan together is a usage error; encode needs one of them', () => {
  const both = run('decode', '--config', config, '--plan', 'fd00:64::/48+16', 'fd00::1');
  assert.equal(both.code, 2);
  assert.match(both.err, /not both/);
  const neither = run('encode', '--tenant', 'blue', '10.0.0.1');
  assert.equal(neither.code, 2);
  assert.match(neither.err, /--config/);
  noStackTrace(both.err + neither.err);
});

test('decode without a table reads the well-known prefix only (global IPv4, RFC 6052 §3.1) and says it has no table', () => {
  const r = run('decode', '64:ff9b::808:808', '64:ff9b::a00:1', 'fd00::1', '--json');
  assert.equal(r.code, 1, 'two of three are not ours');
  assert.deepEqual(
    r.out.trim().split('\n').map((l) => JSON.parse(l) as unknown),
    [
      { ipv6: '64:ff9b::808:808', tenant: null, ipv4: '8.8.8.8', rule: 'wkp' },
      { ipv6: '64:ff9b::a00:1', tenant: null, ipv4: null, rule: null },
      { ipv6: 'fd00::1', tenant: null, ipv4: null, rule: null },
    ],
  );
  assert.match(r.err, /no tenant table/);
  noStackTrace(r.err);
});

test('a bad plan is refused naming the value', () => {
  const r = run('decode', '--plan', 'fd00:64::/48+12', 'fd00::1');
  assert.equal(r.code, 2);
  assert.match(r.err, /fd00:64::\/48\+12|\/60|12/);
  noStackTrace(r.err);
});

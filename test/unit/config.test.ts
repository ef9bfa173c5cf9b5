import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig, loadConfig, readConfigFile } from '../../src/config/index.js';
import { XlatError } from '../../src/errors.js';

const fixture = new URL('../../../test/fixtures/two-tenants.yaml', import.meta.url).pathname;
const base = () => ({ translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' }, tenants: [{ name: 'blue', prefix: 'fd00:64:1::/64' }] });

function refuses(input: unknown, code: string, ...parts: string[]): void {
  assert.throws(
    () => checkConfig(input),
    (e: unknown) => {
      assert.ok(e instanceof XlatError, `expected XlatError, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
      return true;
    },
  );
}

test('the README example config loads, with the documented defaults filled in', () => {
  const { config, table, translator } = loadConfig(fixture);
  assert.deepEqual(table.names, ['blue', 'red', 'green']);
  assert.equal(config.translator.lowestIpv6Mtu, 1280);
  assert.equal(config.translator.eamHairpin, 'intrinsic');
  assert.deepEqual(config.translator.mtuPlateaus, [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68]);
  assert.equal(config.metrics.listen, '127.0.0.1:9464');
  assert.deepEqual(config.io, { offload: true, uring: false, busyPoll: 0 }, 'io: offloads on, queues per core (absent), no io_uring, no busy poll');
  assert.equal(translator.ipv4, 0xc0000001);
  assert.equal(translator.tos, -1);
  assert.equal(translator.rfc6791v4Addr, 0xc0000001, 'rfc6791v4: null falls back to translator.ipv4');
  assert.equal(translator.rfc6791v4Len, 32);
  assert.equal(table.encode('blue', '10.0.0.1'), 'fd00:64:0:1:a:0:100:0');
  assert.equal(table.encode('red', '10.0.0.1'), 'fd00:64:0:2:a:0:100:0');
});

test('JSON and YAML of the same config give the same result', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlat464-config-'));
  try {
    const json = join(dir, 'c.json');
    writeFileSync(json, JSON.stringify(readConfigFile(fixture)));
    assert.deepEqual(loadConfig(json).config, loadConfig(fixture).config);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown keys are refused with their path', () => {
  refuses({ ...base(), tenant: [] }, 'ERR_XLAT_BAD_CONFIG', 'tenant');
  refuses({ ...base(), translator: { ...base().translator, lowestIPv6Mtu: 1400 } }, 'ERR_XLAT_BAD_CONFIG', 'translator', 'lowestIPv6Mtu');
});

test('a missing translator address is refused naming the field', () => {
  refuses({ translator: { ipv4: '192.0.0.1' }, tenants: base().tenants }, 'ERR_XLAT_BAD_CONFIG', 'translator.ipv6');
});

test("a bad value is reported once, with the parser's own error code", () => {
  assert.throws(() => checkConfig({ ...base(), translator: { ...base().translator, ipv4: '010.0.0.1' } }), (e: unknown) => {
    assert.ok(e instanceof XlatError);
    assert.equal(e.message.split('got').length, 2, `"got" twice: ${e.message}`);
    return true;
  });
});

test('bad translator values are refused with path and value', () => {
  refuses({ ...base(), translator: { ...base().translator, ipv4: '010.0.0.1' } }, 'ERR_XLAT_BAD_IPV4', 'translator.ipv4', '010.0.0.1');
  refuses({ ...base(), translator: { ...base().translator, ipv6Mtu: 1000 } }, 'ERR_XLAT_BAD_CONFIG', 'translator.ipv6Mtu', '1000');
  refuses({ ...base(), translator: { ...base().translator, tos: 256 } }, 'ERR_XLAT_BAD_CONFIG', 'translator.tos', '256');
  refuses({ ...base(), translator: { ...base().translator, eamHairpin: 'sometimes' } }, 'ERR_XLAT_BAD_CONFIG', 'translator.eamHairpin', 'sometimes');
  refuses({ ...base(), translator: { ...base().translator, rfc6791v4: '192.0.2.1/24' } }, 'ERR_XLAT_BAD_PREFIX', 'translator.rfc6791v4', '192.0.2.1/24');
  refuses({ ...base(), translator: { ...base().translator, mtuPlateaus: [1500, 1500] } }, 'ERR_XLAT_BAD_CONFIG', 'translator.mtuPlateaus[1]');
  refuses({ ...base(), metrics: { listen: '0.0.0.0:99999' } }, 'ERR_XLAT_BAD_CONFIG', 'metrics.listen', '0.0.0.0:99999');
  refuses({ ...base(), fabric: { tun: 'a-name-much-too-long' } }, 'ERR_XLAT_BAD_CONFIG', 'fabric.tun', 'a-name-much-too-long');
  refuses({ ...base(), io: { busyPoll: 20000 } }, 'ERR_XLAT_BAD_CONFIG', 'io.busyPoll', '20000');
  refuses({ ...base(), io: { busyPoll: -1 } }, 'ERR_XLAT_BAD_CONFIG', 'io.busyPoll', '-1');
  refuses({ ...base(), io: { busyPoll: 2.5 } }, 'ERR_XLAT_BAD_CONFIG', 'io.busyPoll', '2.5');
  refuses({ ...base(), io: { queues: 0 } }, 'ERR_XLAT_BAD_CONFIG', 'io.queues', '0');
});

test('tenant errors name the tenant and the field', () => {
  const t = base();
  refuses({ ...t, tenants: [...t.tenants, { name: 'red', prefix: 'fd00:64:1::/80' }] }, 'ERR_XLAT_BAD_PREFIX', 'tenants[1].prefix', 'tenant "red"', '/80');
  refuses({ ...t, tenants: [...t.tenants, { name: 'blue', prefix: 'fd00:64:2::/64' }] }, 'ERR_XLAT_BAD_TENANT', 'tenants[1].name', 'blue');
});

test('a file that is not JSON or YAML, or does not parse, is refused with where', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlat464-config-'));
  try {
    const ini = join(dir, 'c.ini');
    writeFileSync(ini, 'x=1');
    assert.throws(() => loadConfig(ini), /ERR_XLAT_CONFIG_READ|expected a \.json, \.yaml or \.yml file/);
    const y = join(dir, 'c.yaml');
    writeFileSync(y, 'translator:\n  ipv4: [unclosed\n');
    assert.throws(() => loadConfig(y), (e: unknown) => e instanceof XlatError && e.code === 'ERR_XLAT_CONFIG_SYNTAX' && /line \d+/.test(e.message));
    assert.throws(() => loadConfig(join(dir, 'missing.yaml')), (e: unknown) => e instanceof XlatError && e.code === 'ERR_XLAT_CONFIG_READ' && e.message.includes('ENOENT'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XlatError } from '../../src/errors.js';
import { TenantTable, tenantsConfigSchema, tenantSchema, planSchema, zodToXlat, formatPath, isLinuxIfname } from '../../src/address/index.js';

/** Builds a table from `config` and returns the XlatError it must throw. */
function refusal(config: unknown): XlatError {
  try {
    TenantTable.fromConfig(config);
  } catch (e) {
    assert.ok(e instanceof XlatError, `expected XlatError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the configuration to be refused');
}

test('reports a bad value with its field path, its own code and the value', () => {
  const e = refusal({ tenants: [{ name: 'a', prefix: '2001:db8::/96', ipv4: ['10.0.0.0/8', '010.0.0.0/8'] }] });
  assert.equal(e.code, 'ERR_XLAT_BAD_PREFIX');
  assert.equal(e.path, 'tenants[0].ipv4[1]');
  assert.match(e.message, /^tenants\[0\]\.ipv4\[1\]: .*"010\.0\.0\.0\/8"$/);

  const p = refusal({ tenants: [{ name: 'a', prefix: '2001:db8::/80' }] });
  assert.equal(p.message, 'tenants[0].prefix: tenant "a": expected an RFC 6052 prefix length (32,40,48,56,64,96), got /80 in "2001:db8::/80"');

  const h = refusal({ tenants: [{ name: 'a', prefix: '2001:db8::/96' }, { name: 'b', prefix: '2001:db8::1/96' }] });
  assert.equal(h.code, 'ERR_XLAT_BAD_PREFIX');
  assert.equal(h.path, 'tenants[1].prefix');
  assert.ok(h.message.includes('host bits') && h.message.includes('"2001:db8::1/96"'), h.message);

  const eam = refusal({ tenants: [{ name: 'a', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8::/64' }] }] });
  assert.equal(eam.code, 'ERR_XLAT_BAD_EAM');
  assert.equal(eam.path, 'tenants[0].eam[0].ipv6');
  assert.ok(eam.message.includes('/120') && eam.message.includes('"2001:db8::/64"'), eam.message);

  const u = refusal({ tenants: [{ name: 'a', plat: '2001:db8:0:0:100::/96', prefix: '2001:db8:1::/96' }] });
  assert.equal(u.code, 'ERR_XLAT_BAD_U_OCTET');
  assert.equal(u.path, 'tenants[0].plat');
});

test('reports structural problems as ERR_XLAT_BAD_CONFIG with path and value', () => {
  const cases: [unknown, string, string][] = [
    [5, '', 'expected object, got 5'],
    [null, '', 'expected object, got null'],
    [{}, 'tenants', 'tenants: missing required field, expected array, got undefined'],
    [{ tenants: 'red' }, 'tenants', 'tenants: expected array, got "red"'],
    [{ tenants: [{ name: 'a', prefx: '2001:db8::/96' }] }, 'tenants[0].prefx', 'tenants[0].prefx: unknown field "prefx", got "2001:db8::/96"'],
    [{ tenants: [{ name: 'a', prefix: 96 }] }, 'tenants[0].prefix', 'tenants[0].prefix: tenant "a": expected string, got 96'],
    [{ tenants: [{ name: 'a b', prefix: '2001:db8::/96' }] }, 'tenants[0].name', 'got "a b"'],
    [{ tenants: [{ name: 'a', prefix: '2001:db8::/96', tun: 'a/b' }] }, 'tenants[0].tun', 'got "a/b"'],
    [{ tenants: [{ name: 'a', prefix: '2001:db8::/96', tun: 'sixteen-chars-xx' }] }, 'tenants[0].tun', 'got "sixteen-chars-xx"'],
    [{ tenants: [{ name: 'a', id: 1e300 }] }, 'tenants[0].id', 'got 1e+300'],
    [{ tenants: [{ name: 'a', id: '7' }] }, 'tenants[0].id', 'expected number, got "7"'],
    [{ tenants: [], plan: { domain: 'fd00::/48', tenantBits: 16, extra: 1 } }, 'plan.extra', 'unknown field'],
    [{ tenants: [{ name: 'a', eam: [{ ipv4: '10.0.0.1' }] }] }, 'tenants[0].eam[0].ipv6', 'missing required field'],
  ];
  for (const [config, path, part] of cases) {
    const e = refusal(config);
    assert.equal(e.path, path, e.message);
    assert.ok(e.message.includes(part), `${JSON.stringify(e.message)} lacks ${JSON.stringify(part)}`);
    if (!['ERR_XLAT_BAD_PREFIX'].includes(e.code)) assert.equal(e.code, 'ERR_XLAT_BAD_CONFIG', e.message);
  }
});

test('reports plan errors at plan.domain and plan.tenantBits', () => {
  const bits = refusal({ tenants: [], plan: { domain: 'fd00::/48', tenantBits: 20 } });
  assert.equal(bits.code, 'ERR_XLAT_BAD_PLAN');
  assert.equal(bits.path, 'plan.tenantBits');
  const dom = refusal({ tenants: [], plan: { domain: 'fd00::1/48', tenantBits: 16 } });
  assert.equal(dom.code, 'ERR_XLAT_BAD_PLAN');
  assert.equal(dom.path, 'plan.domain');
  assert.ok(dom.message.includes('"fd00::1/48"'), dom.message);
});

test('refuses prototype keys instead of letting them through', () => {
  const e = refusal(JSON.parse('{"tenants":[{"name":"a","prefix":"2001:db8::/96","__proto__":{"polluted":true}}]}'));
  assert.equal(e.code, 'ERR_XLAT_BAD_CONFIG');
  assert.equal(e.path, 'tenants[0].__proto__');
  const c = refusal({ tenants: [{ name: 'a', prefix: '2001:db8::/96', constructor: 1 }] });
  assert.equal(c.path, 'tenants[0].constructor');
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('ignores other top-level keys, which belong to the full config schema', () => {
  const t = TenantTable.fromConfig({ tenants: [{ name: 'a', prefix: '2001:db8::/96' }], translator: {}, fabric: 1, metrics: 'x' });
  assert.equal(t.size, 1);
});

test('the exported schemas parse to the types the table is built from', () => {
  const r = tenantsConfigSchema.safeParse({ tenants: [{ name: 'a', prefix: '2001:db8::/96' }], plan: { domain: 'fd00:64::/48', tenantBits: 16 } });
  assert.ok(r.success);
  assert.equal(r.data.tenants[0]?.prefix?.len, 96);
  assert.equal(r.data.plan?.prefixOf(1), 'fd00:64:0:1::/64');
  assert.ok(TenantTable.fromParsed(r.data).size === 1);
  assert.equal(tenantSchema.safeParse({ name: 'a', nope: 1 }).success, false);
  const bad = planSchema.safeParse({ domain: 'fd00::/48', tenantBits: 3 });
  assert.ok(!bad.success);
  assert.equal(zodToXlat(bad.error, { domain: 'fd00::/48', tenantBits: 3 }).path, 'tenantBits');
});

test('formats paths and checks Linux interface names', () => {
  assert.equal(formatPath(['tenants', 2, 'eam', 0, 'ipv6']), 'tenants[2].eam[0].ipv6');
  assert.equal(formatPath(['a b', 1]), '["a b"][1]');
  for (const ok of ['tun0', 'xlat-red', 'a', 'fifteen-chars-x']) assert.ok(isLinuxIfname(ok), ok);
  for (const bad of ['', '.', '..', 'a/b', 'a b', 'a:b', 'a\tb', 'sixteen-chars-xx', 'é'.repeat(8)]) assert.ok(!isLinuxIfname(bad), bad);
});

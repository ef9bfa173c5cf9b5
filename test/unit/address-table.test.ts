import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XlatError } from '../../src/errors.js';
import {
  TenantTable,
  AddressPlan,
  RULE_PREFIX,
  RULE_EAM,
  RULE_PLAT,
  RULE_NONE,
  parseIPv4,
  parseIPv6,
  formatIPv6,
} from '../../src/address/index.js';

function refuses(fn: () => unknown, code: string, path: string, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof XlatError, `expected XlatError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.path, path, e.message);
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

const shared = () =>
  TenantTable.fromConfig({
    tenants: [
      {
        name: 'red',
        prefix: '2001:db8:1::/96',
        ipv4: ['10.0.0.0/8', '192.168.0.0/16'],
        plat: '64:ff9b::/96',
        eam: [
          { ipv4: '192.168.0.0/16', ipv6: '2001:db8:e::/112' },
          { ipv4: '192.168.7.0/24', ipv6: '2001:db8:e7::/120' },
          { ipv4: '192.168.7.7', ipv6: '2001:db8:e7e7::7' },
        ],
        tun: 'xlat-red',
      },
      { name: 'blue', prefix: '2001:db8:2::/96', ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' },
      { name: 'green', prefix: '2001:db8:300::/40', ipv4: ['10.0.0.0/8'], plat: '2001:db8:ff00::/56' },
      { name: 'eam-only', eam: [{ ipv4: '10.9.0.0/16', ipv6: '2001:db8:9::/112' }], ipv4: ['10.9.0.0/16'], plat: '2001:db8:ff00::/56' },
    ],
    translator: { ignored: 'here' },
  });

test('encodes own addresses under the tenant prefix and other destinations under its PLAT prefix', () => {
  const t = shared();
  assert.equal(t.encode('red', '10.1.2.3'), '2001:db8:1::10.1.2.3');
  assert.equal(t.encode('blue', '10.1.2.3'), '2001:db8:2::10.1.2.3');
  assert.equal(t.encode('red', '8.8.8.8'), '64:ff9b::8.8.8.8');
  assert.equal(t.encode('green', '10.1.2.3'), '2001:db8:30a:102:3::');
  assert.equal(t.encode('green', '8.8.8.8'), '2001:db8:ff00:8:8:808::');
});

test('tries EAM first, longest IPv4 match, before the tenant prefix (RFC 7757)', () => {
  const t = shared();
  assert.equal(t.encode('red', '192.168.1.2'), '2001:db8:e::102');
  assert.equal(t.encode('red', '192.168.7.9'), '2001:db8:e7::9');
  assert.equal(t.encode('red', '192.168.7.7'), '2001:db8:e7e7::7');
  // Another tenant's EAM does not apply: for blue it is a foreign, non-global address, which
  // its Well-Known-Prefix PLAT must not carry (RFC 6052 §3.1).
  assert.throws(() => t.encode('blue', '192.168.1.2'), { code: 'ERR_XLAT_NO_MAPPING' });
});

test('decodes EAM by longest IPv6 match before the algorithmic prefix', () => {
  const t = shared();
  assert.deepEqual(t.decode('2001:db8:e::102'), { tenant: 'red', ipv4: '192.168.1.2', rule: 'eam' });
  assert.deepEqual(t.decode('2001:db8:e7::9'), { tenant: 'red', ipv4: '192.168.7.9', rule: 'eam' });
  assert.deepEqual(t.decode('2001:db8:e7e7::7'), { tenant: 'red', ipv4: '192.168.7.7', rule: 'eam' });
  assert.deepEqual(t.decode('2001:db8:9::506'), { tenant: 'eam-only', ipv4: '10.9.5.6', rule: 'eam' });
  assert.deepEqual(t.decode('2001:db8:1::a01:203'), { tenant: 'red', ipv4: '10.1.2.3', rule: 'prefix' });
  assert.deepEqual(t.decode('2001:db8:30a:102:3::'), { tenant: 'green', ipv4: '10.1.2.3', rule: 'prefix' });
});

test('a PLAT prefix shared by several tenants names them all and no single tenant', () => {
  const t = shared();
  assert.deepEqual(t.decode('64:ff9b::8.8.8.8'), { tenant: null, tenants: ['red', 'blue'], ipv4: '8.8.8.8', rule: 'plat' });
  const one = TenantTable.fromConfig({
    tenants: [
      { name: 'a', prefix: '2001:db8:1::/96', ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' },
      { name: 'b', prefix: '2001:db8:2::/96' },
    ],
  });
  assert.deepEqual(one.decode('64:ff9b::8.8.8.8'), { tenant: 'a', ipv4: '8.8.8.8', rule: 'plat' });
});

test('returns null for addresses that are not ours', () => {
  const t = shared();
  assert.equal(t.decode('2001:db8:3::1'), null);
  assert.equal(t.decode('::1'), null);
  assert.equal(t.decode('2001:db8:30a:102:103::'), null, 'u octet set under a /40');
  assert.equal(t.decode('64:ff9b::10.1.2.3'), null, 'RFC 6052 §3.1: non-global under the WKP');
});

test('has no mapping for an own address without a prefix, or a foreign one without a PLAT', () => {
  const t = TenantTable.fromConfig({
    tenants: [
      { name: 'noplat', prefix: '2001:db8:1::/96', ipv4: ['10.0.0.0/8'] },
      { name: 'eam', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8:2::/120' }], plat: '64:ff9b::/96', ipv4: ['10.0.0.0/8'] },
      { name: 'wkp', prefix: '2001:db8:3::/96', ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' },
    ],
  });
  assert.throws(() => t.encode('noplat', '8.8.8.8'), { code: 'ERR_XLAT_NO_MAPPING', message: /"noplat".*"8\.8\.8\.8"/ });
  assert.throws(() => t.encode('eam', '10.0.1.1'), { code: 'ERR_XLAT_NO_MAPPING' });
  assert.equal(t.encode('eam', '10.0.0.1'), '2001:db8:2::1');
  assert.equal(t.encode('eam', '9.9.9.9'), '64:ff9b::9.9.9.9');
  assert.throws(() => t.encode('wkp', '192.168.1.1'), { code: 'ERR_XLAT_NO_MAPPING' }, 'RFC 6052 §3.1');
  assert.throws(() => t.encode('nobody', '10.0.0.1'), { code: 'ERR_XLAT_BAD_TENANT', message: /"nobody"/ });
  assert.throws(() => t.encode('wkp', '10.0.0.01'), { code: 'ERR_XLAT_BAD_IPV4' });
  const out = new Uint8Array(16).fill(0xa5);
  assert.equal(t.encode4(0, parseIPv4('8.8.8.8'), out, 0), -1);
  assert.ok(out.every((b) => b === 0xa5), 'no mapping writes nothing');
});

test('the default IPv4 range is everything, so such a tenant never uses its PLAT', () => {
  const t = TenantTable.fromConfig({ tenants: [{ name: 'a', prefix: '2001:db8:1::/96', plat: '64:ff9b::/96' }] });
  assert.equal(t.encode('a', '8.8.8.8'), '2001:db8:1::8.8.8.8');
  assert.equal(t.ownsV4(0, 0), true);
  assert.equal(t.ownsV4(0, 0xffffffff), true);
});

test('ownsV4 merges and searches the tenant ranges', () => {
  const t = TenantTable.fromConfig({
    tenants: [{ name: 'a', prefix: '2001:db8:1::/96', ipv4: ['10.0.0.0/9', '10.128.0.0/9', '192.0.2.7', '172.16.0.0/12', '10.1.0.0/16'] }],
  });
  for (const [a, own] of [
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['9.255.255.255', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['172.31.255.255', true],
    ['172.32.0.0', false],
  ] as const) {
    assert.equal(t.ownsV4(0, parseIPv4(a)), own, a);
  }
  assert.deepEqual(t.info(0).ipv4, ['10.0.0.0/9', '10.128.0.0/9', '192.0.2.7/32', '172.16.0.0/12', '10.1.0.0/16']);
});

test('the hot path reads addresses in place and reports the rule in preallocated fields', () => {
  const t = shared();
  const pkt = new Uint8Array(40).fill(0xa5);
  pkt.set(parseIPv6('2001:db8:2::a01:203'), 24);
  assert.equal(t.lookupDst6(pkt, 24), t.indexOf('blue'));
  assert.equal(t.outV4, parseIPv4('10.1.2.3'));
  assert.equal(t.outRule, RULE_PREFIX);

  pkt.set(parseIPv6('64:ff9b::8.8.4.4'), 8);
  assert.equal(t.lookupSrc6(t.indexOf('blue'), pkt, 8), true);
  assert.equal(t.outRule, RULE_PLAT);
  assert.equal(t.outV4, parseIPv4('8.8.4.4'));
  assert.equal(t.lookupSrc6(t.indexOf('green'), pkt, 8), false, 'not green’s PLAT');
  assert.equal(t.lookupDst6(pkt, 8), -1, 'shared PLAT names no tenant');
  assert.equal(t.outRule, RULE_PLAT);

  pkt.set(parseIPv6('2001:db8:e7::9'), 8);
  assert.equal(t.lookupSrc6(t.indexOf('red'), pkt, 8), true);
  assert.equal(t.outRule, RULE_EAM);
  assert.equal(t.lookupSrc6(t.indexOf('blue'), pkt, 8), false, 'red’s EAM is not blue’s');
  pkt.set(parseIPv6('2001:db8:1::a01:203'), 8);
  assert.equal(t.lookupSrc6(t.indexOf('blue'), pkt, 8), false, 'red’s prefix is not blue’s');
  pkt.set(parseIPv6('2001:db8:77::1'), 8);
  assert.equal(t.lookupDst6(pkt, 8), -1);
  assert.equal(t.outRule, RULE_NONE);

  const out = new Uint8Array(20).fill(0xa5);
  assert.equal(t.encode4(t.indexOf('red'), parseIPv4('192.168.7.9'), out, 2), RULE_EAM);
  assert.equal(formatIPv6(out, 2), '2001:db8:e7::9');
  assert.equal(out[1], 0xa5);
  assert.equal(out[18], 0xa5);
  assert.equal(t.encode4(t.indexOf('red'), parseIPv4('10.0.0.1'), out, 2), RULE_PREFIX);
  assert.equal(t.encode4(t.indexOf('red'), parseIPv4('1.1.1.1'), out, 2), RULE_PLAT);
  assert.equal(formatIPv6(out, 2), '64:ff9b::101:101');
});

test('exposes size, names, indexOf and a text view of each tenant', () => {
  const t = shared();
  assert.equal(t.size, 4);
  assert.deepEqual(t.names, ['red', 'blue', 'green', 'eam-only']);
  assert.equal(t.indexOf('green'), 2);
  assert.equal(t.indexOf('nope'), -1);
  assert.equal(t.nameOf(1), 'blue');
  assert.deepEqual(t.info(0), {
    name: 'red',
    index: 0,
    prefix: '2001:db8:1::/96',
    ipv4: ['10.0.0.0/8', '192.168.0.0/16'],
    eam: [
      { ipv4: '192.168.0.0/16', ipv6: '2001:db8:e::/112' },
      { ipv4: '192.168.7.0/24', ipv6: '2001:db8:e7::/120' },
      { ipv4: '192.168.7.7/32', ipv6: '2001:db8:e7e7::7/128' },
    ],
    plat: '64:ff9b::/96',
    tun: 'xlat-red',
  });
});

test('tenants named by id under a plan get the plan prefix', () => {
  const t = TenantTable.fromConfig({
    plan: { domain: 'fd00:64::/48', tenantBits: 16 },
    tenants: [
      { name: 'seven', id: 7, ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' },
      { name: 'eight', id: 8, eam: [{ ipv4: '10.8.0.0/24', ipv6: '2001:db8:8::/120' }] },
      { name: 'outside', prefix: '2001:db8::/96' },
    ],
  });
  assert.equal(t.info(0).prefix, 'fd00:64:0:7::/64');
  assert.equal(t.encode('seven', '10.1.2.3'), 'fd00:64:0:7:a:102:300:0');
  assert.deepEqual(t.decode('fd00:64:0:7:a:102:300:0'), { tenant: 'seven', ipv4: '10.1.2.3', rule: 'prefix' });
  assert.equal(t.encode('eight', '10.8.0.5'), '2001:db8:8::5');
  assert.equal(t.decode('fd00:64:0:9:a:102:300:0'), null, 'id 9 is not configured');
});

test('a plan table makes every id a tenant without materialising them', () => {
  const t = TenantTable.fromPlan(AddressPlan.parse('fd00::/32+32'));
  assert.equal(t.size, 2 ** 32);
  assert.equal(t.indexOf('4294967295'), 4294967295);
  assert.equal(t.indexOf('4294967296'), -1);
  assert.equal(t.indexOf('007'), -1);
  assert.equal(t.nameOf(12), '12');
  assert.throws(() => t.names, { code: 'ERR_XLAT_TOO_LARGE' });
  assert.equal(t.encode('4000000000', '10.1.2.3'), 'fd00:0:ee6b:2800:a:102:300:0');
  assert.deepEqual(t.decode('fd00:0:ee6b:2800:a:102:300:0'), { tenant: '4000000000', ipv4: '10.1.2.3', rule: 'prefix' });
  const pkt = parseIPv6('fd00:0:0:5:a:102:300:0');
  assert.equal(t.lookupSrc6(5, pkt, 0), true);
  assert.equal(t.lookupSrc6(6, pkt, 0), false);
  assert.equal(t.ownsV4(5, 0x08080808), true);
  const small = TenantTable.fromPlan(AddressPlan.parse('fd00:64::/56+8'));
  assert.equal(small.names.length, 256);
  assert.equal(small.names[255], '255');
});

test('refuses duplicate names, missing mappings and ids without a plan, naming tenant and field', () => {
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', prefix: '2001:db8:1::/96' }, { name: 'a', prefix: '2001:db8:2::/96' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].name',
    '"a"',
    'tenants[0]',
  );
  refuses(() => TenantTable.fromConfig({ tenants: [{ name: 'a', prefix: '2001:db8:1::/96' }, { name: 'b', plat: '64:ff9b::/96' }] }), 'ERR_XLAT_BAD_TENANT', 'tenants[1]', '"b"', 'prefix, id or eam');
  refuses(() => TenantTable.fromConfig({ tenants: [{ name: 'a', eam: [] }] }), 'ERR_XLAT_BAD_TENANT', 'tenants[0]', '"a"');
  refuses(() => TenantTable.fromConfig({ tenants: [{ name: 'a', id: 3 }] }), 'ERR_XLAT_BAD_TENANT', 'tenants[0].id', 'no plan', '3');
  refuses(
    () => TenantTable.fromConfig({ plan: { domain: 'fd00:64::/48', tenantBits: 16 }, tenants: [{ name: 'a', id: 65536 }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[0].id',
    '16 tenant bits',
    '65536',
  );
  refuses(
    () => TenantTable.fromConfig({ plan: { domain: 'fd00:64::/48', tenantBits: 16 }, tenants: [{ name: 'a', id: 1, prefix: '2001:db8::/96' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[0].id',
    'both prefix and id',
  );
});

test('refuses overlapping tenant prefixes, explicit or plan-derived, naming the later tenant', () => {
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'wide', prefix: '2001:db8::/32' }, { name: 'b', prefix: '2001:db8:5::/96' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].prefix',
    '"2001:db8:5::/96"',
    'tenants[0].prefix "2001:db8::/32"',
    'tenant "wide"',
  );
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'narrow', prefix: '2001:db8:5::/96' }, { name: 'wide', prefix: '2001:db8::/32' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].prefix',
    '"2001:db8::/32"',
  );
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', prefix: '2001:db8::/96' }, { name: 'b', prefix: '2001:db8::/96' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].prefix',
  );
  const plan = { domain: 'fd00:64::/48', tenantBits: 16 };
  refuses(
    () => TenantTable.fromConfig({ plan, tenants: [{ name: 'a', id: 5 }, { name: 'b', id: 5 }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].id',
    'id 5 = fd00:64:0:5::/64',
  );
  refuses(
    () => TenantTable.fromConfig({ plan, tenants: [{ name: 'a', id: 5 }, { name: 'b', prefix: 'fd00:64:0:6::/64' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].prefix',
    'plan domain',
  );
});

test('refuses EAM IPv6 sides that overlap another tenant, but lets a tenant nest its own', () => {
  refuses(
    () =>
      TenantTable.fromConfig({
        tenants: [
          { name: 'a', prefix: '2001:db8:1::/96' },
          { name: 'b', eam: [{ ipv4: '10.0.0.1', ipv6: '2001:db8:1::5' }] },
        ],
      }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].eam[0].ipv6',
    '"2001:db8:1::5/128"',
    'tenant "a"',
  );
  refuses(
    () =>
      TenantTable.fromConfig({
        tenants: [
          { name: 'a', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8:e::/120' }] },
          { name: 'b', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8:e::/120' }] },
        ],
      }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].eam[0].ipv6',
    'tenants[0].eam[0].ipv6',
  );
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8:e::/120' }, { ipv4: '10.0.1.0/24', ipv6: '2001:db8:e::/120' }] }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[0].eam[1].ipv6',
  );
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8:e::/120' }, { ipv4: '10.0.0.0/24', ipv6: '2001:db8:f::/120' }] }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[0].eam[1].ipv4',
    '"10.0.0.0/24"',
  );
  refuses(
    () => TenantTable.fromConfig({ plan: { domain: 'fd00:64::/48', tenantBits: 16 }, tenants: [{ name: 'a', id: 1 }, { name: 'b', id: 2, eam: [{ ipv4: '10.0.0.1', ipv6: 'fd00:64:0:3::1' }] }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].eam[0].ipv6',
    'plan domain',
  );
  // Not even inside the tenant's own prefix or own EAM: 0.0.255.5 under the prefix and
  // 10.0.0.5 under the EAM would both become 2001:db8:1::ff05.
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', prefix: '2001:db8:1::/96', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8:1::ff00/120' }] }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[0].eam[0].ipv6',
    'tenants[0].prefix',
  );
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8:e::/120' }, { ipv4: '10.9.9.9', ipv6: '2001:db8:e::5' }] }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[0].eam[1].ipv6',
    'tenants[0].eam[0].ipv6',
  );
  // IPv4 sides may nest: the longer match wins both ways.
  const ok = TenantTable.fromConfig({
    tenants: [{ name: 'a', eam: [{ ipv4: '10.0.0.0/24', ipv6: '2001:db8:e::/120' }, { ipv4: '10.0.0.7', ipv6: '2001:db8:f::7' }] }],
  });
  assert.equal(ok.encode('a', '10.0.0.7'), '2001:db8:f::7');
  assert.equal(ok.encode('a', '10.0.0.8'), '2001:db8:e::8');
  assert.deepEqual(ok.decode('2001:db8:f::7'), { tenant: 'a', ipv4: '10.0.0.7', rule: 'eam' });
});

test('refuses a PLAT prefix that overlaps a tenant prefix, an EAM, the plan domain or another PLAT', () => {
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', prefix: '2001:db8:1::/96' }, { name: 'b', prefix: '2001:db8:2::/96', plat: '2001:db8::/32' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].plat',
    '"2001:db8::/32"',
    'tenant "a"',
    'PLAT',
  );
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', eam: [{ ipv4: '10.0.0.1', ipv6: '64:ff9b::1' }] }, { name: 'b', prefix: '2001:db8:2::/96', plat: '64:ff9b::/96' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].plat',
    'tenants[0].eam[0].ipv6',
  );
  refuses(
    () => TenantTable.fromConfig({ tenants: [{ name: 'a', prefix: '2001:db8:1::/96', plat: '64:ff9b::/96' }, { name: 'b', prefix: '2001:db8:2::/96', plat: '64:ff9b::/64' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[1].plat',
    '"64:ff9b::/64"',
  );
  refuses(
    () => TenantTable.fromConfig({ plan: { domain: 'fd00:64::/48', tenantBits: 16 }, tenants: [{ name: 'a', id: 1, plat: 'fd00:64:0:9::/64' }] }),
    'ERR_XLAT_BAD_TENANT',
    'tenants[0].plat',
    'plan domain',
  );
});

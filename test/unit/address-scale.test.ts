import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TenantTable, formatIPv4, parseIPv6, RULE_PREFIX } from '../../src/address/index.js';

const TENANTS = 100_000;

/** 100 000 tenants: half named by id under a plan, half with explicit /64 and /96 prefixes. */
export function bigConfig(n = TENANTS): { plan: { domain: string; tenantBits: number }; tenants: object[] } {
  const tenants: object[] = [];
  const half = n >>> 1;
  for (let i = 0; i < half; i++) {
    tenants.push({ name: `plan-${i}`, id: i * 3, ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' });
  }
  for (let i = 0; i < n - half; i++) {
    const hi = ((i >>> 16) & 0xffff).toString(16);
    const lo = (i & 0xffff).toString(16);
    tenants.push({ name: `x-${i}`, prefix: i % 2 ? `2001:db8:${hi}:${lo}::/64` : `2001:db9:${hi}:${lo}::/96` });
  }
  return { plan: { domain: 'fd00:64::/32', tenantBits: 32 }, tenants };
}

test('builds a 100 000-tenant table from plan ids and explicit prefixes and decodes a sample', () => {
  const table = TenantTable.fromConfig(bigConfig());
  assert.equal(table.size, TENANTS);
  const buf = new Uint8Array(16);
  // A fixed stride through every kind of tenant, no randomness needed.
  for (let i = 0; i < TENANTS; i += 97) {
    const name = table.nameOf(i);
    const v4 = (0x0a000000 + ((i * 7919) & 0xffffff)) >>> 0;
    const ipv4 = formatIPv4(v4);
    const ipv6 = table.encode(name, ipv4);
    assert.deepEqual(table.decode(ipv6), { tenant: name, ipv4, rule: 'prefix' }, `${name} ${ipv4} ${ipv6}`);
    buf.set(parseIPv6(ipv6));
    assert.equal(table.lookupDst6(buf, 0), i);
    assert.equal(table.outV4, v4);
    assert.equal(table.outRule, RULE_PREFIX);
  }
  // Ids between the configured ones (every third) are inside the domain but nobody's.
  assert.equal(table.decode('fd00:64:0:1:a:0:100:0'), null);
  assert.deepEqual(table.decode('fd00:64:0:3:a:0:100:0'), { tenant: 'plan-1', ipv4: '10.0.0.1', rule: 'prefix' });
  assert.deepEqual(table.decode('64:ff9b::1.1.1.1')?.tenants?.length, TENANTS / 2);
});

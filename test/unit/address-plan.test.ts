import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XlatError } from '../../src/errors.js';
import { AddressPlan, parseIPv6, extractIPv4, parsePrefix6 } from '../../src/address/index.js';
import { refuses } from '../../testlib/assert.js';


test('puts the tenant id in the bits right after the domain', () => {
  const plan = new AddressPlan({ domain: 'fd00:64::/48', tenantBits: 16 });
  assert.equal(plan.prefixLen, 64);
  assert.equal(plan.size, 65536);
  // fd00:64::/48 is fd00:0064:0000::/48, so the 16-bit id is the fourth group.
  assert.equal(plan.prefixOf(0), 'fd00:64::/64');
  assert.equal(plan.prefixOf(7), 'fd00:64:0:7::/64');
  assert.equal(plan.prefixOf(0xffff), 'fd00:64:0:ffff::/64');
  assert.equal(new AddressPlan({ domain: 'fd00:64::/32', tenantBits: 32 }).prefixOf(7), 'fd00:64:0:7::/64');
  assert.equal(new AddressPlan({ domain: 'fd00::/24', tenantBits: 8 }).prefixOf(0x64), 'fd00:64::/32');
});

test('encodes by RFC 6052 under the tenant prefix and decodes by arithmetic alone', () => {
  const plan = new AddressPlan({ domain: 'fd00:64::/48', tenantBits: 16 });
  assert.equal(plan.encode(7, '192.0.2.33'), 'fd00:64:0:7:c0:2:2100:0');
  assert.equal(extractIPv4(plan.prefixOf(7), plan.encode(7, '192.0.2.33')), '192.0.2.33');
  assert.deepEqual(plan.decode('fd00:64:0:7:c0:2:2100:0'), { tenantId: 7, ipv4: '192.0.2.33' });
  assert.deepEqual(plan.decode('fd00:64:0:ffff:a:0:100:0'), { tenantId: 0xffff, ipv4: '10.0.0.1' });
  assert.equal(plan.decode('fd00:65::a:0:100:0'), null, 'outside the domain');
  assert.equal(plan.decode('fd00:64:0:7:1c0:2:2100:0'), null, 'u octet set');
});

test('handles tenant fields that cross byte boundaries and a /96 result', () => {
  const odd = new AddressPlan({ domain: '2001:db8::/36', tenantBits: 20 });
  assert.equal(odd.prefixLen, 56);
  const a = odd.encode(0xabcde, '10.1.2.3');
  assert.deepEqual(odd.decode(a), { tenantId: 0xabcde, ipv4: '10.1.2.3' });
  const p96 = new AddressPlan({ domain: '2001:db8:0:0:ff::/80', tenantBits: 16 });
  assert.equal(p96.encode(0x1234, '10.1.2.3'), '2001:db8::ff:1234:10.1.2.3');
  assert.deepEqual(p96.decode('2001:db8::ff:1234:a01:203'), { tenantId: 0x1234, ipv4: '10.1.2.3' });
  const wide = new AddressPlan({ domain: 'fd00::/32', tenantBits: 32 });
  assert.deepEqual(wide.decode(wide.encode(0xffffffff, '1.2.3.4')), { tenantId: 0xffffffff, ipv4: '1.2.3.4' });
});

test('reads the CLI form domain+bits', () => {
  const plan = AddressPlan.parse('fd00:64::/48+16');
  assert.equal(plan.tenantBits, 16);
  assert.equal(plan.toString(), 'fd00:64::/48+16');
  for (const bad of ['fd00:64::/48', 'fd00:64::/48+', 'fd00:64::/48+016', 'fd00:64::/48+-16', '+16', 'fd00:64::/48 +16']) {
    refuses(() => AddressPlan.parse(bad), 'ERR_XLAT_BAD_PLAN', JSON.stringify(bad));
  }
});

test('refuses plans whose tenant prefixes are not RFC 6052 prefixes or cover bits 64-71', () => {
  refuses(() => new AddressPlan({ domain: 'fd00:64::/48', tenantBits: 20 }), 'ERR_XLAT_BAD_PLAN', '/68', '(32,40,48,56,64,96)');
  refuses(() => new AddressPlan({ domain: 'fd00::/64', tenantBits: 32 }), 'ERR_XLAT_BAD_PLAN', '64-71');
  refuses(() => new AddressPlan({ domain: 'fd00::/60', tenantBits: 36 }), 'ERR_XLAT_BAD_PLAN', 'tenant bits 1..32');
  refuses(() => new AddressPlan({ domain: 'fd00:0:0:0:100::/80', tenantBits: 16 }), 'ERR_XLAT_BAD_PLAN', '64-71');
  refuses(() => new AddressPlan({ domain: '64:ff9b::/80', tenantBits: 16 }), 'ERR_XLAT_BAD_PLAN', 'Well-Known Prefix');
  refuses(() => new AddressPlan({ domain: 'fd00:64::1/48', tenantBits: 16 }), 'ERR_XLAT_BAD_PLAN', 'host bits');
  refuses(() => new AddressPlan({ domain: 'fd00:64::/48', tenantBits: 0 }), 'ERR_XLAT_BAD_PLAN', 'tenantBits');
  refuses(() => new AddressPlan({ domain: 'fd00:64::/48', tenantBits: 1.5 }), 'ERR_XLAT_BAD_PLAN', '1.5');
  const plan = new AddressPlan({ domain: 'fd00:64::/48', tenantBits: 16 });
  refuses(() => plan.prefixOf(65536), 'ERR_XLAT_BAD_PLAN', '65536', '0..65535');
  refuses(() => plan.encode(-1, '10.0.0.1'), 'ERR_XLAT_BAD_PLAN', '-1');
});

test('the hot-path plan decode reads an address in place', () => {
  const plan = new AddressPlan({ domain: parsePrefix6('fd00:64::/48'), tenantBits: 16 });
  const buf = new Uint8Array(40);
  buf.set(parseIPv6('fd00:64:0:2a:a:0:100:0'), 24);
  assert.equal(plan.decode6(buf, 24), 42);
  assert.equal(plan.outV4, 0x0a000001);
  const out = new Uint8Array(16);
  plan.encode4(42, 0x0a000001, out, 0);
  assert.deepEqual(out, buf.subarray(24));
});

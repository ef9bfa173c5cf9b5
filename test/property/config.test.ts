import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkConfig } from '../../src/config/index.js';
import { XlatError } from '../../src/errors.js';

const SEED = 0x0c0f_1e00;

/** Near-valid configurations: the right shape with some values wrong, missing or of the wrong type. */
const value = fc.oneof(
  fc.constantFrom('192.0.0.1', 'fd00:ffff::1', '010.0.0.1', 'fd00:64:1::/64', '10.0.0.0/8', '64:ff9b::/96', '', 'copy', 'zero', 'intrinsic', '127.0.0.1:9464', '__proto__'),
  fc.integer({ min: -2, max: 70000 }),
  fc.boolean(),
  fc.constant(null),
  fc.anything(),
);
const nearValid = fc.record(
  {
    translator: fc.record({ ipv4: value, ipv6: value, ipv4Mtu: value, lowestIpv6Mtu: value, tos: value, eamHairpin: value, mtuPlateaus: fc.array(value, { maxLength: 4 }), rfc6791v4: value }, { requiredKeys: [] }),
    plan: fc.record({ domain: value, tenantBits: value }, { requiredKeys: [] }),
    tenants: fc.array(fc.record({ name: value, prefix: value, id: value, ipv4: fc.array(value, { maxLength: 3 }), plat: value, eam: fc.array(fc.record({ ipv6: value, ipv4: value }), { maxLength: 2 }), tun: value }, { requiredKeys: [] }), { maxLength: 4 }),
    fabric: fc.record({ tun: value }),
    metrics: fc.record({ listen: value }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

test('checking a configuration never throws anything but XlatError, whatever it is given', () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), nearValid), (input) => {
      try {
        checkConfig(input);
      } catch (e) {
        assert.ok(e instanceof XlatError, `seed ${SEED}: threw ${String(e)} for ${JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
        assert.ok(e.message.length > 0 && !e.message.includes('[object Object]'), `seed ${SEED}: unhelpful message ${e.message}`);
      }
    }),
    { seed: SEED, numRuns: 3000 },
  );
});

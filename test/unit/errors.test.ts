import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XlatError, show } from '../../src/errors.js';

test('XlatError puts the field path in front of the message and keeps the code', () => {
  const e = new XlatError('ERR_XLAT_BAD_PREFIX', 'expected an RFC 6052 prefix length (32,40,48,56,64,96), got /80', 'tenants[2].prefix');
  assert.equal(e.message, 'tenants[2].prefix: expected an RFC 6052 prefix length (32,40,48,56,64,96), got /80');
  assert.equal(e.code, 'ERR_XLAT_BAD_PREFIX');
  assert.equal(e.at('x.y').message, 'x.y: expected an RFC 6052 prefix length (32,40,48,56,64,96), got /80');
  assert.equal(new XlatError('ERR_X', 'bad').message, 'bad');
});

test('show quotes strings and shortens long values', () => {
  assert.equal(show('010.0.0.1'), '"010.0.0.1"');
  assert.equal(show(undefined), 'undefined');
  assert.equal(show(5), '5');
  assert.ok(show('x'.repeat(500)).length > 100);
  assert.ok(show({ a: 'x'.repeat(500) }).length <= 120);
});

test('show never throws, whatever it is given', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const v of [[0n, Object.create(null)], Object.create(null), cyclic, Symbol('s'), () => 1, 10n]) {
    assert.equal(typeof show(v), 'string');
  }
});

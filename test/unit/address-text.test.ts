import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XlatError } from '../../src/errors.js';
import {
  parseIPv4,
  formatIPv4,
  parseIPv6,
  formatIPv6,
  parsePrefix4,
  parsePrefix6,
  formatPrefix6,
  formatPrefix4,
} from '../../src/address/index.js';
import { refuses } from '../../testlib/assert.js';

/** Asserts that `fn` throws an XlatError with `code` whose message contains every `parts`. */

test('parses dotted-quad IPv4 into an unsigned 32-bit number and formats it back', () => {
  assert.equal(parseIPv4('192.0.2.33'), 0xc0000221);
  assert.equal(parseIPv4('0.0.0.0'), 0);
  assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
  assert.equal(formatIPv4(0xc0000221), '192.0.2.33');
  assert.equal(formatIPv4(0xffffffff), '255.255.255.255');
});

test('refuses IPv4 operator input that other parsers would guess at, naming the value', () => {
  for (const bad of ['010.0.0.1', '0x0a.0.0.1', '1.2.3', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4.5', '256.0.0.1', '1..2.3', '', '1.2.3.', '+1.2.3.4', '1.2.3.04', '1.2.3.0004', '１.2.3.4', '1.2.3.4/32']) {
    refuses(() => parseIPv4(bad), 'ERR_XLAT_BAD_IPV4', JSON.stringify(bad));
  }
  refuses(() => parseIPv4(16909060), 'ERR_XLAT_BAD_IPV4', '16909060');
});

test('parses every RFC 4291 §2.2 IPv6 text form, including a trailing dotted quad', () => {
  const cases: [string, string][] = [
    ['2001:DB8:0:0:8:800:200C:417A', '2001:db8::8:800:200c:417a'],
    ['FF01:0:0:0:0:0:0:101', 'ff01::101'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::', '::'],
    ['1::', '1::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['0:0:0:0:0:0:13.1.68.3', '::d01:4403'],
    ['::13.1.68.3', '::d01:4403'],
    ['::FFFF:129.144.52.38', '::ffff:129.144.52.38'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['0001:0db8::0001', '1:db8::1'],
  ];
  for (const [text, canonical] of cases) assert.equal(formatIPv6(parseIPv6(text)), canonical, text);
});

test('refuses IPv6 text with zone ids, five-digit groups, misplaced dotted quads or stray colons', () => {
  for (const bad of [
    'fe80::1%eth0',
    '[2001:db8::1]',
    ' 2001:db8::1',
    '2001:db8::1 ',
    '2001:db8::12345',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '1::2::3',
    ':1::',
    '1:',
    ':',
    ':::',
    '1:::2',
    '2001:db8::g',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::010.0.0.1',
    '::1.2.3',
    '2001:db8::/64',
    '',
  ]) {
    refuses(() => parseIPv6(bad), 'ERR_XLAT_BAD_IPV6', JSON.stringify(bad));
  }
});

test('formats IPv6 per RFC 5952 §4: lowercase, no leading zeros, longest zero run as ::, first on a tie', () => {
  const cases: [string, string][] = [
    // §4.1 leading zeros
    ['2001:0db8::0001', '2001:db8::1'],
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
    // §4.2.1 shorten as much as possible
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8::0:1', '2001:db8::1'],
    // §4.2.2 a single 16-bit 0 field is not shortened
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // §4.2.3 the longest run, and the first one on a tie
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    // §4.3 lowercase
    ['2001:DB8:AC10:FE01::', '2001:db8:ac10:fe01::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
  ];
  for (const [text, canonical] of cases) assert.equal(formatIPv6(parseIPv6(text)), canonical, text);
});

test('formats IPv4-mapped addresses in mixed notation (RFC 5952 §5) and nothing else by default', () => {
  assert.equal(formatIPv6(parseIPv6('0:0:0:0:0:ffff:c000:201')), '::ffff:192.0.2.1');
  assert.equal(formatIPv6(parseIPv6('::ffff:0.0.0.0')), '::ffff:0.0.0.0');
  // IPv4-compatible (deprecated), IPv4-translated (RFC 2765) and 64:ff9b::/96 stay hex.
  assert.equal(formatIPv6(parseIPv6('::192.0.2.1')), '::c000:201');
  assert.equal(formatIPv6(parseIPv6('::ffff:0:c000:201')), '::ffff:0:c000:201');
  assert.equal(formatIPv6(parseIPv6('64:ff9b::192.0.2.1')), '64:ff9b::c000:201');
  assert.equal(formatIPv6(parseIPv6('::ffff:192.0.2.1'), 0, 'hex'), '::ffff:c000:201');
  assert.equal(formatIPv6(parseIPv6('2001:db8:1:2:3:4:a00:1'), 0, 'dotted'), '2001:db8:1:2:3:4:10.0.0.1');
  assert.equal(formatIPv6(parseIPv6('::'), 0, 'dotted'), '::0.0.0.0');
});

test('formats an address that sits at an offset inside a larger buffer', () => {
  const buf = new Uint8Array(40).fill(0xa5);
  buf.set(parseIPv6('2001:db8::1'), 24);
  assert.equal(formatIPv6(buf, 24), '2001:db8::1');
});

test('parses prefixes and refuses host bits, bad lengths and bare addresses, naming the value', () => {
  assert.deepEqual(parsePrefix4('10.0.0.0/8'), { addr: 0x0a000000, len: 8 });
  assert.deepEqual(parsePrefix4('0.0.0.0/0'), { addr: 0, len: 0 });
  assert.equal(formatPrefix4(parsePrefix4('192.0.2.1/32')), '192.0.2.1/32');
  assert.equal(formatPrefix6(parsePrefix6('2001:DB8::/32')), '2001:db8::/32');
  assert.equal(formatPrefix6(parsePrefix6('::/0')), '::/0');
  assert.deepEqual(parsePrefix4('192.0.2.7', { allowBare: true }), { addr: 0xc0000207, len: 32 });
  assert.equal(parsePrefix6('2001:db8::7', { allowBare: true }).len, 128);

  refuses(() => parsePrefix4('192.0.2.1/24'), 'ERR_XLAT_BAD_PREFIX', '"192.0.2.1/24"', 'host bits', '192.0.2.0/24');
  refuses(() => parsePrefix6('2001:db8::1/64'), 'ERR_XLAT_BAD_PREFIX', '"2001:db8::1/64"', 'host bits', '2001:db8::/64');
  refuses(() => parsePrefix6('2001:db8:4000::/33'), 'ERR_XLAT_BAD_PREFIX', 'host bits');
  refuses(() => parsePrefix4('10.0.0.0/33'), 'ERR_XLAT_BAD_PREFIX', '"10.0.0.0/33"', '0..32');
  refuses(() => parsePrefix6('2001:db8::/129'), 'ERR_XLAT_BAD_PREFIX', '"2001:db8::/129"', '0..128');
  for (const bad of ['10.0.0.0/08', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/+8', '10.0.0.0/8 ', '010.0.0.0/8', '10.0.0.0']) {
    refuses(() => parsePrefix4(bad), 'ERR_XLAT_BAD_PREFIX', JSON.stringify(bad));
  }
  for (const bad of ['2001:db8::/032', '2001:db8::', 'fe80::%eth0/64', '2001:db8::/3 2', '/64']) {
    refuses(() => parsePrefix6(bad), 'ERR_XLAT_BAD_PREFIX', JSON.stringify(bad));
  }
});

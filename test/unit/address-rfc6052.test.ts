import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { XlatError } from '../../src/errors.js';
import {
  embedIPv4,
  extractIPv4,
  embed4,
  extract4,
  TenantTable,
  parseIPv4,
  parseIPv6,
  formatIPv6,
  parsePrefix6,
  parseRfc6052Prefix,
  isGlobalIPv4,
  nonGlobalBlock,
  NON_GLOBAL_IPV4,
} from '../../src/address/index.js';
import { refuses } from '../../testlib/assert.js';

interface Row {
  table: number;
  prefix: string;
  ipv4: string;
  ipv6: string;
  refusedBy?: string;
}
interface Vectors {
  section2_4: Row[];
  section3_1: {
    refused: { ipv4: string; ipv6: string; block: string }[];
    accepted: { prefix: string; ipv4: string; ipv6: string }[];
  };
}
const vectors = JSON.parse(readFileSync(new URL('../../../rfc-vectors/rfc6052.json', import.meta.url), 'utf8')) as Vectors;


test('the vector file holds all six RFC 6052 prefix lengths', () => {
  const lengths = new Set(vectors.section2_4.map((r) => Number(r.prefix.split('/')[1])));
  assert.deepEqual([...lengths].sort((a, b) => a - b), [32, 40, 48, 56, 64, 96]);
});

test('embeds and extracts every RFC 6052 §2.4 example exactly as the RFC writes it', () => {
  for (const r of vectors.section2_4) {
    const label = `${r.prefix} ${r.ipv4}`;
    // The bit layout (hot path, no §3.1 policy) matches the RFC for every row.
    const p = parsePrefix6(r.prefix);
    const out = new Uint8Array(16);
    embed4(p.bytes, 0, p.len, parseIPv4(r.ipv4), out, 0);
    assert.equal(formatIPv6(out, 0, p.len === 96 ? 'dotted' : 'hex'), r.ipv6, label);
    assert.equal(extract4(parseIPv6(r.ipv6), 0, p.len) >>> 0, parseIPv4(r.ipv4), label);
    if (r.refusedBy === '3.1') {
      refuses(() => embedIPv4(r.prefix, r.ipv4), 'ERR_XLAT_NON_GLOBAL', JSON.stringify(r.ipv4), 'RFC 6052 §3.1');
      refuses(() => extractIPv4(r.prefix, r.ipv6), 'ERR_XLAT_NON_GLOBAL', JSON.stringify(r.ipv6));
    } else {
      assert.equal(embedIPv4(r.prefix, r.ipv4), r.ipv6, label);
      assert.equal(extractIPv4(r.prefix, r.ipv6), r.ipv4, label);
    }
  }
});

test('the Well-Known Prefix refuses every non-global IPv4 address both ways (RFC 6052 §3.1)', () => {
  for (const r of vectors.section3_1.refused) {
    refuses(() => embedIPv4('64:ff9b::/96', r.ipv4), 'ERR_XLAT_NON_GLOBAL', JSON.stringify(r.ipv4), r.block);
    refuses(() => extractIPv4('64:ff9b::/96', r.ipv6), 'ERR_XLAT_NON_GLOBAL', JSON.stringify(r.ipv6), r.block);
    // The RFC 6890 table knows the address (its block may be a more specific one than r.block).
    assert.notEqual(nonGlobalBlock(parseIPv4(r.ipv4)), undefined, r.ipv4);
  }
});

test('global addresses cross the Well-Known Prefix and any address crosses a network-specific prefix', () => {
  for (const r of vectors.section3_1.accepted) {
    assert.equal(embedIPv4(r.prefix, r.ipv4), r.ipv6, r.ipv4);
    assert.equal(extractIPv4(r.prefix, r.ipv6), r.ipv4, r.ipv6);
  }
});

test('the non-global table lists the RFC 6890 blocks by name', () => {
  const names = new Map(NON_GLOBAL_IPV4.map((b) => [b.prefix, b.name]));
  assert.equal(names.get('10.0.0.0/8'), 'Private-Use');
  assert.equal(names.get('100.64.0.0/10'), 'Shared Address Space');
  assert.equal(names.get('255.255.255.255/32'), 'Limited Broadcast');
  assert.equal(isGlobalIPv4(parseIPv4('192.88.99.1')), true, '6to4 relay anycast is Global: True in RFC 6890');
  assert.equal(isGlobalIPv4(parseIPv4('100.63.255.255')), true);
  assert.equal(isGlobalIPv4(parseIPv4('100.64.0.0')), false);
});

test('does not decode an address whose u octet (bits 64-71) is not zero', () => {
  for (const [prefix, addr] of [
    ['2001:db8::/32', '2001:db8:c000:221:100::'],
    ['2001:db8:100::/40', '2001:db8:1c0:2:121::'],
    ['2001:db8:122::/48', '2001:db8:122:c000:ff02:2100::'],
    ['2001:db8:122:300::/56', '2001:db8:122:3c0:100:221::'],
    ['2001:db8:122:344::/64', '2001:db8:122:344:1c0:2:2100:0'],
  ] as const) {
    refuses(() => extractIPv4(prefix, addr), 'ERR_XLAT_BAD_U_OCTET', JSON.stringify(addr), '64-71');
    // ...and the tenant table's packet path refuses it too (extract4 itself leaves the u octet to its callers).
    assert.equal(TenantTable.fromConfig({ tenants: [{ name: 't', prefix }] }).decode(addr), null, addr);
  }
});

test('ignores the reserved suffix bits when extracting', () => {
  // RFC 6052 §2.2 reserves the suffix "for future extensions" with no rule for the receiver.
  assert.equal(extractIPv4('2001:db8::/32', '2001:db8:c000:221:0:ffff:ffff:ffff'), '192.0.2.33');
});

test('refuses a prefix that is not an RFC 6052 prefix, naming it', () => {
  refuses(() => embedIPv4('2001:db8::/80', '192.0.2.1'), 'ERR_XLAT_BAD_PREFIX', '(32,40,48,56,64,96)', '/80', '"2001:db8::/80"');
  refuses(() => embedIPv4('2001:db8::1/96', '192.0.2.1'), 'ERR_XLAT_BAD_PREFIX', 'host bits', '"2001:db8::1/96"');
  refuses(() => parseRfc6052Prefix('2001:db8:0:0:ff00::/96'), 'ERR_XLAT_BAD_U_OCTET', '"2001:db8:0:0:ff00::/96"');
  refuses(() => embedIPv4('2001:db8::/32', '010.0.0.1'), 'ERR_XLAT_BAD_IPV4', '"010.0.0.1"');
});

test('refuses to extract from an address outside the prefix', () => {
  refuses(() => extractIPv4('2001:db8::/32', '2001:db9:c000:221::'), 'ERR_XLAT_NOT_IN_PREFIX', '"2001:db9:c000:221::"', '2001:db8::/32');
});

test('embed4 writes at an offset without touching the bytes around it', () => {
  const out = new Uint8Array(40).fill(0xa5);
  const p = parsePrefix6('2001:db8:100::/40');
  embed4(p.bytes, 0, 40, 0xc0000221, out, 8);
  assert.equal(out[7], 0xa5);
  assert.equal(out[24], 0xa5);
  assert.equal(formatIPv6(out, 8), '2001:db8:1c0:2:21::');
  assert.equal(extract4(out, 8, 40) >>> 0, 0xc0000221);
});

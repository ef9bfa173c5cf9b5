/**
 * A lookup allocates nothing: after warm-up, millions of lookups of every rule (EAM, prefix, plan
 * id, PLAT; destination and source; encode) must not trigger one garbage collection in a 1 MiB
 * young generation. Addresses from the top half of the IPv4 space are included on purpose: an
 * unsigned 32-bit value of 2^31 or more is a heap number to V8 wherever it crosses a call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const script = `
import { TenantTable, parseIPv4, parseIPv6 } from 'xlat464';
const table = TenantTable.fromConfig({
  plan: { domain: 'fd00:64::/48', tenantBits: 16 },
  tenants: [
    { name: 'blue', prefix: '2001:db8:100::/40', ipv4: ['192.168.0.0/16'], plat: '2001:db8:ff::/96', eam: [{ ipv6: '2001:db8:2::/120', ipv4: '192.0.2.0/24' }] },
    { name: 'red', id: 7, ipv4: ['10.0.0.0/8'], plat: '2001:db8:ff::/96' },
  ],
});
const blue = table.indexOf('blue');
const red = table.indexOf('red');
const at = (s) => parseIPv6(s);
const out = new Uint8Array(16);
// Signed, as the packet path passes them (see src/translate/4to6.ts).
const own = parseIPv4('192.168.7.9') | 0;
const remote = parseIPv4('203.0.113.5') | 0;
const eamd = parseIPv4('192.0.2.33') | 0;
const cases = {
  'dst by prefix, high IPv4': [at(table.encode('blue', '192.168.7.9')), (a) => table.lookupDst6(a, 0)],
  'dst by EAM': [at('2001:db8:2::21'), (a) => table.lookupDst6(a, 0)],
  'dst by plan id': [at(table.encode('red', '10.1.2.3')), (a) => table.lookupDst6(a, 0)],
  'dst under the PLAT, high IPv4': [at('2001:db8:ff::cb00:7105'), (a) => table.lookupDst6(a, 0)],
  'src by PLAT, high IPv4': [at('2001:db8:ff::cb00:7105'), (a) => (table.lookupSrc6(blue, a, 0) ? 1 : 0)],
  'src by prefix, high IPv4': [at(table.encode('blue', '192.168.7.9')), (a) => (table.lookupSrc6(blue, a, 0) ? 1 : 0)],
  'encode own, high IPv4': [null, () => table.encode4(blue, own, out, 0)],
  'encode to the PLAT, high IPv4': [null, () => table.encode4(red, remote, out, 0)],
  'encode by EAM': [null, () => table.encode4(blue, eamd, out, 0)],
};
for (const [name, [addr, look]] of Object.entries(cases)) {
  let sink = 0;
  for (let i = 0; i < 200000; i++) sink += look(addr);
  globalThis.gc();
  console.log('BEGIN ' + JSON.stringify({ name, result: look(addr), rule: table.outRule }));
  for (let i = 0; i < 2000000; i++) sink += look(addr);
  console.log('END ' + sink);
}
`;

test('lookups and encodes of every rule allocate nothing (no GC in 2 000 000 each, 1 MiB young generation)', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', '--trace-gc', '--min-semi-space-size=1', '--max-semi-space-size=1', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 });
  let current: string | null = null;
  const gcs = new Map<string, number>();
  for (const line of out.split('\n')) {
    if (line.startsWith('BEGIN ')) {
      const c = JSON.parse(line.slice(6)) as { name: string; result: number; rule: number };
      current = c.name;
      gcs.set(current, 0);
      // Every case really found something, so the loop did the work: a tenant, true, or a rule; a
      // PLAT prefix both tenants share names no tenant (-1) but says RULE_PLAT (3).
      const found = c.name.startsWith('src') ? c.result === 1 : c.result >= 0 || c.rule === 3;
      assert.ok(found, `${c.name}: ${line}`);
    } else if (line.startsWith('END ')) {
      current = null;
    } else if (current && /Scavenge|Mark-Compact|Mark-sweep|Minor/.test(line)) {
      gcs.set(current, gcs.get(current)! + 1);
    }
  }
  assert.equal(gcs.size, 9);
  for (const [name, n] of gcs) assert.equal(n, 0, `${name}: ${n} garbage collections`);
});

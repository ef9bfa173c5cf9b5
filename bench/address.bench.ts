// Address microbenchmark: loading a 100 000-tenant table, and TenantTable.lookupDst6 with one
// tenant vs 100 000 tenants side by side. The ratio should stay near 1: lookups hash the prefix
// bytes of each length present, so their cost does not grow with the number of tenants (only
// cache misses do, which is what the ratio shows).
//
//   npm run build && node dist/bench/address.bench.js

import Benchmark from 'benchmark';
import { pathToFileURL } from 'node:url';
import { TenantTable, AddressPlan } from '../src/address/index.js';

/** One measured case. */
export interface AddressBenchRow {
  name: string;
  /** Mean time per operation, nanoseconds. */
  nsPerOp: number;
  /** Relative margin of error, percent. */
  rme: number;
}

const TENANTS = 100_000;
const PROBES = 4096;

/** `n` tenants: half by id under a plan, half with explicit /64 prefixes, all sharing one PLAT. */
function config(n: number): { plan: { domain: string; tenantBits: number }; tenants: object[] } {
  const tenants: object[] = [];
  const half = n >>> 1;
  for (let i = 0; i < n; i++) {
    if (i < half) {
      tenants.push({ name: `p${i}`, id: i, ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' });
    } else {
      const k = i - half;
      tenants.push({ name: `x${k}`, prefix: `2001:db8:${(k >>> 16).toString(16)}:${(k & 0xffff).toString(16)}::/64`, ipv4: ['10.0.0.0/8'], plat: '64:ff9b::/96' });
    }
  }
  return { plan: { domain: 'fd00:64::/32', tenantBits: 32 }, tenants };
}

/** PROBES destination addresses of random tenants, back to back in one buffer. */
function probes(table: TenantTable): Uint8Array {
  const buf = new Uint8Array(16 * PROBES);
  let x = 0x2545f491;
  for (let k = 0; k < PROBES; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const t = (x >>> 0) % table.size;
    if (table.encode4(t, (0x0a000000 | (x & 0xffffff)) >>> 0, buf, 16 * k) < 0) throw new Error('probe has no mapping');
  }
  return buf;
}

// Results are folded into this so the engine cannot drop the calls.
let sink = 0;

function row(b: Benchmark): AddressBenchRow {
  return { name: b.name ?? '', nsPerOp: b.stats.mean * 1e9, rme: b.stats.rme };
}

/** Run the benchmark, print the results, and return them. */
export function main(): AddressBenchRow[] {
  console.log(`address, node ${process.version}, ${process.arch}`);
  const big = config(TENANTS);
  const rows: AddressBenchRow[] = [];

  const load = new Benchmark.Suite('load');
  load.add(`fromConfig ${TENANTS.toLocaleString('en-US')} tenants`, () => {
    sink ^= TenantTable.fromConfig(big).size;
  }, { minSamples: 5, maxTime: 5 });
  load.add(`fromPlan 2^32 tenants`, () => {
    sink ^= TenantTable.fromPlan(AddressPlan.parse('fd00::/32+32')).size;
  }, { maxTime: 1 });
  load.run({ async: false });
  load.forEach((b: Benchmark) => {
    const r = row(b);
    rows.push(r);
    console.log(`  ${r.name.padEnd(30)} ${(r.nsPerOp / 1e6).toFixed(1).padStart(9)} ms ±${r.rme.toFixed(1)}%`);
  });

  const one = TenantTable.fromConfig(config(1));
  const many = TenantTable.fromConfig(big);
  const bufOne = probes(one);
  const bufMany = probes(many);
  let i = 0;
  let j = 0;
  const look = new Benchmark.Suite('lookupDst6');
  look.add('lookupDst6 1 tenant', () => {
    sink ^= one.lookupDst6(bufOne, i);
    i = (i + 16) & (16 * PROBES - 1);
  }, { maxTime: 2 });
  look.add(`lookupDst6 ${TENANTS.toLocaleString('en-US')} tenants`, () => {
    sink ^= many.lookupDst6(bufMany, j);
    j = (j + 16) & (16 * PROBES - 1);
  }, { maxTime: 2 });
  look.run({ async: false });
  const looked: AddressBenchRow[] = [];
  look.forEach((b: Benchmark) => looked.push(row(b)));
  for (const r of looked) console.log(`  ${r.name.padEnd(30)} ${r.nsPerOp.toFixed(1).padStart(9)} ns/op ±${r.rme.toFixed(1)}%`);
  const [a, b] = looked as [AddressBenchRow, AddressBenchRow];
  console.log(`  ratio ${TENANTS.toLocaleString('en-US')} / 1: ${(b.nsPerOp / a.nsPerOp).toFixed(2)}x`);
  rows.push(...looked);
  if (sink === 0x1_0000_0001) console.log('');
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

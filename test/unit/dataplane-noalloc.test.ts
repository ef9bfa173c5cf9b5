/**
 * The daemon's packet loop allocates nothing once warm: Dataplane.runOnce over replay devices in
 * the WASM arena (read a batch, translate, coalesce with offloads, write) must not trigger a single
 * garbage collection in 500 000 packets, for every case of bench/dataplane.bench.ts (UDP and TCP,
 * one flow and four in turn), with offloads (GRO) and without. Batches of 4, as a loaded worker
 * reads them on the e2e bench: 125 000 of them, so even 16 octets a batch (one heap number) fill
 * the 1 MiB young generation the child process runs with twice, and --trace-gc shows it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const url = (rel: string): string => new URL(rel, import.meta.url).href;
const script = `
const { CASES, batchOf } = await import('${url('../../bench/dataplane.bench.js')}');
const { replayDataplane } = await import('${url('../../testlib/replay-device.js')}');
for (const c of CASES) {
  for (const vnet of [true, false]) {
    const { dp, src, fabric } = replayDataplane(batchOf(c).slice(0, 4), vnet);
    for (let i = 0; i < 3000; i++) dp.runOnce(0);
    globalThis.gc();
    const w0 = fabric.writes;
    console.log('BEGIN ' + JSON.stringify({ name: c.name + (vnet ? ' offloads' : ' plain') }));
    const n = 500000 / 4;
    let read = 0;
    for (let i = 0; i < n; i++) read += dp.runOnce(0);
    console.log('END ' + JSON.stringify({ read, written: fabric.writes - w0, back: src.writes }));
  }
}
`;

test('the packet loop (read, translate, coalesce, write) allocates nothing once warm: no GC in 500 000 packets of each case, with offloads and without', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', '--trace-gc', '--min-semi-space-size=1', '--max-semi-space-size=1', '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 16 << 20 });
  let current: string | null = null;
  const gcs = new Map<string, number>();
  for (const line of out.split('\n')) {
    if (line.startsWith('BEGIN ')) {
      current = (JSON.parse(line.slice(6)) as { name: string }).name;
      gcs.set(current, 0);
    } else if (line.startsWith('END ')) {
      const r = JSON.parse(line.slice(4)) as { read: number; written: number; back: number };
      // Real work: every batch was read whole and its packets crossed to the fabric, nothing came back.
      assert.ok(r.read >= 500000 && r.written > 0 && r.back === 0, `${current}: ${line}`);
      current = null;
    } else if (current !== null && /Scavenge|Mark-Compact|Mark-sweep|Minor/.test(line)) {
      gcs.set(current, gcs.get(current)! + 1);
    }
  }
  assert.equal(gcs.size, 8);
  for (const [name, n] of gcs) assert.equal(n, 0, `${name}: ${n} garbage collections in the loop`);
});

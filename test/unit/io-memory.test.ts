import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { memoryDevicePair } from '../../src/io/index.js';

function pkt(len: number, fill: number): Uint8Array {
  return new Uint8Array(len).fill(fill);
}

test('a packet written at one end is read at the other, at the headroom, inside a view at a non-zero byteOffset', () => {
  const [a, b] = memoryDevicePair({ names: ['tun', 'wire'], mtu: 1400 });
  assert.equal(a.name, 'tun');
  assert.equal(b.mtu, 1400);
  assert.equal(b.writeBatch([pkt(60, 0x45)], Int32Array.of(0), Int32Array.of(60), 1), 1);
  const arena = new Uint8Array(4096).fill(0xa5);
  const view = arena.subarray(100, 100 + 1500);
  const sizes = new Int32Array(4);
  assert.equal(a.readBatch([view], sizes, 20, 1, 1000), 1);
  assert.equal(sizes[0], 60);
  assert.equal(arena[100 + 19], 0xa5, 'headroom untouched');
  assert.deepEqual(arena.subarray(120, 180), pkt(60, 0x45));
  assert.equal(arena[180], 0xa5, 'nothing written past the packet');
});

test('reads return 0 at once when empty, whatever the timeout, and batch up to max in order', () => {
  const [a, b] = memoryDevicePair();
  const bufs = [new Uint8Array(100), new Uint8Array(100), new Uint8Array(100)];
  const sizes = new Int32Array(3);
  const t0 = Date.now();
  assert.equal(a.readBatch(bufs, sizes, 0, 3, 5000), 0);
  assert.ok(Date.now() - t0 < 1000);
  for (let i = 1; i <= 5; i++) assert.equal(b.send(pkt(i, i)), true);
  assert.equal(a.pending, 5);
  assert.equal(a.readBatch(bufs, sizes, 0, 3, 0), 3);
  assert.deepEqual([...sizes], [1, 2, 3]);
  assert.deepEqual([bufs[0]![0], bufs[1]![1], bufs[2]![2]], [1, 2, 3]);
  assert.equal(a.readBatch(bufs, sizes, 0, 3, 0), 2);
  assert.deepEqual([...sizes.subarray(0, 2)], [4, 5]);
  assert.equal(a.readBatch(bufs, sizes, 0, 3, 0), 0);
});

test('writes copy the slice offs[i]..offs[i]+lens[i], so the caller may reuse its buffer at once', () => {
  const [a, b] = memoryDevicePair();
  const buf = Uint8Array.from({ length: 32 }, (_, i) => i);
  assert.equal(a.writeBatch([buf, buf], Int32Array.of(4, 10), Int32Array.of(3, 2), 2), 2);
  buf.fill(0);
  assert.deepEqual(b.receive(), Uint8Array.of(4, 5, 6));
  assert.deepEqual(b.receive(), Uint8Array.of(10, 11));
  assert.equal(b.receive(), undefined);
});

test('a packet longer than the buffer after headroom is cut to fit, as the kernel does', () => {
  const [a, b] = memoryDevicePair();
  b.send(pkt(50, 7));
  const sizes = new Int32Array(1);
  assert.equal(a.readBatch([new Uint8Array(40)], sizes, 10, 1, 0), 1);
  assert.equal(sizes[0], 30);
});

test('a full queue makes writeBatch stop short and report how many went out', () => {
  const [a, b] = memoryDevicePair({ capacity: 2 });
  const p = pkt(10, 1);
  assert.equal(a.writeBatch([p, p, p], Int32Array.of(0, 0, 0), Int32Array.of(10, 10, 10), 3), 2);
  assert.equal(b.pending, 2);
});

test('a packet over the MTU fails with EMSGSIZE naming the device, after the packets before it are written', () => {
  const [a, b] = memoryDevicePair({ names: ['m-a', 'm-b'], mtu: 100 });
  const ok = pkt(100, 1);
  const big = pkt(101, 2);
  assert.equal(a.writeBatch([ok, big], Int32Array.of(0, 0), Int32Array.of(100, 101), 2), 1);
  assert.throws(() => a.writeBatch([big], Int32Array.of(0), Int32Array.of(101), 1), { code: 'EMSGSIZE', message: /^write m-a: EMSGSIZE/ });
  assert.equal(b.pending, 1);
});

test('a closed device throws EBADF with its name; closing twice is fine; writes to a closed peer vanish', () => {
  const [a, b] = memoryDevicePair({ names: ['m-a', 'm-b'] });
  b.close();
  b.close();
  assert.throws(() => b.readBatch([new Uint8Array(10)], new Int32Array(1), 0, 1, 0), { code: 'EBADF', message: /^read m-b: EBADF/ });
  assert.throws(() => b.send(pkt(1, 1)), { code: 'EBADF', message: /^write m-b/ });
  assert.equal(a.send(pkt(1, 1)), true);
  assert.equal(b.pending, 0);
});

test('bad arguments throw EINVAL naming the device: max beyond the arrays, headroom past the buffer, a slice outside its buffer', () => {
  const [a, b] = memoryDevicePair({ names: ['m-a', 'm-b'] });
  b.send(pkt(5, 1));
  assert.throws(() => a.readBatch([new Uint8Array(10)], new Int32Array(1), 0, 2, 0), { code: 'EINVAL' });
  assert.throws(() => a.readBatch([new Uint8Array(10)], new Int32Array(1), 10, 1, 0), { code: 'EINVAL', message: /^read m-a/ });
  assert.throws(() => a.writeBatch([new Uint8Array(10)], Int32Array.of(8), Int32Array.of(3), 1), { code: 'EINVAL', message: /^write m-a/ });
});

test('importing src/io loads no native code (the addon loads at TunDevice.open)', () => {
  const io = new URL('../../src/io/index.js', import.meta.url).href;
  const script = `
    const loads = [];
    const dlopen = process.dlopen;
    process.dlopen = (m, file, ...rest) => { loads.push(file); return dlopen.call(process, m, file, ...rest); };
    const io = await import(${JSON.stringify(io)});
    console.log(JSON.stringify({ loads, open: typeof io.TunDevice.open }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { loads: string[]; open: string };
  assert.deepEqual(out, { loads: [], open: 'function' });
});

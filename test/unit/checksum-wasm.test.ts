import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { WasmChecksum, sum16 } from '../../src/checksum/index.js';

// lib ES2022 has no WebAssembly typings; declare what these tests inspect.
declare const WebAssembly: {
  Module: { new (bytes: Uint8Array): object; exports(m: object): { name: string; kind: string }[]; imports(m: object): { module: string; name: string; kind: string }[] };
};

const wasmDir = new URL('../../wasm/', import.meta.url);

for (const file of ['checksum.wasm', 'checksum-scalar.wasm']) {
  test(`${file} exports only sum16 and imports only env.memory (no AS runtime, JS owns memory)`, () => {
    const module = new WebAssembly.Module(readFileSync(new URL(file, wasmDir)));
    assert.deepEqual(WebAssembly.Module.exports(module), [{ name: 'sum16', kind: 'function' }]);
    assert.deepEqual(WebAssembly.Module.imports(module), [{ module: 'env', name: 'memory', kind: 'memory' }]);
  });
}

test('importing src/checksum reads no .wasm file; load() does', () => {
  const index = new URL('../../src/checksum/index.js', import.meta.url).href;
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const seen = [];
    const read = fs.readFileSync;
    fs.readFileSync = (p, ...rest) => { seen.push(String(p)); return read(p, ...rest); };
    syncBuiltinESMExports();
    const cs = await import(${JSON.stringify(index)});
    const before = seen.filter((p) => p.endsWith('.wasm')).length;
    cs.WasmChecksum.load({ memoryBytes: 65536 });
    const after = seen.filter((p) => p.endsWith('.wasm')).length;
    console.log(JSON.stringify({ before, after }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { before: 0, after: 1 });
});

test('memory is whole pages, fixed, and never grows, so arena views never detach', () => {
  const cs = WasmChecksum.load({ memoryBytes: 100_000 });
  assert.equal(cs.arenaLen, 2 * 65536);
  const view = cs.arena(16);
  const memory = cs.memory as unknown as { grow(pages: number): number; buffer: ArrayBuffer };
  assert.throws(() => memory.grow(1), RangeError);
  assert.equal(view.buffer, memory.buffer);
  assert.equal(view.byteLength, 16);
});

test('arena hands out zero-filled, 64-octet aligned views inside the module memory until it is full', () => {
  const cs = WasmChecksum.load({ memoryBytes: 65536 });
  const a = cs.arena(3);
  const b = cs.arena(100);
  assert.equal(a.byteOffset % 64, 0);
  assert.equal(b.byteOffset % 64, 0);
  assert.ok(b.byteOffset >= a.byteOffset + a.byteLength);
  assert.ok(b.every((x) => x === 0));
  assert.equal(cs.arenaFree, 65536 - (b.byteOffset + 100));
  assert.throws(() => cs.arena(65536), { name: 'XlatError', code: 'ERR_XLAT_ARENA_FULL' });
  assert.throws(() => cs.arena(-1), { code: 'ERR_XLAT_ARENA_FULL' });
});

test('slots gives count aligned, non-overlapping views of the requested length that sum in WASM', () => {
  const cs = WasmChecksum.load({ memoryBytes: 1 << 20 });
  const rx = cs.slots(8, 1500);
  assert.equal(rx.length, 8);
  for (let i = 0; i < rx.length; i++) {
    const slot = rx[i]!;
    assert.equal(slot.byteLength, 1500);
    assert.equal(slot.byteOffset % 64, 0);
    if (i > 0) assert.ok(slot.byteOffset >= rx[i - 1]!.byteOffset + 1500);
    for (let j = 0; j < slot.length; j++) slot[j] = (i * 131 + j * 7) & 0xff;
  }
  // Each slot carries its own address: a mix-up would sum a neighbour's bytes.
  for (const slot of rx) assert.equal(cs.sum16(slot, 1, 1499, 3), sum16(slot.slice(), 1, 1499, 3));
});

test('sum16 falls back to the reference for buffers outside the module memory, including another worker\'s', () => {
  const cs = WasmChecksum.load({ memoryBytes: 65536, jsCutoff: 0 });
  const other = WasmChecksum.load({ memoryBytes: 65536, jsCutoff: 0 });
  const theirs = other.arena(300);
  const plain = new Uint8Array(301).subarray(1);
  for (let i = 0; i < 300; i++) theirs[i] = plain[i] = (i * 37 + 11) & 0xff;
  assert.equal(cs.sum16(theirs, 3, 297, 7), sum16(plain, 3, 297, 7));
  assert.equal(cs.sum16(plain, 3, 297, 7), sum16(plain, 3, 297, 7));
});

test('sum16 in WASM uses the view\'s byteOffset, not the start of memory', () => {
  const cs = WasmChecksum.load({ memoryBytes: 65536, jsCutoff: 0 });
  const block = cs.arena(256).fill(0xee);
  const view = block.subarray(77, 85);
  view.set([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
  assert.equal(cs.sum16(view, 0, 8, 0), 0xddf2);
});

test('load rejects a bad memory size and names a missing .wasm file with a stable code', () => {
  assert.throws(() => WasmChecksum.load({ memoryBytes: 0 }), { code: 'ERR_XLAT_BAD_OPTION', path: 'checksum.memoryBytes' });
  assert.throws(() => WasmChecksum.load({ memoryBytes: 2 ** 33 }), { code: 'ERR_XLAT_BAD_OPTION' });
  assert.throws(() => WasmChecksum.load({ memoryBytes: 65536, jsCutoff: -1 }), { code: 'ERR_XLAT_BAD_OPTION', path: 'checksum.jsCutoff' });
  assert.throws(() => WasmChecksum.load({ memoryBytes: 65536, wasmUrl: new URL('file:///nonexistent/checksum.wasm') }), {
    code: 'ERR_XLAT_WASM_LOAD',
    message: /ENOENT.*npm run build:wasm/,
  });
});

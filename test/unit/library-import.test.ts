import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('importing xlat464 loads no native addon and no WebAssembly, and the address code works', () => {
  // A fresh process records every native load (process.dlopen) and every .wasm file read, then
  // imports the package by its name, as a user would, and uses it.
  const script = `
    import fs from 'node:fs';
    const loads = [];
    const dlopen = process.dlopen;
    process.dlopen = (m, file, ...rest) => { loads.push(file); return dlopen.call(process, m, file, ...rest); };
    const read = fs.readFileSync;
    fs.readFileSync = (file, ...rest) => { if (String(file).endsWith('.wasm')) loads.push(String(file)); return read.call(fs, file, ...rest); };
    const lib = await import('xlat464');
    const out = {
      loads,
      embed: lib.embedIPv4('2001:db8:100::/40', '192.0.2.33'),
      exports: ['TenantTable', 'AddressPlan', 'checkConfig', 'Ipv4View', 'Translator', 'WasmChecksum'].filter((n) => typeof lib[n] === 'function'),
    };
    console.log(JSON.stringify(out));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })) as {
    loads: string[];
    embed: string;
    exports: string[];
  };
  assert.deepEqual(out.loads, []);
  assert.equal(out.embed, '2001:db8:1c0:2:21::');
  assert.deepEqual(out.exports, ['TenantTable', 'AddressPlan', 'checkConfig', 'Ipv4View', 'Translator', 'WasmChecksum']);
});

test('the package manifest exposes ESM with types and the xlat464 bin', async () => {
  const { readFileSync, existsSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('package.json', `file://${root}`), 'utf8')) as {
    name: string;
    type: string;
    exports: { '.': { types: string; import: string } };
    bin: { xlat464: string };
  };
  assert.equal(pkg.name, 'xlat464');
  assert.equal(pkg.type, 'module');
  for (const f of [pkg.exports['.'].types, pkg.exports['.'].import, pkg.bin.xlat464]) assert.ok(existsSync(new URL(f, `file://${root}`)), f);
  assert.match(readFileSync(new URL(pkg.bin.xlat464, `file://${root}`), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

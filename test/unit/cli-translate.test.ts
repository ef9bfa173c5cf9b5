import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { finish, pseudoSum6, referenceChecksum, sum16, WasmChecksum } from '../../src/checksum/index.js';
import { answerOf, createTranslateSession, translateLine, translateStream, fromHex, toHex } from '../../src/cli/translate.js';
import { checkConfig, loadConfig } from '../../src/config/index.js';
import { buildPacket } from '../../src/packet/index.js';
import { TO_IPV4, TO_IPV6, Verdict } from '../../src/translate/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const config = 'test/fixtures/two-tenants.yaml';

function run(input: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'translate', ...args], { cwd: root, encoding: 'utf8', input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const udp4 = toHex(buildPacket({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002 }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 } }));

test('translate answers every line with exactly one JSON line, in order, and exits 0 at EOF', () => {
  const lines = [
    JSON.stringify({ from: 'ipv4', tenant: 'blue', packet: udp4 }),
    'not json',
    JSON.stringify({ from: 'ipv6', packet: '' }),
    '',
    JSON.stringify({ from: 'ipv4', tenant: 'red', packet: udp4 }),
  ];
  const r = run(lines.join('\n') + '\n', '--config', config);
  assert.equal(r.code, 0, r.err);
  const out = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(out.length, lines.length);
  assert.ok('emit' in out[0]! && 'drop' in out[0]!);
  assert.match(String(out[1]!.error), /^line 2: invalid JSON/);
  assert.ok('emit' in out[2]!);
  assert.match(String(out[3]!.error), /^line 4: /);
  assert.ok('emit' in out[4]!);
});

test('translate refuses a bad configuration with one line on stderr and exit 2', () => {
  const r = run('', '--config', 'no-such-file.yaml');
  assert.equal(r.code, 2);
  assert.match(r.err, /ERR_XLAT_CONFIG_READ/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

test('a malformed request gets {"error"} naming the field: bad hex, unknown tenant, missing fields, unknown keys', () => {
  const s = createTranslateSession(loadConfig(config));
  const err = (req: unknown) => (JSON.parse(translateLine(s, JSON.stringify(req))) as { error?: string }).error ?? '';
  assert.match(err({ from: 'ipv4', tenant: 'blue', packet: 'abc' }), /packet: expected an even number/);
  assert.match(err({ from: 'ipv4', tenant: 'blue', packet: 'zz' }), /packet/);
  assert.match(err({ from: 'ipv4', tenant: 'purple', packet: udp4 }), /no tenant called "purple"/);
  assert.match(err({ from: 'ipv4', packet: udp4 }), /tenant: required when the configuration has 3 tenants/);
  assert.match(err({ from: 'ipv5', packet: udp4 }), /from: expected "ipv4" or "ipv6"/);
  assert.match(err({ from: 'ipv6' }), /packet: expected a hex string/);
  assert.match(err({ from: 'ipv6', packet: '', colour: 1 }), /unknown field "colour"/);
  assert.match(err({ from: 'ipv6', tenant: 'blue', packet: '' }), /only IPv4 input comes from a tenant/);
  assert.match(err([1, 2]), /expected a JSON object/);
  assert.match(err({ from: 'ipv4', tenant: 'blue', packet: '00'.repeat(65536 + 40) }), /longer than/);
});

test('tenant may be left out when the configuration has one tenant', () => {
  const s = createTranslateSession(checkConfig({ translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' }, tenants: [{ name: 'blue', prefix: 'fd00:64:1::/64' }] }));
  const ans = JSON.parse(translateLine(s, JSON.stringify({ from: 'ipv4', packet: udp4 }))) as Record<string, unknown>;
  assert.ok('emit' in ans, JSON.stringify(ans));
});

test('an answer lists every emitted packet in order with its direction and tenant name, and keeps the drop reason beside a generated error', () => {
  const s = createTranslateSession(loadConfig(config));
  const v = new Verdict();
  v.dropWith('46.ttl-expired');
  v.push(Uint8Array.of(0, 0x45, 0, 1), 1, 3, TO_IPV4, s.translator.table.indexOf('red'));
  v.push(Uint8Array.of(0x60, 0), 0, 2, TO_IPV6, 0);
  assert.deepEqual(answerOf(s, v), {
    emit: [
      { to: 'ipv4', tenant: 'red', packet: '450001' },
      { to: 'ipv6', packet: '6000' },
    ],
    drop: '46.ttl-expired',
  });
});

test('the input packet is copied at HEADROOM: a request never sees the bytes of the one before', () => {
  const s = createTranslateSession(loadConfig(config));
  translateLine(s, JSON.stringify({ from: 'ipv4', tenant: 'blue', packet: 'ff'.repeat(100) }));
  const short = translateLine(s, JSON.stringify({ from: 'ipv4', tenant: 'blue', packet: '45' }));
  assert.ok('emit' in (JSON.parse(short) as object));
});

test('hex helpers round-trip and refuse odd lengths', () => {
  assert.equal(toHex(fromHex('00ffA5')), '00ffa5');
  assert.throws(() => fromHex('abc'), RangeError);
});

test('translateStream waits for drain instead of buffering without bound', async () => {
  const s = createTranslateSession(loadConfig(config));
  const input = new PassThrough();
  const output = new PassThrough({ highWaterMark: 16 });
  const got: string[] = [];
  const done = translateStream(s, input, output);
  output.on('data', (c: Buffer) => got.push(c.toString()));
  for (let i = 0; i < 200; i++) input.write(JSON.stringify({ from: 'ipv6', packet: '' }) + '\n');
  input.end();
  await done;
  assert.equal(got.join('').trimEnd().split('\n').length, 200);
});

test('a translate session checksums in WASM, with the packet buffer and the scratch in the module arena, as the daemon does', () => {
  const s = createTranslateSession(loadConfig(join(root, config)));
  assert.ok(s.checksum instanceof WasmChecksum, 'the session loaded WasmChecksum');
  const cs = s.checksum as WasmChecksum;
  assert.equal(s.buf.buffer, cs.memory.buffer, 'the packet buffer is in the WASM memory');
  assert.equal(s.scratch.buffer, cs.memory.buffer, 'the scratch is in the WASM memory');
  // A translation whose checksums go through WASM (a 1000-octet UDP payload) gives the reference's answer.
  const big = toHex(buildPacket({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002 }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(1000).fill(7) }));
  const line = JSON.stringify({ from: 'ipv4', tenant: 'blue', packet: big });
  const out = JSON.parse(translateLine(s, line)) as { emit: { packet: string }[] };
  assert.equal(out.emit.length, 1);
  const p = fromHex(out.emit[0]!.packet);
  assert.equal(finish(sum16(p, 40, p.length - 40, pseudoSum6(p, 8, 24, 17, p.length - 40))), 0, 'UDP checksum verifies with the reference sum');
});

test('a translate session falls back to the reference checksum when the .wasm cannot load, and says so once', () => {
  const said: string[] = [];
  const bad = new URL('file:///nonexistent/xlat464-checksum.wasm');
  const a = createTranslateSession(loadConfig(join(root, config)), { wasmUrl: bad, onFallback: (m) => said.push(m) });
  const b = createTranslateSession(loadConfig(join(root, config)), { wasmUrl: bad, onFallback: (m) => said.push(m) });
  assert.equal(a.checksum, referenceChecksum);
  assert.equal(b.checksum, referenceChecksum);
  assert.equal(said.length, 1, 'reported once per process');
  assert.match(said[0]!, /cannot load .*xlat464-checksum\.wasm.*reference checksum/);
  const out = JSON.parse(translateLine(a, JSON.stringify({ from: 'ipv4', tenant: 'blue', packet: udp4 }))) as { emit: unknown[]; drop: string | null };
  assert.equal(out.drop, null);
  assert.equal(out.emit.length, 1);
});

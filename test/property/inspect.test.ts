// Bad input never crashes the operator's tools: any bytes described as a packet (whole, cut, of a
// known or unknown tenant), any capture file mutated at random and read through the same steps as
// `xlat464 pcap` (reader, link layer, inspector, counters): nothing throws but the reader's own
// format errors (XlatError ERR_XLAT_CAPTURE_FORMAT), every line formats, every description is
// JSON. Mutations start from real packets so they reach deep into the headers. Fixed seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildPacket, parseIPv4, parseIPv6, XlatError, type PacketSpec } from '../../src/index.js';
import { loadConfig } from '../../src/config/index.js';
import { CaptureStats, PacketInspector, formatLine } from '../../src/inspect/index.js';
import { CaptureReader } from '../../src/io/capture.js';
import { findIp, LinkInfo, LINK_IP } from '../../src/io/link.js';
import { concat, epb, idb, pcapBytes, shb } from '../../testlib/capture-files.js';

const SEED = 0x6052;
const loaded = loadConfig('test/fixtures/two-tenants.yaml');
const inspector = new PacketInspector({ table: loaded.table, translator: loaded.translator });
const stats = new CaptureStats({ table: loaded.table, translator: loaded.translator, maxPairs: 64 });

function run<T>(name: string, prop: fc.IRawProperty<T>, numRuns: number): void {
  try {
    fc.assert(prop, { seed: SEED, numRuns });
  } catch (e) {
    throw new Error(`${name} failed with seed ${SEED}: ${(e as Error).message}`);
  }
}

const v6 = (t: number, h: number) => parseIPv6(`fd00:64:0:${t}:a:0:${h}00:0`);
const inner: PacketSpec = { ip: { version: 4, src: parseIPv4('10.0.0.2'), dst: parseIPv4('10.0.0.1'), ttl: 1 }, l4: { proto: 'udp', srcPort: 53, dstPort: 9 } };
const seeds: Uint8Array[] = [
  buildPacket({ ip: { version: 6, src: v6(1, 1), dst: v6(1, 2), hopLimit: 64 }, l4: { proto: 'tcp', srcPort: 1, dstPort: 2, flags: 2 } }),
  buildPacket({ ip: { version: 6, src: v6(2, 1), dst: v6(2, 2), hopLimit: 64, ext: [{ type: 44, fragOffset: 0, more: true, id: 9 }] }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(16) }),
  buildPacket({ ip: { version: 4, src: parseIPv4('10.0.0.1'), dst: parseIPv4('8.8.8.8'), ttl: 9 }, l4: { proto: 'icmpv4', type: 11, code: 0, inner } }),
  buildPacket({ ip: { version: 6, src: parseIPv6('2001:db8::1'), dst: v6(1, 1), hopLimit: 9 }, l4: { proto: 'icmpv6', type: 1, code: 4, inner: { ip: { version: 6, src: v6(1, 1), dst: v6(1, 2), hopLimit: 3 }, l4: { proto: 'udp', srcPort: 5, dstPort: 6 } } } }),
];

/** A seed packet with some octets overwritten and maybe cut, or plain random bytes. */
const packetArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat()).map(([i, edits, cut]) => {
    const p = seeds[i]!.slice();
    for (const [at, v] of edits) p[at % p.length] = v;
    return p.subarray(0, 1 + (cut % p.length));
  }),
  fc.uint8Array({ maxLength: 120 }),
);

test('describing any bytes never throws, and the line and the JSON always come out', () => {
  run(
    'describe',
    fc.property(packetArb, fc.integer({ min: -2, max: 3 }), fc.boolean(), (bytes, tenant, cut) => {
      const d = inspector.describe(bytes, { tenant, cut });
      assert.equal(typeof formatLine(d), 'string');
      assert.equal(typeof JSON.stringify(d), 'string');
      if (d.verdict !== null) for (const e of d.verdict.emit) if (e.to === 'ipv4' && d.family === 'ipv6') assert.equal(e.tenant, d.tenant, 'delivered to the tenant it names');
      stats.add(bytes, 0, bytes.length, tenant, cut);
    }),
    3000,
  );
  assert.ok(stats.report().packets > 0);
});

const reader = (onPacket: (data: Uint8Array, linkType: number) => void) =>
  new CaptureReader((r) => {
    const info = new LinkInfo();
    if (findIp(r.linkType, r.buf, info, r.off, r.capLen) === LINK_IP) onPacket(r.buf.subarray(info.off, r.off + r.capLen), r.linkType);
  });
const ether = (p: Uint8Array) => concat(Uint8Array.of(2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0, 0, 7, p[0]! >> 4 === 6 ? 0x86 : 0x08, p[0]! >> 4 === 6 ? 0xdd : 0x00), p);
const files: Uint8Array[] = [
  pcapBytes({ le: true, nanos: false, linkType: 1 }, seeds.map((p, i) => ({ sec: i, frac: i, data: ether(p) }))),
  pcapBytes({ le: false, nanos: true, linkType: 101 }, seeds.map((p, i) => ({ sec: i, frac: i, data: p }))),
  concat(shb(true), idb(true, { linkType: 101, name: 'xlat-blue', tsresol: 9 }), idb(true, { linkType: 1 }), ...seeds.map((p, i) => epb(true, i % 2, BigInt(i), i % 2 ? ether(p) : p))),
];

test('a capture mutated at random reads to the end or stops with a format error, never anything else', () => {
  run(
    'capture',
    fc.property(
      fc.integer({ min: 0, max: files.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      fc.nat(),
      fc.integer({ min: 1, max: 64 }),
      (fi, edits, cut, chunk) => {
        const f = files[fi]!.slice();
        for (const [at, v] of edits) f[at % f.length] = v;
        const bytes = f.subarray(0, f.length - (cut % 16));
        const r = reader((data) => {
          const d = inspector.describe(data, { tenant: 0 });
          formatLine(d);
          stats.add(data, 0, data.length, 0, false);
        });
        try {
          for (let at = 0; at < bytes.length; at += chunk) r.push(bytes.subarray(at, at + chunk));
          r.end();
        } catch (e) {
          assert.ok(e instanceof XlatError && e.code === 'ERR_XLAT_CAPTURE_FORMAT', `unexpected ${(e as Error).stack}`);
        }
      },
    ),
    1500,
  );
});

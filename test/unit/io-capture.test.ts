import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureReader, readCapture, type CaptureRecord } from '../../src/io/index.js';
import { hex, refuses } from '../../testlib/assert.js';
import { tsharkAvailability } from '../../testlib/tshark.js';
import { block, concat, epb, idb, pb, pcapBytes, randomCuts, readSplit, shb, spb, type Run } from '../../testlib/capture-files.js';

const FORMAT = 'ERR_XLAT_CAPTURE_FORMAT';
const bytes = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

/** Every way of pushing `file`: whole, cut once at every octet, one octet at a time, random cuts. */
function everySplit(file: Uint8Array, check: (run: Run, how: string) => void): void {
  check(readSplit(file), 'whole');
  for (let c = 0; c <= file.length; c++) check(readSplit(file, [c]), `cut at ${c}`);
  check(readSplit(file, Array.from({ length: file.length }, (_, i) => i)), 'one octet at a time');
  for (let seed = 1; seed <= 20; seed++) check(readSplit(file, randomCuts(file.length, seed, 1 + (seed % 7))), `random cuts, seed ${seed}`);
}

test('reads the smallest pcap as written by hand: header, one record, seconds and microseconds', () => {
  const file = hex(`
    d4 c3 b2 a1  02 00  04 00  00 00 00 00  00 00 00 00  ff ff 00 00  65 00 00 00
    00 f1 53 65  40 e2 01 00  04 00 00 00  05 00 00 00  45 00 00 1c`);
  const run = readSplit(file);
  assert.deepEqual(run.end, { complete: true });
  assert.equal(run.format, 'pcap');
  assert.deepEqual(run.interfaces, [{ index: 0, linkType: 101, name: null, snapLen: 65535 }]);
  assert.deepEqual(run.records, [{ sec: 1700000000, nsec: 123456000, iface: 0, linkType: 101, data: '4500001c', origLen: 5, number: 1, direction: null }]);
});

for (const le of [true, false]) {
  for (const nanos of [false, true]) {
    test(`pcap ${le ? 'little' : 'big'}-endian, ${nanos ? 'nanoseconds' : 'microseconds'}: the same records however the file is split`, () => {
      const unit = nanos ? 1 : 1000;
      const file = pcapBytes({ le, nanos, linkType: 1, snapLen: 40 }, [
        { sec: 1, frac: 2, data: bytes(14) },
        { sec: 0xfffffffe, frac: nanos ? 999_999_999 : 999_999, data: bytes(40, 7), origLen: 1500 },
        { sec: 3, frac: 0, data: new Uint8Array(0) },
      ]);
      const expected = [
        { sec: 1, nsec: 2 * unit, iface: 0, linkType: 1, data: Buffer.from(bytes(14)).toString('hex'), origLen: 14, number: 1, direction: null },
        { sec: 0xfffffffe, nsec: 999_999_999 - (nanos ? 0 : 999), iface: 0, linkType: 1, data: Buffer.from(bytes(40, 7)).toString('hex'), origLen: 1500, number: 2, direction: null },
        { sec: 3, nsec: 0, iface: 0, linkType: 1, data: '', origLen: 0, number: 3, direction: null },
      ];
      everySplit(file, (run, how) => {
        assert.deepEqual(run.end, { complete: true }, how);
        assert.deepEqual(run.records, expected, how);
        assert.deepEqual(run.interfaces, [{ index: 0, linkType: 1, name: null, snapLen: 40 }], how);
      });
    });
  }
}

test('pcap: the FCS bits above the low 16 bits of the link-type field are not the link type', () => {
  // F bit (26) set, FCS length 2 (x 16 bits) in bits 28-31, link type Ethernet.
  const run = readSplit(pcapBytes({ le: true, nanos: false, linkType: 0x24000001 }, [{ sec: 0, frac: 0, data: bytes(14) }]));
  assert.equal(run.interfaces[0]!.linkType, 1);
  assert.equal(run.records[0]!.linkType, 1);
});

test('a snap length cut shows as captured octets fewer than the original length', () => {
  let seen: [number, number] | null = null;
  const r = new CaptureReader((rec) => (seen = [rec.data.length, rec.origLen]));
  r.push(pcapBytes({ le: true, nanos: false, linkType: 101, snapLen: 68 }, [{ sec: 0, frac: 0, data: bytes(68), origLen: 1500 }]));
  assert.deepEqual(seen, [68, 1500]);
});

// A pcapng file with everything: two interfaces (Ethernet at 10^-9 s named eth0; raw IP at 2^-20 s
// with a snap length of 64 and a time offset), blocks to skip, every packet block, two sections.
const T9 = 1_700_000_000_123_456_789n; // ns
const T20 = (1_700_000_000n << 20n) + 0x80000n; // 2^-20 s: half a second
function pcapng(le: boolean): Uint8Array {
  return concat(
    shb(le, { options: [[4, new TextEncoder().encode('hand-made')]] }),
    idb(le, { linkType: 1, snapLen: 0, name: 'eth0', tsresol: 9 }),
    block(le, 4, (w) => w.u16(1).u16(8).u32(0x0a000001).u32(0x61000000).u32(0)), // name resolution
    idb(le, { linkType: 101, snapLen: 64, tsresol: 0x80 | 20, tsoffset: 10n }),
    epb(le, 0, T9, bytes(60), { flags: 1 }),
    block(le, 0x00000bad, (w) => w.u32(32473).u32(0xdeadbeef)), // custom block
    epb(le, 1, T20, bytes(64, 3), { origLen: 1280, flags: 2 }),
    block(le, 5, (w) => w.u32(0).u32(0).u32(0)), // interface statistics
    spb(le, 1514, bytes(20)), // interface 0, snap length 0: as much as the block holds
    pb(le, 1, 3n << 20n, bytes(5), 1),
    epb(le, 0, 0n, bytes(1)),
    shb(le),
    idb(le, { linkType: 113, snapLen: 262144 }), // default 10^-6 s
    epb(le, 0, 1_700_000_000_000_001n, bytes(16), { flags: 0 }),
    spb(le, 3, bytes(4)), // origLen below the room: 3 captured
  );
}

for (const le of [true, false]) {
  test(`pcapng ${le ? 'little' : 'big'}-endian: interfaces, resolutions, directions, skipped blocks, two sections, however split`, () => {
    const file = pcapng(le);
    const h = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const expected = [
      { sec: 1_700_000_000, nsec: 123_456_789, iface: 0, linkType: 1, data: h(bytes(60)), origLen: 60, number: 1, direction: 'in' },
      { sec: 1_700_000_010, nsec: 500_000_000, iface: 1, linkType: 101, data: h(bytes(64, 3)), origLen: 1280, number: 2, direction: 'out' },
      { sec: 0, nsec: 0, iface: 0, linkType: 1, data: h(bytes(20)), origLen: 1514, number: 3, direction: null },
      { sec: 13, nsec: 0, iface: 1, linkType: 101, data: h(bytes(5)), origLen: 5, number: 4, direction: 'in' },
      { sec: 0, nsec: 0, iface: 0, linkType: 1, data: h(bytes(1)), origLen: 1, number: 5, direction: null },
      { sec: 1_700_000_000, nsec: 1000, iface: 0, linkType: 113, data: h(bytes(16)), origLen: 16, number: 6, direction: null },
      { sec: 0, nsec: 0, iface: 0, linkType: 113, data: h(bytes(3)), origLen: 3, number: 7, direction: null },
    ];
    const interfaces = [
      { index: 0, linkType: 1, name: 'eth0', snapLen: 0 },
      { index: 1, linkType: 101, name: null, snapLen: 64 },
      { index: 0, linkType: 113, name: null, snapLen: 262144 },
    ];
    everySplit(file, (run, how) => {
      assert.deepEqual(run.end, { complete: true }, how);
      assert.equal(run.format, 'pcapng');
      assert.deepEqual(run.records, expected, how);
      assert.deepEqual(run.interfaces, interfaces, how);
    });
  });
}

test('a new pcapng section starts a new interface list and leaves the old one as it was', () => {
  const lists: (readonly unknown[])[] = [];
  const r = new CaptureReader(() => {}, { onInterface: () => lists.push(r.interfaces) });
  r.push(pcapng(true));
  assert.equal(lists[0], lists[1]);
  assert.notEqual(lists[1], lists[2]);
  assert.equal(lists[1]!.length, 2);
  assert.deepEqual(r.interfaces, [{ index: 0, linkType: 113, name: null, snapLen: 262144 }]);
});

test('a record inside the chunk is handed out where it lies; one across chunks comes whole from the tail', () => {
  const file = pcapBytes({ le: true, nanos: false, linkType: 101 }, [
    { sec: 0, frac: 0, data: bytes(100) },
    { sec: 0, frac: 0, data: bytes(300_000) }, // bigger than the tail's first allocation
  ]);
  const chunk = file.slice(0, 24 + 16 + 100 + 1000);
  const got: { inChunk: boolean; off: number; len: number; first: number; last: number; byteOffset: number }[] = [];
  const r = new CaptureReader((rec: CaptureRecord) => {
    got.push({ inChunk: rec.buf === chunk, off: rec.off, len: rec.capLen, first: rec.data[0]!, last: rec.data[rec.capLen - 1]!, byteOffset: rec.data.byteOffset });
  });
  r.push(chunk);
  for (let at = chunk.length; at < file.length; at += 65536) r.push(file.slice(at, Math.min(file.length, at + 65536)));
  assert.deepEqual(r.end(), { complete: true });
  assert.deepEqual(got[0], { inChunk: true, off: 40, len: 100, first: 0, last: 99, byteOffset: 40 });
  assert.equal(got[1]!.inChunk, false);
  assert.equal(got[1]!.len, 300_000);
  assert.deepEqual([got[1]!.first, got[1]!.last], [0, (300_000 - 1) & 0xff]);
});

test('data is one view per record, made on demand, over the octets buf/off/capLen name', () => {
  const file = pcapBytes({ le: true, nanos: false, linkType: 101 }, [{ sec: 0, frac: 0, data: bytes(10) }, { sec: 0, frac: 0, data: bytes(3) }]);
  const views: Uint8Array[] = [];
  const r = new CaptureReader((rec) => {
    assert.equal(rec.data, rec.data);
    assert.deepEqual(rec.data, rec.buf.subarray(rec.off, rec.off + rec.capLen));
    views.push(rec.data);
  });
  r.push(file);
  assert.notEqual(views[0], views[1]);
  assert.deepEqual(views.map((v) => v.length), [10, 3]);
});

test('a pcap cut anywhere delivers every whole record and says where and how it was cut', () => {
  const file = pcapBytes({ le: false, nanos: true, linkType: 101 }, [
    { sec: 1, frac: 1, data: bytes(10) },
    { sec: 2, frac: 2, data: bytes(7) },
  ]);
  const ends = [24, 24 + 26, 24 + 26 + 23];
  for (let len = 0; len <= file.length; len++) {
    for (const cuts of [[], [len >>> 1]]) {
      const run = readSplit(file.subarray(0, len), cuts);
      const whole = ends.filter((e) => e <= len).length - 1;
      assert.equal(run.records.length, Math.max(0, whole), `cut at ${len}`);
      if (len === 0) assert.deepEqual(run.end, { complete: false, reason: 'empty file', offset: 0 });
      else if (len < 24) assert.deepEqual(run.end, { complete: false, reason: 'truncated file header', offset: 0 }, `cut at ${len}`);
      else if (ends.includes(len)) assert.deepEqual(run.end, { complete: true }, `cut at ${len}`);
      else {
        const start = ends[whole]!;
        const reason = len - start < 16 ? 'truncated record header' : 'truncated record';
        assert.deepEqual(run.end, { complete: false, reason, offset: start }, `cut at ${len}`);
      }
    }
  }
});

test('a pcapng cut anywhere delivers every whole packet and says where and how it was cut', () => {
  const parts = [shb(true), idb(true, { linkType: 1 }), epb(true, 0, 5n, bytes(9)), spb(true, 4, bytes(4))];
  const file = concat(...parts);
  const ends: number[] = [];
  parts.reduce((at, p) => (ends.push(at + p.length), at + p.length), 0);
  for (let len = 1; len <= file.length; len++) {
    const run = readSplit(file.subarray(0, len), [len >>> 1]);
    const done = ends.filter((e) => e <= len).length;
    assert.equal(run.records.length, Math.max(0, done - 2), `cut at ${len}`);
    if (ends.includes(len)) {
      assert.deepEqual(run.end, { complete: true }, `cut at ${len}`);
      continue;
    }
    const start = done === 0 ? 0 : ends[done - 1]!;
    const headerLen = done === 0 ? 12 : 8; // the SHB's length is readable once its byte-order magic is
    const reason = len < 4 ? 'truncated file header' : len - start < headerLen ? 'truncated block header' : 'truncated block';
    assert.deepEqual(run.end, { complete: false, reason, offset: start }, `cut at ${len}`);
  }
});

test('refuses a file that is neither pcap nor pcapng, naming its first octets', () => {
  refuses(() => new CaptureReader(() => {}).push(hex('7f 45 4c 46 02 01 01')), FORMAT, 'not a pcap or pcapng file (first octets 0x7f454c46)');
  // Octet by octet: the error comes once four octets are in.
  const r = new CaptureReader(() => {});
  r.push(hex('1f 8b'));
  r.push(hex('08'));
  refuses(() => r.push(hex('00')), FORMAT, 'first octets 0x1f8b0800');
});

test('refuses pcap versions other than 2.4 and records over the size limit, before buffering them', () => {
  refuses(() => readSplit(pcapBytes({ le: true, nanos: false, linkType: 1, version: [2, 3] }, [])), FORMAT, 'unsupported pcap version 2.3');
  refuses(() => readSplit(pcapBytes({ le: false, nanos: false, linkType: 1, version: [3, 0] }, [])), FORMAT, 'unsupported pcap version 3.0');
  const r = new CaptureReader(() => {});
  r.push(pcapBytes({ le: true, nanos: false, linkType: 1 }, [{ sec: 0, frac: 0, data: bytes(1) }]));
  refuses(() => r.push(hex('00 00 00 00 00 00 00 00 01 00 00 20 01 00 00 20')), FORMAT, 'pcap record 2 at offset 41: captured length 536870913 is over the 268435456-octet limit');
});

test('refuses damaged pcapng blocks: length not a multiple of 4, under the minimum, over the limit, ends that disagree', () => {
  const good = concat(shb(true), idb(true, { linkType: 1 }));
  const at = good.length;
  const withBlock = (type: number, len: number) => {
    const h = new DataView(new ArrayBuffer(8));
    h.setUint32(0, type, true);
    h.setUint32(4, len, true);
    return concat(good, new Uint8Array(h.buffer));
  };
  refuses(() => readSplit(withBlock(6, 42)), FORMAT, `pcapng Enhanced Packet Block at offset ${at}: total length 42 is not a multiple of 4`);
  refuses(() => readSplit(withBlock(6, 28)), FORMAT, 'Enhanced Packet Block', 'total length 28 is less than its minimum, 32');
  refuses(() => readSplit(withBlock(3, 12)), FORMAT, 'Simple Packet Block', 'less than its minimum, 16');
  refuses(() => readSplit(withBlock(0x77, 8)), FORMAT, 'block of type 0x00000077', 'less than its minimum, 12');
  refuses(() => readSplit(withBlock(5, 0x20000000)), FORMAT, 'total length 536870912 is over the 268435456-octet limit');
  const bad = epb(true, 0, 0n, bytes(4));
  bad[bad.length - 4] = 40;
  refuses(() => readSplit(concat(good, bad)), FORMAT, `Enhanced Packet Block at offset ${at}: total length 40 at its end differs from 36 at its start`);
});

test('refuses a pcapng with a bad byte-order magic, an unknown major version, or a packet that overflows its block', () => {
  const s = shb(true);
  s[8] = 0x4e;
  refuses(() => readSplit(s), FORMAT, 'Section Header Block at offset 0: byte-order magic 0x4e3c2b1a');
  refuses(() => readSplit(shb(false, { major: 2 })), FORMAT, 'unsupported version 2.0');
  assert.deepEqual(readSplit(shb(false, { minor: 2 })).end, { complete: true });
  const over = concat(shb(true), idb(true, { linkType: 1 }), epb(true, 0, 0n, bytes(8), { capLen: 13 }));
  refuses(() => readSplit(over), FORMAT, 'captured length 13 does not fit in its block of 40 octets');
});

test('refuses a packet for an interface no IDB in its section described', () => {
  refuses(() => readSplit(concat(shb(true), idb(true, { linkType: 1 }), epb(true, 1, 0n, bytes(4)))), FORMAT, 'Enhanced Packet Block at offset 48: interface id 1 has no Interface Description Block in this section (1 described)');
  refuses(() => readSplit(concat(shb(false), spb(false, 4, bytes(4)))), FORMAT, 'Simple Packet Block at offset 28: interface id 0 has no Interface Description Block');
  // The second section's packets cannot use the first section's interfaces.
  refuses(() => readSplit(concat(shb(true), idb(true, { linkType: 1 }), shb(true), pb(true, 0, 0n, bytes(2)))), FORMAT, 'Packet Block at offset 76: interface id 0');
});

test('pcapng timestamps agree with 64-bit integer arithmetic at every resolution, 10^0..10^20 s and 2^0..2^63 s', () => {
  const counts: bigint[] = [0n, 1n, (1n << 32n) - 1n, 1n << 32n, (1n << 53n) + 1n, (1n << 64n) - 1n, 0xfedcba9876543210n];
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 40; i++) {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    counts.push(x & 0xffffffffffffffffn);
  }
  // [if_tsresol octet, units per second]
  const resolutions: [number, bigint][] = [];
  for (let d = 0; d <= 20; d++) resolutions.push([d, 10n ** BigInt(d)]);
  for (let b = 0; b <= 63; b++) resolutions.push([0x80 | b, 1n << BigInt(b)]);
  for (const [tsresol, perSecond] of resolutions) {
    const file = concat(shb(true), idb(true, { linkType: 101, tsresol }), ...counts.map((c) => epb(true, 0, c, bytes(1))));
    readSplit(file).records.forEach((r, i) => {
      const c = counts[i]!;
      const sec = c / perSecond;
      const nsec = Number(((c % perSecond) * 1_000_000_000n) / perSecond);
      const what = `tsresol 0x${tsresol.toString(16)}, count ${c}`;
      // Seconds past 2^53 (a count of whole or tenth seconds near 2^64) have no exact double.
      if (sec <= BigInt(Number.MAX_SAFE_INTEGER)) assert.deepEqual([r.sec, r.nsec], [Number(sec), nsec], what);
      else assert.equal(r.nsec, nsec, what);
    });
  }
  // Finer still, no 64-bit count reaches a second: floats, within a nanosecond.
  for (const [tsresol, perSecond] of [[21, 10n ** 21n], [0x80 | 64, 1n << 64n], [0x80 | 100, 1n << 100n]] as const) {
    const file = concat(shb(false), idb(false, { linkType: 101, tsresol }), ...counts.map((c) => epb(false, 0, c, bytes(1))));
    readSplit(file).records.forEach((r, i) => {
      assert.equal(r.sec, 0);
      assert.ok(Math.abs(r.nsec - Number((counts[i]! * 1_000_000_000n) / perSecond)) <= 1, `tsresol 0x${tsresol.toString(16)}, count ${counts[i]}: ${r.nsec}`);
    });
  }
});

test('readCapture streams a file and resolves with the summary, however small the chunks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlat464-capture-'));
  try {
    const file = join(dir, 'two.pcapng');
    writeFileSync(file, pcapng(false));
    let n = 0;
    const s = await readCapture(createReadStream(file, { highWaterMark: 7 }), () => n++);
    assert.deepEqual(s, { complete: true, format: 'pcapng', packets: 7 });
    assert.equal(n, 7);
    writeFileSync(file, pcapng(true).subarray(0, 100));
    assert.deepEqual(await readCapture(createReadStream(file), () => {}), { complete: false, reason: 'truncated block', offset: 88, format: 'pcapng', packets: 0 });
    writeFileSync(file, hex('7f 45 4c 46'));
    await assert.rejects(readCapture(createReadStream(file), () => {}), { code: FORMAT });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reading allocates nothing per record once warm (no GC in a million records through 64 KiB chunks)', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const script = `
import { CaptureReader } from './dist/src/io/capture.js';
import { pcapFile } from './dist/src/io/pcap.js';
const packets = Array.from({ length: 10000 }, (_, i) => new Uint8Array(64).fill(i));
const file = pcapFile(packets, 101, 1700000000000000);
const chunks = [];
for (let at = 0; at < file.length; at += 65536) chunks.push(file.subarray(at, at + 65536));
let sum = 0; // kept a small integer: a double here would be boxed at every record
const run = () => { const r = new CaptureReader((rec) => { sum = (sum + rec.buf[rec.off] + rec.nsec) | 0; }); for (const c of chunks) r.push(c); if (!r.end().complete) throw new Error('incomplete'); };
for (let i = 0; i < 30; i++) run();
globalThis.gc();
console.log('BEGIN');
for (let i = 0; i < 100; i++) run();
console.log('END ' + sum);
`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--trace-gc', '--min-semi-space-size=1', '--max-semi-space-size=1', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  const during = out.slice(out.indexOf('BEGIN'), out.indexOf('END'));
  assert.match(out, /END -?\d+/);
  assert.equal(during.split('\n').filter((l) => /Scavenge|Mark-Compact|Mark-sweep|Minor/.test(l)).length, 0, during);
});

test('tshark reads the same packets and times as we do from a pcapng editcap made of our pcap, and mergecap\'s two-interface pcapng holds both pcaps (skips with a reason without tshark)', (t) => {
  const a = tsharkAvailability();
  if (!a.ok) {
    if (a.mustRun) throw new Error(`tshark is required when running as root (CI installs it): ${a.reason}`);
    return t.skip(`${a.reason}; install tshark (editcap, mergecap) to cross-check the reader`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'xlat464-capture-'));
  try {
    const eth = (i: number) => concat(hex('02 00 00 00 00 01 02 00 00 00 00 02 08 00'), bytes(20 + i));
    const us = pcapBytes({ le: true, nanos: false, linkType: 101 }, [0, 1, 2].map((i) => ({ sec: 1_700_000_000 + i, frac: 999_999 - i, data: bytes(20 + i) })));
    const ns = pcapBytes({ le: false, nanos: true, linkType: 1, snapLen: 30 }, [0, 1, 2].map((i) => ({ sec: 1_700_000_000 + i, frac: 123_456_789 + i, data: eth(i).subarray(0, 30), origLen: 34 + i })));
    const file = (name: string) => join(dir, name);
    writeFileSync(file('us.pcap'), us);
    writeFileSync(file('ns.pcap'), ns);
    execFileSync('editcap', ['-F', 'pcapng', file('ns.pcap'), file('ns.pcapng')], { stdio: 'ignore' });
    execFileSync('mergecap', ['-F', 'pcapng', '-w', file('both.pcapng'), file('us.pcap'), file('ns.pcapng')], { stdio: 'ignore' });
    const line = (r: { sec: number; nsec: number; linkType: number; origLen: number; data: string }) => `${r.sec}.${String(r.nsec).padStart(9, '0')} ${r.linkType} ${r.origLen} ${r.data.length / 2}`;

    const text = execFileSync('tshark', ['-r', file('ns.pcapng'), '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const theirs = text.trim().split('\n').map((l) => l.replace(/\t/, ' 1 ').replace(/\t/g, ' '));
    const ng = readSplit(readFileSync(file('ns.pcapng')));
    assert.deepEqual(ng.end, { complete: true });
    assert.equal(ng.format, 'pcapng');
    assert.deepEqual(ng.records.map(line), theirs);
    assert.deepEqual(ng.records.map(line), readSplit(ns).records.map(line));

    // mergecap interleaves by time and gives each input its own IDB.
    const both = readSplit(readFileSync(file('both.pcapng')));
    assert.deepEqual(both.interfaces.map((i) => i.linkType), [101, 1]);
    assert.deepEqual(both.records.map(line), [...readSplit(us).records, ...readSplit(ns).records].map(line).sort());
    assert.deepEqual(both.records.map((r) => r.iface), both.records.map((r) => (r.linkType === 101 ? 0 : 1)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINKTYPE_RAW, pcapFile, pcapGlobalHeader, pcapRecord } from '../../src/io/pcap.js';
import { buildPacket, buildFragments, IPV4_TOTAL_LEN } from '../../src/packet/index.js';
import { tsharkCheck } from '../../testlib/tshark.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const v6 = (last: number) => Uint8Array.of(0xfd, 0, 0, 0x64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last);

test('the pcap global header is libpcap 2.4, little-endian, microseconds, LINKTYPE_RAW', () => {
  assert.equal(hex(pcapGlobalHeader()), 'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '65000000');
  assert.equal(LINKTYPE_RAW, 101);
});

test('a pcap record carries seconds, microseconds, captured and original length, then the bytes', () => {
  assert.equal(hex(pcapRecord(Uint8Array.of(0x45, 0x00), 3_000_007)), '03000000' + '07000000' + '02000000' + '02000000' + '4500');
  const f = pcapFile([Uint8Array.of(1), Uint8Array.of(2, 3)]);
  assert.equal(f.length, 24 + 17 + 18);
});

const udp4 = buildPacket({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002 }, l4: { proto: 'udp', srcPort: 1000, dstPort: 53 }, payload: Uint8Array.of(1, 2, 3) });

test('tshark accepts correct packets of every kind we build (or skips with a reason when it cannot run)', (t) => {
  const packets = [
    udp4,
    buildPacket({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002 }, l4: { proto: 'udp', srcPort: 1, dstPort: 2, checksum: 0 } }),
    buildPacket({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002 }, l4: { proto: 'tcp', srcPort: 1, dstPort: 2, seq: 5, flags: 2 } }),
    buildPacket({ ip: { version: 6, src: v6(1), dst: v6(2) }, l4: { proto: 'icmpv6', type: 128, code: 0, rest: 0x00010002 } }),
    buildPacket({ ip: { version: 6, src: v6(1), dst: v6(2), ext: [{ type: 0 }, { type: 60 }] }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 } }),
    buildPacket({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002 }, l4: { proto: 'icmpv4', type: 3, code: 4, rest: 1280, inner: udp4 } }),
    buildPacket({ ip: { version: 6, src: v6(1), dst: v6(2) }, l4: { proto: 'icmpv6', type: 1, code: 0, inner: { ip: { version: 6, src: v6(2), dst: v6(1) }, l4: { proto: 'tcp', srcPort: 1, dstPort: 2 } } } }),
    ...buildFragments({ ip: { version: 6, src: v6(1), dst: v6(2) }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(100) }, 64, 7),
    ...buildFragments({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002, id: 9 }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 }, payload: new Uint8Array(100) }, 64),
  ];
  const r = tsharkCheck(packets.map((bytes, i) => ({ label: `#${i}`, bytes })));
  if (r.skipped) return t.skip(r.skipped);
  assert.deepEqual(r.problems, []);
  assert.equal(r.checked, packets.length);
});

test('tshark reports a bad TCP checksum, a bad IPv4 header checksum, a wrong Total Length and a zero UDP checksum over IPv6', (t) => {
  const badTcp = buildPacket({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002 }, l4: { proto: 'tcp', srcPort: 1, dstPort: 2, checksum: 0x1234 } });
  const badIp = buildPacket({ ip: { version: 4, src: 0x0a000001, dst: 0x0a000002, checksum: 0x1234 }, l4: { proto: 'udp', srcPort: 1, dstPort: 2 } });
  const longer = new Uint8Array(udp4.length + 4);
  longer.set(udp4);
  const zero6 = buildPacket({ ip: { version: 6, src: v6(1), dst: v6(2) }, l4: { proto: 'udp', srcPort: 1, dstPort: 2, checksum: 0 } });
  const r = tsharkCheck([
    { label: 'bad-tcp', bytes: badTcp },
    { label: 'bad-ip', bytes: badIp },
    { label: 'padded', bytes: longer },
    { label: 'zero6', bytes: zero6 },
  ]);
  if (r.skipped) return t.skip(r.skipped);
  const by = (l: string) => r.problems.filter((p) => p.startsWith(l + ':')).join('\n');
  assert.match(by('bad-tcp'), /tcp\.checksum\.status Bad/);
  assert.match(by('bad-ip'), /IPv4 header checksum status 0/);
  assert.match(by('padded'), /Total Length 31 != packet length 35/);
  assert.match(by('zero6'), /udp\.checksum\.status Illegal|udp\.checksum\.status 4/);
  assert.equal(udp4[IPV4_TOTAL_LEN + 1], 31);
});

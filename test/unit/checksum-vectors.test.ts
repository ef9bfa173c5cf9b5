// Literal checksum vectors from RFCs and real captured packets, run through every implementation
// (the reference, the WASM SIMD build and the WASM scalar build). The expected values are the
// checksums that were on the wire or in the RFC text; none is computed by our code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  WasmChecksum,
  finish,
  fold,
  pseudoSum4,
  pseudoSum6,
  referenceChecksum,
  sum16,
  udpFinish,
  type Checksum,
} from '../../src/checksum/index.js';

function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function word(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

// RFC 1071 §3 "Numerical Examples": the words 0001 f203 f4f5 f6f7 sum to ddf2.
const RFC1071_EXAMPLE = hex('00 01 f2 03 f4 f5 f6 f7');

// The IPv4 header from Wikipedia's "IPv4 header checksum" article (checksum 0x442e at octet 10).
const WIKIPEDIA_IPV4_HEADER = hex('4500 0030 4422 4000 8006 442e 8c7c 19ac ae24 1e2b');

// A DNS query captured with `tcpdump -i any -X` on the sending Linux host (10.211.55.7 -> 8.8.8.8),
// published at https://adil.medium.com/understanding-network-packets-ip-header-udp-header-a672398553d0
// The IP header checksum is complete (0x30f4); the UDP checksum was offloaded to the NIC, so the
// kernel left in the field only the pseudo-header sum 0x5236 (CHECKSUM_PARTIAL): a real vector for
// pseudoSum4, not for a full UDP checksum.
const TCPDUMP_DNS_QUERY = hex(`
  4500 004f f7c0 0000 4011 30f4 0ad3 3707 0808 0808 c3a1 0035 003b 5236 e34b 0120
  0001 0000 0000 0001 0667 6f6f 676c 6503 636f 6d00 000f 0001 0000 2910 0000 0000
  0000 0c00 0a00 0845 048d 37f3 71f8 e9`);

// A DNS NXDOMAIN answer received from 192.168.1.1, IPv4 (checksum 0xbe85) + UDP (checksum 0x5d62,
// odd length 35), from PcapPlusPlus' captured test packets (Tests/Packet++Test/PacketExamples/
// DNS_NXDomain.dat), Ethernet header removed.
const DNS_NXDOMAIN_UDP4 = hex(`
  4500 0037 f83b 4000 4011 be85 c0a8 0101 c0a8 01a3 0035 ce3f 0023 5d62 7e51 8183
  0001 0000 0000 0000 0368 7462 056c 6f63 616c 0000 0100 01`);

// An ICMPv6 Echo Request fe80::215:5dff:fea5:c4c5 -> fe80::dd05:dae0:74bc:7341 (checksum 0x7a4c),
// PcapPlusPlus' IcmpV6_EchoRequest.dat, Ethernet header removed.
const ICMPV6_ECHO_REQUEST = hex(`
  600d 2ce3 0040 3a40 fe80 0000 0000 0000 0215 5dff fea5 c4c5 fe80 0000 0000 0000
  dd05 dae0 74bc 7341 8000 7a4c 0018 0014 bdce cb62 0000 0000 f3a1 0900 0000 0000
  1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
  3031 3233 3435 3637`);

// An ICMPv6 Neighbor Solicitation fd53:7cb8:383:4::67 -> fd53:7cb8:383:2::1:117 (checksum 0xfe98),
// PcapPlusPlus' IcmpV6_NeighSoli.dat, Ethernet and 802.1Q headers removed.
const ICMPV6_NEIGHBOR_SOLICITATION = hex(`
  6000 0000 0020 3aff fd53 7cb8 0383 0004 0000 0000 0000 0067 fd53 7cb8 0383 0002
  0000 0000 0001 0117 8700 fe98 0000 0000 fd53 7cb8 0383 0002 0000 0000 0001 0117
  0101 0054 afe9 4d80`);

const simd = WasmChecksum.load({ memoryBytes: 1 << 20, simd: true, jsCutoff: 0 });
const scalar = WasmChecksum.load({ memoryBytes: 1 << 20, simd: false, jsCutoff: 0 });

// Each implementation sees its own copy: the WASM ones in their arena, at an odd address so the
// unaligned paths run too, and the reference at a nonzero byteOffset.
const impls: { name: string; cs: Checksum; place(bytes: Uint8Array): Uint8Array }[] = [
  { name: 'reference', cs: referenceChecksum, place: (b) => copyAt(new Uint8Array(b.length + 3), 3, b) },
  { name: 'wasm-simd', cs: simd, place: (b) => copyAt(simd.arena(b.length + 1), 1, b) },
  { name: 'wasm-scalar', cs: scalar, place: (b) => copyAt(scalar.arena(b.length + 1), 1, b) },
];

function copyAt(into: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  into.set(bytes, at);
  return into.subarray(at, at + bytes.length);
}

for (const { name, cs, place } of impls) {
  test(`${name}: sums the RFC 1071 §3 example 00 01 f2 03 f4 f5 f6 f7 to 0xddf2`, () => {
    const buf = place(RFC1071_EXAMPLE);
    assert.equal(cs.sum16(buf, 0, 8, 0), 0xddf2);
    assert.equal(finish(cs.sum16(buf, 0, 8, 0)), 0x220d);
  });

  test(`${name}: verifies the Wikipedia IPv4 header and reproduces its checksum 0x442e`, () => {
    const buf = place(WIKIPEDIA_IPV4_HEADER);
    assert.equal(cs.sum16(buf, 0, 20, 0), 0xffff, 'a header whose checksum is right sums to -0');
    buf[10] = 0;
    buf[11] = 0;
    assert.equal(finish(cs.sum16(buf, 0, 20, 0)), 0x442e);
  });

  test(`${name}: verifies the IPv4 header checksums of two captured UDP packets`, () => {
    assert.equal(cs.sum16(place(TCPDUMP_DNS_QUERY), 0, 20, 0), 0xffff);
    assert.equal(cs.sum16(place(DNS_NXDOMAIN_UDP4), 0, 20, 0), 0xffff);
  });

  test(`${name}: reproduces the UDP/IPv4 checksum 0x5d62 of a captured 35-octet datagram (odd length)`, () => {
    const pkt = place(DNS_NXDOMAIN_UDP4);
    const udpLen = word(pkt, 24);
    assert.equal(udpLen, 35);
    const pseudo = pseudoSum4(0xc0a80101, 0xc0a801a3, 17, udpLen);
    assert.equal(cs.sum16(pkt, 20, udpLen, pseudo), 0xffff, 'verifies with the checksum in place');
    pkt[26] = 0;
    pkt[27] = 0;
    assert.equal(udpFinish(finish(cs.sum16(pkt, 20, udpLen, pseudo))), 0x5d62);
  });

  test(`${name}: reproduces ICMPv6 checksums 0x7a4c (Echo Request) and 0xfe98 (Neighbor Solicitation)`, () => {
    for (const [bytes, expected] of [
      [ICMPV6_ECHO_REQUEST, 0x7a4c],
      [ICMPV6_NEIGHBOR_SOLICITATION, 0xfe98],
    ] as const) {
      const pkt = place(bytes);
      const payloadLen = word(pkt, 4);
      const pseudo = pseudoSum6(pkt, 8, 24, 58, payloadLen);
      assert.equal(cs.sum16(pkt, 40, payloadLen, pseudo), 0xffff, 'verifies with the checksum in place');
      pkt[42] = 0;
      pkt[43] = 0;
      assert.equal(finish(cs.sum16(pkt, 40, payloadLen, pseudo)), expected);
    }
  });
}

test('pseudoSum4 matches the pseudo-header sum a Linux kernel left for checksum offload (0x5236)', () => {
  const pkt = TCPDUMP_DNS_QUERY;
  assert.equal(pseudoSum4(0x0ad33707, 0x08080808, 17, word(pkt, 24)), word(pkt, 26));
  // Signed int32 addresses (e.g. from `<<` arithmetic) give the same sum.
  assert.equal(pseudoSum4(0x0ad33707 | 0, 0xc0a801a3 | 0, 17, 35), pseudoSum4(0x0ad33707, 0xc0a801a3, 17, 35));
});

test('pseudoSum6 reads addresses in place and counts a 32-bit upper-layer length', () => {
  const pkt = ICMPV6_ECHO_REQUEST;
  const base = pseudoSum6(pkt, 8, 24, 58, 64);
  // The length is a 32-bit field (RFC 8200 §8.1): 0x10040 adds 0x0001 + 0x0040.
  assert.equal(pseudoSum6(pkt, 8, 24, 58, 0x10040), fold(base + 1));
  assert.throws(() => pseudoSum6(pkt, 8, pkt.length - 8, 58, 64), RangeError);
});

test('sum16 pads an odd trailing octet with zero on the right (RFC 1071 §4.1)', () => {
  assert.equal(sum16(Uint8Array.of(0xab), 0, 1), 0xab00);
  assert.equal(sum16(Uint8Array.of(0x12, 0x34, 0xab), 0, 3), 0x12 * 256 + 0x34 + 0xab00);
});

test('sum16 keeps -0: all-ones words sum to 0xffff, an empty or all-zero range to 0', () => {
  assert.equal(sum16(new Uint8Array(8).fill(0xff), 0, 8), 0xffff);
  assert.equal(sum16(new Uint8Array(8), 0, 8), 0);
  assert.equal(sum16(new Uint8Array(0), 0, 0), 0);
  assert.equal(sum16(new Uint8Array(0), 0, 0, 0xffff), 0xffff);
});

test('sum16 folds a 32-bit initial sum with end-around carry', () => {
  assert.equal(sum16(new Uint8Array(0), 0, 0, 0xffffffff), 0xffff);
  assert.equal(sum16(new Uint8Array(0), 0, 0, 0x0001ffff), 0x0001);
});

test('sum16 on a subarray reads from the view, not from the start of its ArrayBuffer', () => {
  const backing = new Uint8Array(16).fill(0x11);
  backing.set(RFC1071_EXAMPLE, 5);
  assert.equal(sum16(backing.subarray(5), 0, 8), 0xddf2);
});

test('sum16 refuses a range outside the buffer instead of summing undefined as zero', () => {
  assert.throws(() => sum16(new Uint8Array(4), 2, 3), RangeError);
  assert.throws(() => sum16(new Uint8Array(4), -1, 2), RangeError);
  assert.throws(() => simd.sum16(simd.arena(4), 0, 5, 0), RangeError);
});

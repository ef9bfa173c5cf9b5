import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findIp,
  linkTypeName,
  LinkInfo,
  LINK_IP,
  LINK_NOT_IP,
  LINK_TRUNCATED,
  LINK_UNSUPPORTED,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_NULL,
  LINKTYPE_LOOP,
  LINKTYPE_RAW,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  DLT_RAW,
  DLT_RAW_OPENBSD,
} from '../../src/io/index.js';
import { LINKTYPE_RAW as PCAP_LINKTYPE_RAW } from '../../src/io/pcap.js';
import { hex } from '../../testlib/assert.js';

const MACS = '02 00 00 00 00 01  02 00 00 00 00 02';
const IPV4 = '45 00 00 14 00 00 40 00 40 00 00 00 0a 00 00 01 0a 00 00 02';
const IPV6 = '60 00 00 00 00 00 3b 40';

/** findIp's status and what it filled in, with a LinkInfo that held junk before. */
function find(linkType: number, frame: Uint8Array, off?: number, len?: number) {
  const out = new LinkInfo();
  Object.assign(out, { off: 99, vlan: 99, proto: 99, direction: 'out' });
  const status = off === undefined ? findIp(linkType, frame, out) : findIp(linkType, frame, out, off, len);
  return { status, off: out.off, vlan: out.vlan, proto: out.proto, direction: out.direction };
}

test('link type numbers are the ones on tcpdump.org/linktypes.html, and raw is one binding with the pcap writer', () => {
  assert.deepEqual(
    [LINKTYPE_NULL, LINKTYPE_ETHERNET, DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW, LINKTYPE_LOOP, LINKTYPE_LINUX_SLL, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL2],
    [0, 1, 12, 14, 101, 108, 113, 228, 229, 276],
  );
  assert.equal(LINKTYPE_RAW, PCAP_LINKTYPE_RAW);
});

test('Ethernet: IPv4 and IPv6 start after the 14-octet header; no VLAN, no direction', () => {
  assert.deepEqual(find(LINKTYPE_ETHERNET, hex(`${MACS} 08 00 ${IPV4}`)), { status: LINK_IP, off: 14, vlan: -1, proto: 0x0800, direction: null });
  assert.deepEqual(find(LINKTYPE_ETHERNET, hex(`${MACS} 86 dd ${IPV6}`)), { status: LINK_IP, off: 14, vlan: -1, proto: 0x86dd, direction: null });
});

test('Ethernet with one 802.1Q tag, and with 802.1ad over 802.1Q (QinQ): the outermost VLAN id is reported', () => {
  assert.deepEqual(find(LINKTYPE_ETHERNET, hex(`${MACS} 81 00 20 64  08 00 ${IPV4}`)), { status: LINK_IP, off: 18, vlan: 100, proto: 0x0800, direction: null });
  assert.deepEqual(find(LINKTYPE_ETHERNET, hex(`${MACS} 88 a8 0f ff  81 00 00 07  86 dd ${IPV6}`)), { status: LINK_IP, off: 22, vlan: 4095, proto: 0x86dd, direction: null });
  assert.deepEqual(find(LINKTYPE_ETHERNET, hex(`${MACS} 91 00 00 0a  81 00 00 0b  81 00 00 0c  08 00 ${IPV4}`)).off, 26);
});

test('Ethernet carrying ARP, LLDP or an 802.3 length frame is not IP', () => {
  assert.deepEqual(find(LINKTYPE_ETHERNET, hex(`${MACS} 08 06 00 01 08 00 06 04 00 01`)), { status: LINK_NOT_IP, off: 14, vlan: -1, proto: 0x0806, direction: null });
  assert.equal(find(LINKTYPE_ETHERNET, hex(`${MACS} 81 00 00 05 88 cc 02 07`)).status, LINK_NOT_IP);
  assert.equal(find(LINKTYPE_ETHERNET, hex(`${MACS} 00 26 42 42 03`)).status, LINK_NOT_IP);
});

test('an Ethernet header or VLAN tag cut by the snap length is truncated; an empty IP payload is still IP (its own check says truncated)', () => {
  assert.equal(find(LINKTYPE_ETHERNET, hex('02 00 00 00 00 01 02 00 00 00 00 02 08')).status, LINK_TRUNCATED);
  assert.equal(find(LINKTYPE_ETHERNET, new Uint8Array(0)).status, LINK_TRUNCATED);
  assert.equal(find(LINKTYPE_ETHERNET, hex(`${MACS} 81 00 00 05 08`)).status, LINK_TRUNCATED);
  assert.deepEqual(find(LINKTYPE_ETHERNET, hex(`${MACS} 08 00`)), { status: LINK_IP, off: 14, vlan: -1, proto: 0x0800, direction: null });
});

test('a frame inside a larger buffer: off and len bound it, and out.off indexes the buffer', () => {
  const buf = hex(`ff ff ff ${MACS} 08 00 ${IPV4} ee ee`);
  assert.equal(find(LINKTYPE_ETHERNET, buf, 3, 14 + 20).off, 17);
  assert.equal(find(LINKTYPE_ETHERNET, buf, 3, 13).status, LINK_TRUNCATED);
});

test('Linux SLL: protocol at 14, packet type 4 is outgoing, 0..3 incoming, others unknown', () => {
  const sll = (type: string, proto: string) => hex(`${type} 00 01 00 06 02 00 00 00 00 01 00 00 ${proto} ${IPV4}`);
  assert.deepEqual(find(LINKTYPE_LINUX_SLL, sll('00 04', '08 00')), { status: LINK_IP, off: 16, vlan: -1, proto: 0x0800, direction: 'out' });
  for (const t of ['00 00', '00 01', '00 02', '00 03']) assert.equal(find(LINKTYPE_LINUX_SLL, sll(t, '86 dd')).direction, 'in');
  assert.equal(find(LINKTYPE_LINUX_SLL, sll('00 05', '08 00')).direction, null);
  assert.deepEqual(find(LINKTYPE_LINUX_SLL, sll('00 00', '08 06')).status, LINK_NOT_IP);
  // A VLAN tag the kernel did not strip follows the protocol field.
  assert.deepEqual(find(LINKTYPE_LINUX_SLL, hex(`00 00 00 01 00 06 02 00 00 00 00 01 00 00 81 00 00 2a 08 00 ${IPV4}`)).vlan, 42);
  assert.equal(find(LINKTYPE_LINUX_SLL, hex('00 04 00 01 00 06 02 00 00 00 00 01 00 00 08')).status, LINK_TRUNCATED);
});

test('Linux SLL2: protocol at 0, packet type at 10, IP after 20 octets', () => {
  const sll2 = hex(`86 dd 00 00 00 00 00 03 00 01 04 06 02 00 00 00 00 01 00 00 ${IPV6}`);
  assert.deepEqual(find(LINKTYPE_LINUX_SLL2, sll2), { status: LINK_IP, off: 20, vlan: -1, proto: 0x86dd, direction: 'out' });
  sll2[10] = 0;
  assert.equal(find(LINKTYPE_LINUX_SLL2, sll2).direction, 'in');
  assert.equal(find(LINKTYPE_LINUX_SLL2, sll2.subarray(0, 19)).status, LINK_TRUNCATED);
});

test('NULL: the family in either byte order (the writer\'s own); LOOP: network order only; every AF_INET6 value', () => {
  assert.deepEqual(find(LINKTYPE_NULL, hex(`02 00 00 00 ${IPV4}`)), { status: LINK_IP, off: 4, vlan: -1, proto: 2, direction: null });
  assert.deepEqual(find(LINKTYPE_NULL, hex(`00 00 00 02 ${IPV4}`)), { status: LINK_IP, off: 4, vlan: -1, proto: 2, direction: null });
  for (const af of [10, 24, 28, 30]) {
    assert.equal(find(LINKTYPE_NULL, hex(`${af.toString(16)} 00 00 00 ${IPV6}`)).status, LINK_IP, `AF ${af} little-endian`);
    assert.equal(find(LINKTYPE_LOOP, hex(`00 00 00 ${af.toString(16)} ${IPV6}`)).status, LINK_IP, `AF ${af} in LOOP`);
  }
  assert.equal(find(LINKTYPE_LOOP, hex(`02 00 00 00 ${IPV4}`)).status, LINK_NOT_IP);
  assert.equal(find(LINKTYPE_NULL, hex('07 00 00 00 00')).status, LINK_NOT_IP);
  assert.equal(find(LINKTYPE_NULL, hex('02 00 00')).status, LINK_TRUNCATED);
});

test('raw IP: version 4 or 6 by the nibble (also as DLT 12 and 14); LINKTYPE_IPV4/IPV6 take only their own', () => {
  for (const lt of [LINKTYPE_RAW, DLT_RAW, DLT_RAW_OPENBSD]) {
    assert.deepEqual(find(lt, hex(IPV4)), { status: LINK_IP, off: 0, vlan: -1, proto: 4, direction: null });
    assert.deepEqual(find(lt, hex(IPV6)), { status: LINK_IP, off: 0, vlan: -1, proto: 6, direction: null });
    assert.equal(find(lt, hex('50 00 00 00')).status, LINK_NOT_IP);
    assert.equal(find(lt, new Uint8Array(0)).status, LINK_TRUNCATED);
  }
  assert.equal(find(LINKTYPE_IPV4, hex(IPV4)).status, LINK_IP);
  assert.equal(find(LINKTYPE_IPV4, hex(IPV6)).status, LINK_NOT_IP);
  assert.equal(find(LINKTYPE_IPV6, hex(IPV6)).status, LINK_IP);
  assert.equal(find(LINKTYPE_IPV6, hex(IPV4)).status, LINK_NOT_IP);
});

test('a link type it does not know is unsupported, and named for the message', () => {
  assert.equal(find(127, hex(IPV4)).status, LINK_UNSUPPORTED);
  assert.equal(linkTypeName(1), 'LINKTYPE_ETHERNET (1)');
  assert.equal(linkTypeName(276), 'LINKTYPE_LINUX_SLL2 (276)');
  assert.equal(linkTypeName(12), 'DLT_RAW (12)');
  assert.equal(linkTypeName(127), 'LINKTYPE_IEEE802_11_RADIOTAP (127)');
  assert.equal(linkTypeName(4242), 'link type 4242');
});

test('findIp reads only inside the frame it is given: the same answer from a larger buffer as from an exact copy', () => {
  // 16-bit words that steer the decoders (VLAN TPIDs, EtherTypes, families, version nibbles), at
  // random (xorshift32, fixed seed): a frame inside a buffer of them, and the same frame alone.
  const steer = [0x8100, 0x88a8, 0x9100, 0x0800, 0x86dd, 0x0806, 0x0000, 0x0200, 0x0002, 0x4500, 0x6000, 0x1e00, 0x0004];
  let x = 0x2545f491;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const inBuf = new LinkInfo();
  const alone = new LinkInfo();
  for (const lt of [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 9999]) {
    for (let i = 0; i < 300; i++) {
      const buf = new Uint8Array(64);
      for (let k = 0; k < 64; k += 2) {
        const w = steer[next() % steer.length]!;
        buf[k] = w >>> 8;
        buf[k + 1] = w & 0xff;
      }
      const len = next() % 41;
      const a = findIp(lt, buf, inBuf, 8, len);
      const b = findIp(lt, buf.slice(8, 8 + len), alone);
      const what = `link type ${lt}, frame ${Buffer.from(buf.subarray(8, 8 + len)).toString('hex')}`;
      assert.deepEqual([a, inBuf.off - 8, inBuf.vlan, inBuf.proto, inBuf.direction], [b, alone.off, alone.vlan, alone.proto, alone.direction], what);
      if (a === LINK_IP) assert.ok(alone.off <= len, what);
    }
  }
});

/**
 * Open-addressing hash tables for prefix lookups on the hot path.
 *
 * Why hashing instead of a trie: a lookup must cost the same with one tenant as with 100 000,
 * and there are at most six RFC 6052 prefix lengths. One table per length present, keyed on the
 * prefix bits, gives at most six probes sequences of O(1) each, with keys compared as bytes in
 * place in the packet buffer: no strings, no allocation. Linear probing over typed arrays
 * keeps a table for 100 000 prefixes in a few contiguous megabytes.
 *
 * Tables are sized at build time for a load factor of at most 1/2 and grow by doubling if a
 * caller inserts more than it announced.
 */

function capacityFor(expected: number): number {
  let cap = 8;
  while (cap < expected * 2) cap *= 2;
  return cap;
}

/** Final avalanche of a 32-bit hash (the MurmurHash3 fmix32 constants). */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A map from the first `len` bits of an IPv6 address to a non-negative int32 value.
 *
 * @example
 *   const h = new PrefixHash6(64, 1);
 *   h.insert(prefixBytes, 0, 7);
 *   h.find(packet, 24) // 7 if the packet's destination starts with that /64, else -1
 */
export class PrefixHash6 {
  /** Prefix length in bits, 0..128. */
  readonly len: number;
  private readonly keyBytes: number;
  private readonly full: number;
  private readonly lastMask: number;
  private keys: Uint8Array;
  private vals: Int32Array;
  private mask: number;
  /** Number of keys stored. */
  size = 0;

  constructor(len: number, expected: number) {
    this.len = len;
    this.full = len >>> 3;
    this.keyBytes = (len + 7) >>> 3;
    this.lastMask = len & 7 ? (0xff << (8 - (len & 7))) & 0xff : 0xff;
    const cap = capacityFor(expected);
    this.keys = new Uint8Array(cap * this.keyBytes);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private hash(buf: Uint8Array, off: number): number {
    let h = 0x811c9dc5 ^ this.len;
    const full = this.full;
    for (let k = 0; k < full; k++) h = Math.imul(h ^ (buf[off + k] as number), 0x01000193);
    if (full < this.keyBytes) h = Math.imul(h ^ ((buf[off + full] as number) & this.lastMask), 0x01000193);
    return fmix(h);
  }

  private same(slot: number, buf: Uint8Array, off: number): boolean {
    const keys = this.keys;
    const base = slot * this.keyBytes;
    const full = this.full;
    for (let k = 0; k < full; k++) if (keys[base + k] !== buf[off + k]) return false;
    if (full < this.keyBytes) return keys[base + full] === ((buf[off + full] as number) & this.lastMask);
    return true;
  }

  /**
   * The value stored for the prefix that the address at `buf[off..off+16)` starts with, or -1.
   * Allocates nothing.
   */
  find(buf: Uint8Array, off: number): number {
    const vals = this.vals;
    let slot = this.hash(buf, off) & this.mask;
    for (;;) {
      const v = vals[slot] as number;
      if (v < 0) return -1;
      if (this.same(slot, buf, off)) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * Stores `value` (≥ 0) for the first `len` bits of `bytes[off..]` (later bits are ignored).
   *
   * @returns the value already stored for that key (nothing is changed then), or -1
   */
  insert(bytes: Uint8Array, off: number, value: number): number {
    if ((this.size + 1) * 2 > this.vals.length) this.grow();
    let slot = this.hash(bytes, off) & this.mask;
    for (;;) {
      const v = this.vals[slot] as number;
      if (v < 0) break;
      if (this.same(slot, bytes, off)) return v;
      slot = (slot + 1) & this.mask;
    }
    const base = slot * this.keyBytes;
    for (let k = 0; k < this.full; k++) this.keys[base + k] = bytes[off + k] as number;
    if (this.full < this.keyBytes) this.keys[base + this.full] = (bytes[off + this.full] as number) & this.lastMask;
    this.vals[slot] = value;
    this.size++;
    return -1;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const kb = this.keyBytes;
    const cap = oldVals.length * 2;
    this.keys = new Uint8Array(cap * kb);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.size = 0;
    // Keys are at most 16 bytes; a scratch 16-byte copy keeps hash()/same() reading whole addresses.
    const tmp = new Uint8Array(16);
    for (let s = 0; s < oldVals.length; s++) {
      const v = oldVals[s] as number;
      if (v < 0) continue;
      tmp.fill(0);
      tmp.set(oldKeys.subarray(s * kb, s * kb + kb));
      this.insert(tmp, 0, v);
    }
  }
}

/**
 * A map from (owner, IPv4 prefix of one fixed length) to a non-negative int32 value: the
 * per-tenant IPv4 side of the EAM table, all tenants in one array.
 */
export class PrefixHash4 {
  /** Prefix length in bits, 0..32. */
  readonly len: number;
  private readonly netmask: number;
  private keys: Uint32Array;
  private vals: Int32Array;
  private mask: number;
  /** Number of keys stored. */
  size = 0;

  constructor(len: number, expected: number) {
    this.len = len;
    this.netmask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    const cap = capacityFor(expected);
    this.keys = new Uint32Array(cap * 2);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private static hash(owner: number, net: number): number {
    return fmix(Math.imul(owner, 0x9e3779b1) ^ net);
  }

  /** The value stored for `owner` and the prefix containing `v4`, or -1. Allocates nothing. */
  find(owner: number, v4: number): number {
    const net = (v4 & this.netmask) >>> 0;
    let slot = PrefixHash4.hash(owner, net) & this.mask;
    for (;;) {
      const v = this.vals[slot] as number;
      if (v < 0) return -1;
      if (this.keys[2 * slot] === owner && this.keys[2 * slot + 1] === net) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores `value` (≥ 0); returns the value already there for that key, or -1. */
  insert(owner: number, v4: number, value: number): number {
    if ((this.size + 1) * 2 > this.vals.length) this.grow();
    const net = (v4 & this.netmask) >>> 0;
    let slot = PrefixHash4.hash(owner, net) & this.mask;
    for (;;) {
      const v = this.vals[slot] as number;
      if (v < 0) break;
      if (this.keys[2 * slot] === owner && this.keys[2 * slot + 1] === net) return v;
      slot = (slot + 1) & this.mask;
    }
    this.keys[2 * slot] = owner;
    this.keys[2 * slot + 1] = net;
    this.vals[slot] = value;
    this.size++;
    return -1;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldVals.length * 2;
    this.keys = new Uint32Array(cap * 2);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.size = 0;
    for (let s = 0; s < oldVals.length; s++) {
      const v = oldVals[s] as number;
      if (v >= 0) this.insert(oldKeys[2 * s] as number, oldKeys[2 * s + 1] as number, v);
    }
  }
}

/**
 * Hand-built capture files for the reader's tests: every field written explicitly, in the byte
 * order asked for, so a test can make the variants (and the damage) a real writer never would.
 * Layouts: pcap-savefile(5) and draft-ietf-opsawg-pcapng; src/io/capture.ts has the diagrams.
 * Kept out of test/, where node --test would run it as a test file.
 */
import { CaptureReader, type CaptureEnd, type CaptureInterface, type CaptureRecord } from '../src/io/capture.js';

/** Little-endian (true) or big-endian writer of one file part. */
class Writer {
  private readonly out: number[] = [];
  constructor(private readonly le: boolean) {}
  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.le ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.le ? this.u16(v & 0xffff).u16(v >>> 16) : this.u16(v >>> 16).u16(v & 0xffff);
  }
  /** A 64-bit integer in the writer's byte order (options such as if_tsoffset). */
  u64(v: bigint): this {
    const hi = Number(BigInt.asUintN(64, v) >> 32n);
    const lo = Number(BigInt.asUintN(32, v));
    return this.le ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  /** A packet timestamp: high 32-bit word first whatever the byte order (pcapng EPB and PB). */
  timestamp(v: bigint): this {
    return this.u32(Number(v >> 32n)).u32(Number(v & 0xffffffffn));
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.out.push(x);
    return this;
  }
  pad4(): this {
    while (this.out.length % 4 !== 0) this.out.push(0);
    return this;
  }
  get length(): number {
    return this.out.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface PcapRecordSpec {
  sec: number;
  /** Microseconds or nanoseconds, as the file's magic says. */
  frac: number;
  data: Uint8Array;
  /** Defaults to data.length. */
  origLen?: number;
}

export interface PcapSpec {
  le: boolean;
  nanos: boolean;
  /** The whole 32-bit link-type field (FCS bits included). */
  linkType: number;
  snapLen?: number;
  version?: [number, number];
}

/** A pcap file: 24-octet header, then 16-octet record headers and the bytes. */
export function pcapBytes(spec: PcapSpec, records: readonly PcapRecordSpec[]): Uint8Array {
  const w = new Writer(spec.le);
  const [major, minor] = spec.version ?? [2, 4];
  w.u32(spec.nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(major).u16(minor).u32(0).u32(0).u32(spec.snapLen ?? 65535).u32(spec.linkType);
  for (const r of records) w.u32(r.sec).u32(r.frac).u32(r.data.length).u32(r.origLen ?? r.data.length).bytes(r.data);
  return w.done();
}

/** One option: code, value (padded to 4 here). */
export type Option = [code: number, value: Uint8Array];

function options(w: Writer, opts: readonly Option[]): void {
  if (opts.length === 0) return;
  for (const [code, value] of opts) w.u16(code).u16(value.length).bytes(value).pad4();
  w.u16(0).u16(0); // opt_endofopt
}

/** A block of `type` around `body` (which this pads to 4): type, total length, body, total length. */
export function block(le: boolean, type: number, body: (w: Writer) => void): Uint8Array {
  const w = new Writer(le);
  body(w);
  w.pad4();
  const len = 12 + w.length;
  return new Writer(le).u32(type).u32(len).bytes(w.done()).u32(len).done();
}

export function shb(le: boolean, opts: { major?: number; minor?: number; options?: Option[] } = {}): Uint8Array {
  return block(le, 0x0a0d0d0a, (w) => {
    w.u32(0x1a2b3c4d).u16(opts.major ?? 1).u16(opts.minor ?? 0).u64(-1n);
    options(w, opts.options ?? []);
  });
}

export interface IdbSpec {
  linkType: number;
  snapLen?: number;
  name?: string;
  /** The if_tsresol octet (high bit: power of 2). */
  tsresol?: number;
  /** if_tsoffset, seconds. */
  tsoffset?: bigint;
}

export function idb(le: boolean, spec: IdbSpec): Uint8Array {
  return block(le, 1, (w) => {
    w.u16(spec.linkType).u16(0).u32(spec.snapLen ?? 0);
    const opts: Option[] = [];
    if (spec.name !== undefined) opts.push([2, new TextEncoder().encode(spec.name)]);
    if (spec.tsresol !== undefined) opts.push([9, Uint8Array.of(spec.tsresol)]);
    if (spec.tsoffset !== undefined) opts.push([14, new Writer(le).u64(spec.tsoffset).done()]);
    options(w, opts);
  });
}

/** epb_flags: 1 inbound, 2 outbound (bits 0-1). */
export function epb(le: boolean, iface: number, ts: bigint, data: Uint8Array, opts: { origLen?: number; flags?: number; capLen?: number } = {}): Uint8Array {
  return block(le, 6, (w) => {
    w.u32(iface).timestamp(ts).u32(opts.capLen ?? data.length).u32(opts.origLen ?? data.length).bytes(data).pad4();
    options(w, opts.flags === undefined ? [] : [[2, new Writer(le).u32(opts.flags).done()]]);
  });
}

/** The obsolete Packet Block (type 2): 16-bit interface id and drops count. */
export function pb(le: boolean, iface: number, ts: bigint, data: Uint8Array, flags?: number): Uint8Array {
  return block(le, 2, (w) => {
    w.u16(iface).u16(0).timestamp(ts).u32(data.length).u32(data.length).bytes(data).pad4();
    options(w, flags === undefined ? [] : [[2, new Writer(le).u32(flags).done()]]);
  });
}

export function spb(le: boolean, origLen: number, data: Uint8Array): Uint8Array {
  return block(le, 3, (w) => w.u32(origLen).bytes(data));
}

/** A record as plain data, to compare runs. */
export interface Seen {
  sec: number;
  nsec: number;
  iface: number;
  linkType: number;
  data: string;
  origLen: number;
  number: number;
  direction: 'in' | 'out' | null;
}

export function seen(r: CaptureRecord): Seen {
  return {
    sec: r.sec,
    nsec: r.nsec,
    iface: r.iface,
    linkType: r.linkType,
    data: Buffer.from(r.data).toString('hex'),
    origLen: r.origLen,
    number: r.number,
    direction: r.direction,
  };
}

export interface Run {
  records: Seen[];
  interfaces: CaptureInterface[];
  end: CaptureEnd;
  format: 'pcap' | 'pcapng' | null;
}

/** Reads `file` pushed as the pieces between `cuts` (sorted offsets), or whole. */
export function readSplit(file: Uint8Array, cuts: readonly number[] = []): Run {
  const records: Seen[] = [];
  const interfaces: CaptureInterface[] = [];
  const reader = new CaptureReader((r) => records.push(seen(r)), { onInterface: (i) => interfaces.push(i) });
  let at = 0;
  for (const c of [...cuts, file.length]) {
    // A copy per piece: the reader must not rely on the pieces sharing one ArrayBuffer.
    reader.push(file.slice(at, c));
    at = c;
  }
  return { records, interfaces, end: reader.end(), format: reader.format };
}

/** Offsets splitting `len` octets at random places (xorshift32 from `seed`, so failures repeat). */
export function randomCuts(len: number, seed: number, count: number): number[] {
  let x = seed >>> 0 || 1;
  const cuts = new Set<number>();
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    cuts.add((x >>> 0) % (len + 1));
  }
  return [...cuts].sort((a, b) => a - b);
}

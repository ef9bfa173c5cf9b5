/**
 * A streaming, push-based reader for capture files: classic pcap and pcapng.
 *
 * Formats:
 *  - pcap: https://www.tcpdump.org/manpages/pcap-savefile.5.html (and draft-ietf-opsawg-pcap).
 *    A 24-octet file header whose magic gives the byte order and the timestamp resolution
 *    (0xa1b2c3d4 microseconds, 0xa1b23c4d nanoseconds), version 2.4, then records of a 16-octet
 *    header and the captured octets. The low 16 bits of the header's link-type field are the link
 *    type; the upper bits carry FCS information and are masked off.
 *  - pcapng: draft-ietf-opsawg-pcapng ("PCAP Now Generic"). Blocks of type(4) total length(4)
 *    body total length(4), every length a multiple of 4. A Section Header Block (SHB) sets the byte
 *    order (byte-order magic 0x1a2b3c4d) and starts a section; Interface Description Blocks (IDB)
 *    number the interfaces within it, with options if_name (2), if_tsresol (9) and if_tsoffset
 *    (14); Enhanced Packet Blocks (EPB, type 6, option epb_flags 2 for the direction), Simple
 *    Packet Blocks (SPB, type 3) and the obsolete Packet Block (type 2) carry packets. Every other
 *    block (name resolution, statistics, decryption secrets, custom) is skipped by its length.
 *  - Link types: https://www.tcpdump.org/linktypes.html; the reader only reports them, src/io/link.ts
 *    finds the IP header behind them.
 *
 * Design (the consumer is `xlat464 pcap FILE`: a million records a second, a gigabyte in constant
 * memory): the caller pushes chunks of any size split anywhere, and the reader calls back once
 * per record with one reused {@link CaptureRecord}. A record that lies wholly in the chunk is
 * handed out where it lies; only a record that straddles chunks is gathered in a growable tail
 * buffer, which never holds more than that one record. The per-record path allocates nothing:
 * no objects, no closures, no copies; the `data` view is made only if the consumer asks for it
 * (`buf`/`off`/`capLen` reach the same octets without one).
 */
import { XlatError } from '../errors.js';

/** The error code of every fatal format error this reader throws. */
export const ERR_CAPTURE_FORMAT = 'ERR_XLAT_CAPTURE_FORMAT';

/** The longest record or block accepted, octets (256 MiB): anything longer is a damaged file. */
export const CAPTURE_MAX_RECORD_LEN = 256 * 1024 * 1024;

/** One capture interface: the pcap file itself, or one pcapng IDB. */
export interface CaptureInterface {
  /** Position among the section's Interface Description Blocks (the id packets refer to); 0 for pcap. */
  readonly index: number;
  /** The LINKTYPE_* value (see src/io/link.ts). */
  readonly linkType: number;
  /** The pcapng if_name option, or null. */
  readonly name: string | null;
  /** The snapshot length in octets (0: no limit, as pcapng writes it). */
  readonly snapLen: number;
}

/**
 * One record. The SAME object is reused for every packet, and `data`/`buf` are only valid during
 * the callback: copy what must outlive it.
 */
export interface CaptureRecord {
  /** Whole seconds since the epoch (1970-01-01T00:00:00Z); 0 for a pcapng Simple Packet Block, which has no time. */
  readonly sec: number;
  /** Nanoseconds within the second (0..999999999), whatever the file's resolution. */
  readonly nsec: number;
  /** Interface index (pcapng IDB order within the current section; 0 for pcap). */
  readonly iface: number;
  /** The interface's LINKTYPE_* value. */
  readonly linkType: number;
  /** The captured octets: a subarray view (no copy), made on first access within the callback. */
  readonly data: Uint8Array;
  /** The buffer holding the captured octets at `off`..`off + capLen`: the pushed chunk, or the reader's tail buffer. */
  readonly buf: Uint8Array;
  /** Index of the first captured octet in `buf`. */
  readonly off: number;
  /** Captured octets (`data.length`). */
  readonly capLen: number;
  /** Length on the wire in octets, as the file says (more than `capLen` when the snap length cut it). */
  readonly origLen: number;
  /** 1-based record number over the whole input (all sections). */
  readonly number: number;
  /** 'in' | 'out' when the capture says (pcapng epb_flags/pack_flags direction bits), else null. */
  readonly direction: 'in' | 'out' | null;
}

/** Callbacks besides the one per record. */
export interface CaptureReaderOptions {
  /** Called for the pcap file header and for each pcapng IDB, before the records that use it. */
  onInterface?: (i: CaptureInterface) => void;
}

/** Why the input ended early. */
export type CaptureTruncation =
  | 'empty file'
  | 'truncated file header'
  | 'truncated record header'
  | 'truncated record'
  | 'truncated block header'
  | 'truncated block';

/** What {@link CaptureReader.end} found at the end of the input. */
export interface CaptureEnd {
  /** True when the input ended on a record or block boundary after a complete file header. */
  complete: boolean;
  /** Why not complete. */
  reason?: CaptureTruncation;
  /** File offset (octets) of the unfinished file header, record or block. */
  offset?: number;
}

/** What {@link readCapture} resolves with. */
export interface CaptureSummary extends CaptureEnd {
  format: 'pcap' | 'pcapng' | null;
  /** Records delivered. */
  packets: number;
}

/*
 * pcap file header (pcap-savefile(5)), 24 octets:
 *   0 magic | 4 major(2) 6 minor(2) | 8 reserved1 (thiszone) | 12 reserved2 (sigfigs)
 *   16 snaplen | 20 link type (low 16 bits) and FCS information (upper bits)
 */
const PCAP_FILE_HEADER_LEN = 24;
const PCAP_VERSION_MAJOR = 4;
const PCAP_VERSION_MINOR = 6;
const PCAP_SNAPLEN = 16;
const PCAP_LINKTYPE = 20;
const PCAP_LINKTYPE_MASK = 0xffff;
const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_USEC_SWAPPED = 0xd4c3b2a1;
const MAGIC_NSEC = 0xa1b23c4d;
const MAGIC_NSEC_SWAPPED = 0x4d3cb2a1;
/*
 * pcap record header, 16 octets:
 *   0 seconds | 4 microseconds or nanoseconds | 8 captured length | 12 original length
 */
const PCAP_RECORD_HEADER_LEN = 16;
const REC_TS_SEC = 0;
const REC_TS_FRAC = 4;
const REC_INCL_LEN = 8;
const REC_ORIG_LEN = 12;

/*
 * pcapng block: 0 type | 4 total length | 8 body ... | total length (again, at the end)
 */
const BLOCK_TYPE = 0;
const BLOCK_LEN = 4;
const BLOCK_HEADER_LEN = 8;
const BLOCK_TRAILER_LEN = 4;
const BLOCK_MIN_LEN = 12;

/** Section Header Block: 8 byte-order magic | 12 major(2) 14 minor(2) | 16 section length(8) | 24 options. */
const BT_SHB = 0x0a0d0d0a;
const SHB_BYTE_ORDER = 8;
const SHB_MAJOR = 12;
const SHB_MINOR = 14;
const SHB_MIN_LEN = 28;
const SHB_HEADER_LEN = 12; // what must be there to read the length: type, length, byte-order magic
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
const PCAPNG_VERSION_MAJOR = 1;

/** Interface Description Block: 8 link type(2) | 10 reserved(2) | 12 snaplen | 16 options. */
const BT_IDB = 1;
const IDB_LINKTYPE = 8;
const IDB_SNAPLEN = 12;
const IDB_OPTIONS = 16;
const IDB_MIN_LEN = 20;

/**
 * Enhanced Packet Block: 8 interface id | 12 timestamp (high) | 16 timestamp (low) |
 * 20 captured length | 24 original length | 28 data, padded to 4 | options.
 * The obsolete Packet Block has the same layout with a 16-bit interface id and a 16-bit drops count.
 */
const BT_EPB = 6;
const BT_PB = 2;
const EPB_IFACE = 8;
const EPB_TS_HIGH = 12;
const EPB_TS_LOW = 16;
const EPB_CAPLEN = 20;
const EPB_ORIGLEN = 24;
const EPB_DATA = 28;
const EPB_MIN_LEN = 32;

/** Simple Packet Block: 8 original length | 12 data, padded to 4 (no options). */
const BT_SPB = 3;
const SPB_ORIGLEN = 8;
const SPB_DATA = 12;
const SPB_MIN_LEN = 16;

/** Options: code(2) length(2) value, padded to 4. */
const OPT_HEADER_LEN = 4;
const OPT_ENDOFOPT = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const EPB_FLAGS = 2; // pack_flags in the obsolete Packet Block: same code, same bits
const FLAGS_DIRECTION_MASK = 0x3;
const FLAGS_INBOUND = 1;
const FLAGS_OUTBOUND = 2;
/** if_tsresol: the high bit chooses a power of 2, else a power of 10; the rest is the exponent. */
const TSRESOL_BINARY = 0x80;
const TSRESOL_DEFAULT = 6;

const BLOCK_NAMES: ReadonlyMap<number, string> = new Map([
  [BT_SHB, 'Section Header Block'],
  [BT_IDB, 'Interface Description Block'],
  [BT_PB, 'Packet Block'],
  [BT_SPB, 'Simple Packet Block'],
  [BT_EPB, 'Enhanced Packet Block'],
]);

const MIN_LENS: ReadonlyMap<number, number> = new Map([
  [BT_SHB, SHB_MIN_LEN],
  [BT_IDB, IDB_MIN_LEN],
  [BT_PB, EPB_MIN_LEN],
  [BT_SPB, SPB_MIN_LEN],
  [BT_EPB, EPB_MIN_LEN],
]);

/** What the reader expects next. */
const ST_MAGIC = 0;
const ST_PCAP_HEADER = 1;
const ST_PCAP = 2;
const ST_PCAPNG = 3;

/** Timestamp conversions, per pcapng interface. */
const TS_DECIMAL = 0;
const TS_BINARY = 1;
/** Resolutions finer than 10^-20 s or 2^-63 s: every 64-bit count is under a second; float math, within 1 ns. */
const TS_TINY = 2;

const TAIL_INITIAL = 64 * 1024;
/** A tail grown past this for one big record is dropped afterwards, so memory goes back to constant. */
const TAIL_KEEP = 1024 * 1024;
const TWO_32 = 4294967296;
/** 10^9 = 5^9 * 2^9: nanoseconds from a binary fraction stay exact in doubles when multiplied by 5^9 alone. */
const FIVE_9 = 1953125;
/** Divisors up to 2^21 divide a (< 2^21 remainder, 32-bit word) pair in one double step. */
const ONE_STEP_DIVISOR = 2 ** 21;
/** Divisors up to 2^37 keep every 16-bit long-division step under 2^53. */
const MAX_EXACT_DIVISOR = 2 ** 37;

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8');

function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function rd16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}
function rd32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
    : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function hex32(v: number): string {
  return '0x' + v.toString(16).padStart(8, '0');
}
function formatError(detail: string): XlatError {
  return new XlatError(ERR_CAPTURE_FORMAT, detail);
}

/** The one record object a reader hands out. */
class ReusedRecord implements CaptureRecord {
  sec = 0;
  nsec = 0;
  iface = 0;
  linkType = 0;
  buf: Uint8Array = EMPTY;
  off = 0;
  capLen = 0;
  origLen = 0;
  number = 0;
  direction: 'in' | 'out' | null = null;
  /** The view made by `data` for the current record, or null. */
  view: Uint8Array | null = null;

  get data(): Uint8Array {
    let v = this.view;
    if (v === null) v = this.view = this.buf.subarray(this.off, this.off + this.capLen);
    return v;
  }
}

/** A pcapng interface with its timestamp conversion worked out once. */
class Iface {
  readonly info: CaptureInterface;
  /** TS_DECIMAL, TS_BINARY or TS_TINY. */
  readonly tsMode: number;
  /** Decimal: divide the count by this first (10^(d-9) when d > 9, else 1) to get at most nanoseconds. */
  readonly tsPre: number;
  /** Decimal: units per second after tsPre (10^d, or 10^9 when d > 9). */
  readonly tsUnit: number;
  /** Decimal: nanoseconds per remaining unit (10^(9-d), or 1). */
  readonly tsMul: number;
  /** Binary: the exponent b (units are 2^-b s). */
  readonly tsBits: number;
  /** Tiny: nanoseconds per unit, as a double. */
  readonly tsNsPerUnit: number;
  /** if_tsoffset: seconds added to every timestamp. */
  readonly tsOffset: number;

  constructor(info: CaptureInterface, tsresol: number, tsOffset: number) {
    this.info = info;
    this.tsOffset = tsOffset;
    const e = tsresol & ~TSRESOL_BINARY;
    this.tsPre = 1;
    this.tsUnit = 1;
    this.tsMul = 1;
    this.tsBits = 0;
    this.tsNsPerUnit = 0;
    if (tsresol & TSRESOL_BINARY) {
      if (e <= 63) {
        this.tsMode = TS_BINARY;
        this.tsBits = e;
      } else {
        this.tsMode = TS_TINY;
        this.tsNsPerUnit = 1e9 / 2 ** e;
      }
    } else if (e <= 9) {
      this.tsMode = TS_DECIMAL;
      this.tsUnit = 10 ** e;
      this.tsMul = 10 ** (9 - e);
    } else if (10 ** (e - 9) <= MAX_EXACT_DIVISOR) {
      this.tsMode = TS_DECIMAL;
      this.tsPre = 10 ** (e - 9);
      this.tsUnit = 1e9;
    } else {
      this.tsMode = TS_TINY;
      this.tsNsPerUnit = 10 ** (9 - e);
    }
  }
}

/**
 * Reads a pcap or pcapng file pushed to it in chunks, calling `onRecord` for every packet.
 *
 * Fatal format errors throw an {@link XlatError} with code `ERR_XLAT_CAPTURE_FORMAT` (the records
 * before it have been delivered); after a throw, from the reader or from a callback, the reader
 * must not be used again. Truncation is not an error: {@link end} reports it.
 *
 * @example
 *   const reader = new CaptureReader((r) => { total += r.capLen; });
 *   for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) reader.push(chunk);
 *   const { complete, reason, offset } = reader.end();
 */
export class CaptureReader {
  private readonly onRecord: (r: CaptureRecord) => void;
  private readonly onInterface: ((i: CaptureInterface) => void) | null;
  private readonly rec = new ReusedRecord();
  private state = ST_MAGIC;
  private fmt: 'pcap' | 'pcapng' | null = null;
  /** The byte order of the pcap file or of the current pcapng section. */
  private le = false;
  /** pcap: the magic said nanoseconds. */
  private nanos = false;
  private pcapLinkType = 0;
  private ifaces: Iface[] = [];
  private infos: CaptureInterface[] = [];
  /** The unfinished unit (file header, record or block) carried over from the previous chunk. */
  private tail = new Uint8Array(TAIL_INITIAL);
  private tailLen = 0;
  /** File offset of the next unit (the one in the tail, when there is one). */
  private at = 0;
  private seen = 0;
  private count = 0;
  // div64's results (fields, not a returned object, so nothing is allocated).
  private qHi = 0;
  private qLo = 0;
  private rem = 0;

  /**
   * @param onRecord called once per record, with the same object every time (see {@link CaptureRecord})
   * @param options `onInterface`, called for every interface as it is described
   */
  constructor(onRecord: (r: CaptureRecord) => void, options?: CaptureReaderOptions) {
    this.onRecord = onRecord;
    this.onInterface = options?.onInterface ?? null;
  }

  /** 'pcap' or 'pcapng' once the magic has been read, else null. */
  get format(): 'pcap' | 'pcapng' | null {
    return this.fmt;
  }

  /** The interfaces of the pcap file, or of the current pcapng section (a new section starts a new list). */
  get interfaces(): readonly CaptureInterface[] {
    return this.infos;
  }

  /** Records delivered so far. */
  get packets(): number {
    return this.count;
  }

  /**
   * Feeds the next chunk of the file: any size, split at any octet. Records complete in it are
   * delivered before push returns. The chunk is not kept, except for an unfinished record at its
   * end, which is copied.
   *
   * @throws XlatError `ERR_XLAT_CAPTURE_FORMAT`: not a pcap or pcapng file, an unsupported
   *   version, a block length that is not a multiple of 4 or below its type's minimum, a packet
   *   that does not fit in its block, a record or block over {@link CAPTURE_MAX_RECORD_LEN}, a
   *   packet for an interface no IDB described, or a block whose two lengths differ.
   */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    this.seen += n;
    let pos = 0;
    if (this.tailLen > 0) {
      pos = this.finishTail(chunk);
      if (pos < 0) return;
    }
    for (;;) {
      const avail = n - pos;
      const want = this.need(chunk, pos, avail);
      if (want < 0 || want > avail) {
        if (avail > 0) this.append(chunk, pos, avail);
        return;
      }
      this.unit(chunk, pos, want);
      pos += want;
      this.at += want;
    }
  }

  /**
   * The end of the input. Never throws: a file cut short delivers every whole record and reports
   * where it was cut.
   *
   * @returns `{ complete: true }`, or `{ complete: false, reason, offset }` with the file offset
   *   of the unfinished unit ('empty file' at offset 0 when nothing was pushed)
   */
  end(): CaptureEnd {
    if (this.tailLen === 0) {
      if (this.seen === 0) return { complete: false, reason: 'empty file', offset: 0 };
      return { complete: true };
    }
    let reason: CaptureTruncation;
    const headerDone = this.need(this.tail, 0, this.tailLen) > 0;
    switch (this.state) {
      case ST_PCAP:
        reason = headerDone ? 'truncated record' : 'truncated record header';
        break;
      case ST_PCAPNG:
        reason = headerDone ? 'truncated block' : 'truncated block header';
        break;
      default:
        reason = 'truncated file header';
    }
    return { complete: false, reason, offset: this.at };
  }

  /**
   * Completes the unit in the tail from the start of `chunk` and processes it.
   * @returns where the rest of `chunk` starts, or -1 when the chunk was used up without completing it
   */
  private finishTail(chunk: Uint8Array): number {
    let pos = 0;
    for (;;) {
      const want = this.need(this.tail, 0, this.tailLen);
      if (want > 0 && this.tailLen >= want) {
        this.unit(this.tail, 0, want);
        this.at += want;
        this.tailLen = 0;
        if (this.tail.length > TAIL_KEEP) this.tail = new Uint8Array(TAIL_INITIAL);
        return pos;
      }
      const target = want < 0 ? -want : want;
      const take = Math.min(target - this.tailLen, chunk.length - pos);
      this.append(chunk, pos, take);
      pos += take;
      if (this.tailLen < target) return -1;
    }
  }

  /** Appends chunk[pos, pos+len) to the tail, growing it by doubling. */
  private append(chunk: Uint8Array, pos: number, len: number): void {
    const need = this.tailLen + len;
    if (need > this.tail.length) {
      let cap = this.tail.length * 2;
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.tail.subarray(0, this.tailLen));
      this.tail = grown;
    }
    this.tail.set(chunk.subarray(pos, pos + len), this.tailLen);
    this.tailLen = need;
  }

  /**
   * The length in octets of the unit starting at b[o] when `avail` octets are there, or minus the
   * number of octets needed to tell. Validates lengths, so a damaged length throws before anything
   * is buffered for it.
   */
  private need(b: Uint8Array, o: number, avail: number): number {
    switch (this.state) {
      case ST_PCAP: {
        if (avail < PCAP_RECORD_HEADER_LEN) return -PCAP_RECORD_HEADER_LEN;
        const incl = rd32(b, o + REC_INCL_LEN, this.le);
        if (incl > CAPTURE_MAX_RECORD_LEN) {
          throw formatError(`pcap record ${this.count + 1} at offset ${this.at}: captured length ${incl} is over the ${CAPTURE_MAX_RECORD_LEN}-octet limit`);
        }
        return PCAP_RECORD_HEADER_LEN + incl;
      }
      case ST_PCAPNG:
        return this.blockLen(b, o, avail);
      case ST_PCAP_HEADER:
        return PCAP_FILE_HEADER_LEN;
      default: {
        if (avail < 4) return -4;
        const magic = be32(b, o);
        switch (magic) {
          case MAGIC_USEC:
          case MAGIC_USEC_SWAPPED:
          case MAGIC_NSEC:
          case MAGIC_NSEC_SWAPPED:
            this.le = magic === MAGIC_USEC_SWAPPED || magic === MAGIC_NSEC_SWAPPED;
            this.nanos = magic === MAGIC_NSEC || magic === MAGIC_NSEC_SWAPPED;
            this.fmt = 'pcap';
            this.state = ST_PCAP_HEADER;
            return PCAP_FILE_HEADER_LEN;
          case BT_SHB:
            this.fmt = 'pcapng';
            this.state = ST_PCAPNG;
            return this.blockLen(b, o, avail);
          default:
            throw formatError(`not a pcap or pcapng file (first octets ${hex32(magic)})`);
        }
      }
    }
  }

  /** need() for a pcapng block. */
  private blockLen(b: Uint8Array, o: number, avail: number): number {
    if (avail < BLOCK_HEADER_LEN) return -BLOCK_HEADER_LEN;
    // The SHB's type reads the same in both byte orders; its own length is in the order it declares.
    let le = this.le;
    const type = rd32(b, o + BLOCK_TYPE, le);
    if (type === BT_SHB) {
      if (avail < SHB_HEADER_LEN) return -SHB_HEADER_LEN;
      le = this.sectionOrder(b, o);
    }
    const len = rd32(b, o + BLOCK_LEN, le);
    if (len % 4 !== 0) throw formatError(`pcapng ${blockName(type)} at offset ${this.at}: total length ${len} is not a multiple of 4`);
    const min = MIN_LENS.get(type) ?? BLOCK_MIN_LEN;
    if (len < min) throw formatError(`pcapng ${blockName(type)} at offset ${this.at}: total length ${len} is less than its minimum, ${min}`);
    if (len > CAPTURE_MAX_RECORD_LEN) {
      throw formatError(`pcapng ${blockName(type)} at offset ${this.at}: total length ${len} is over the ${CAPTURE_MAX_RECORD_LEN}-octet limit`);
    }
    return len;
  }

  /** The byte order a Section Header Block at b[o] declares (true: little-endian). */
  private sectionOrder(b: Uint8Array, o: number): boolean {
    const bom = be32(b, o + SHB_BYTE_ORDER);
    if (bom === BYTE_ORDER_MAGIC) return false;
    if (bom === BYTE_ORDER_MAGIC_SWAPPED) return true;
    throw formatError(`pcapng Section Header Block at offset ${this.at}: byte-order magic ${hex32(bom)} is neither 0x1a2b3c4d nor its byte swap`);
  }

  /** Processes one complete unit of `len` octets at b[o]. */
  private unit(b: Uint8Array, o: number, len: number): void {
    switch (this.state) {
      case ST_PCAP:
        this.pcapRecord(b, o, len);
        return;
      case ST_PCAPNG:
        this.block(b, o, len);
        return;
      default:
        this.pcapHeader(b, o);
    }
  }

  private pcapHeader(b: Uint8Array, o: number): void {
    const le = this.le;
    const major = rd16(b, o + PCAP_VERSION_MAJOR, le);
    const minor = rd16(b, o + PCAP_VERSION_MINOR, le);
    if (major !== 2 || minor !== 4) throw formatError(`unsupported pcap version ${major}.${minor} (this reader reads 2.4)`);
    this.pcapLinkType = rd32(b, o + PCAP_LINKTYPE, le) & PCAP_LINKTYPE_MASK;
    this.state = ST_PCAP;
    this.addInterface({ index: 0, linkType: this.pcapLinkType, name: null, snapLen: rd32(b, o + PCAP_SNAPLEN, le) }, TSRESOL_DEFAULT, 0);
  }

  private pcapRecord(b: Uint8Array, o: number, len: number): void {
    const le = this.le;
    const rec = this.rec;
    let sec = rd32(b, o + REC_TS_SEC, le);
    let frac = rd32(b, o + REC_TS_FRAC, le);
    // A fraction of a second or more is a writer's bug; carry it rather than report nsec >= 1e9.
    if (this.nanos) {
      if (frac >= 1e9) {
        sec += Math.floor(frac / 1e9);
        frac %= 1e9;
      }
      rec.nsec = frac;
    } else {
      if (frac >= 1e6) {
        sec += Math.floor(frac / 1e6);
        frac %= 1e6;
      }
      rec.nsec = frac * 1000;
    }
    rec.sec = sec;
    rec.iface = 0;
    rec.linkType = this.pcapLinkType;
    rec.buf = b;
    rec.off = o + PCAP_RECORD_HEADER_LEN;
    rec.capLen = len - PCAP_RECORD_HEADER_LEN;
    rec.origLen = rd32(b, o + REC_ORIG_LEN, le);
    rec.number = ++this.count;
    rec.direction = null;
    rec.view = null;
    this.onRecord(rec);
  }

  private block(b: Uint8Array, o: number, len: number): void {
    const type = rd32(b, o + BLOCK_TYPE, this.le);
    if (type === BT_SHB) this.le = this.sectionOrder(b, o);
    const trailer = rd32(b, o + len - BLOCK_TRAILER_LEN, this.le);
    if (trailer !== len) {
      throw formatError(`pcapng ${blockName(type)} at offset ${this.at}: total length ${trailer} at its end differs from ${len} at its start`);
    }
    switch (type) {
      case BT_EPB:
        this.packetBlock(b, o, len, rd32(b, o + EPB_IFACE, this.le), 'Enhanced Packet Block');
        return;
      case BT_SPB:
        this.simplePacket(b, o, len);
        return;
      case BT_PB:
        this.packetBlock(b, o, len, rd16(b, o + EPB_IFACE, this.le), 'Packet Block');
        return;
      case BT_IDB:
        this.interfaceBlock(b, o, len);
        return;
      case BT_SHB:
        this.section(b, o);
        return;
      default:
      // Name resolution, interface statistics, decryption secrets, custom and unknown blocks:
      // nothing a packet reader needs.
    }
  }

  private section(b: Uint8Array, o: number): void {
    const major = rd16(b, o + SHB_MAJOR, this.le);
    const minor = rd16(b, o + SHB_MINOR, this.le);
    // draft-ietf-opsawg-pcapng: a reader must not read a major version it does not know; minor
    // versions stay readable.
    if (major !== PCAPNG_VERSION_MAJOR) throw formatError(`pcapng Section Header Block at offset ${this.at}: unsupported version ${major}.${minor} (this reader reads 1.x)`);
    // Interface ids count from 0 again in every section; a new list, so one the caller kept stays as it was.
    this.ifaces = [];
    this.infos = [];
  }

  private interfaceBlock(b: Uint8Array, o: number, len: number): void {
    const le = this.le;
    let name: string | null = null;
    let tsresol = TSRESOL_DEFAULT;
    let tsOffset = 0;
    const end = o + len - BLOCK_TRAILER_LEN;
    for (let p = o + IDB_OPTIONS; p + OPT_HEADER_LEN <= end; ) {
      const code = rd16(b, p, le);
      const olen = rd16(b, p + 2, le);
      const v = p + OPT_HEADER_LEN;
      // An option that overruns its block ends the list; the interface itself is still good.
      if (code === OPT_ENDOFOPT || v + olen > end) break;
      if (code === IF_NAME) name = utf8.decode(b.subarray(v, v + olen)).replace(/\0+$/, '');
      else if (code === IF_TSRESOL && olen >= 1) tsresol = b[v]!;
      else if (code === IF_TSOFFSET && olen === 8) {
        // A signed 64-bit count of seconds; anything plausible fits a double exactly.
        const hi = rd32(b, le ? v + 4 : v, le) | 0;
        const lo = rd32(b, le ? v : v + 4, le);
        tsOffset = hi * TWO_32 + lo;
      }
      p = v + ((olen + 3) & ~3);
    }
    const info: CaptureInterface = { index: this.infos.length, linkType: rd16(b, o + IDB_LINKTYPE, le), name, snapLen: rd32(b, o + IDB_SNAPLEN, le) };
    this.addInterface(info, tsresol, tsOffset);
  }

  private addInterface(info: CaptureInterface, tsresol: number, tsOffset: number): void {
    this.ifaces.push(new Iface(info, tsresol, tsOffset));
    this.infos.push(info);
    this.onInterface?.(info);
  }

  /** An Enhanced Packet Block, or the obsolete Packet Block (same layout past the interface id). */
  private packetBlock(b: Uint8Array, o: number, len: number, id: number, what: string): void {
    const le = this.le;
    if (id >= this.ifaces.length) {
      throw formatError(`pcapng ${what} at offset ${this.at}: interface id ${id} has no Interface Description Block in this section (${this.ifaces.length} described)`);
    }
    const it = this.ifaces[id]!;
    const capLen = rd32(b, o + EPB_CAPLEN, le);
    if (capLen > len - EPB_MIN_LEN) {
      throw formatError(`pcapng ${what} at offset ${this.at}: captured length ${capLen} does not fit in its block of ${len} octets`);
    }
    const rec = this.rec;
    this.setTime(it, rd32(b, o + EPB_TS_HIGH, le), rd32(b, o + EPB_TS_LOW, le));
    rec.iface = id;
    rec.linkType = it.info.linkType;
    rec.buf = b;
    rec.off = o + EPB_DATA;
    rec.capLen = capLen;
    rec.origLen = rd32(b, o + EPB_ORIGLEN, le);
    rec.number = ++this.count;
    const opts = o + EPB_DATA + ((capLen + 3) & ~3);
    const end = o + len - BLOCK_TRAILER_LEN;
    rec.direction = opts < end ? this.direction(b, opts, end) : null;
    rec.view = null;
    this.onRecord(rec);
  }

  private simplePacket(b: Uint8Array, o: number, len: number): void {
    if (this.ifaces.length === 0) {
      throw formatError(`pcapng Simple Packet Block at offset ${this.at}: interface id 0 has no Interface Description Block in this section (0 described)`);
    }
    const it = this.ifaces[0]!;
    const rec = this.rec;
    const origLen = rd32(b, o + SPB_ORIGLEN, this.le);
    // The draft: captured length = min(original length, snap length, what the block holds).
    let capLen = len - SPB_MIN_LEN;
    if (origLen < capLen) capLen = origLen;
    if (it.info.snapLen !== 0 && it.info.snapLen < capLen) capLen = it.info.snapLen;
    rec.sec = 0;
    rec.nsec = 0;
    rec.iface = 0;
    rec.linkType = it.info.linkType;
    rec.buf = b;
    rec.off = o + SPB_DATA;
    rec.capLen = capLen;
    rec.origLen = origLen;
    rec.number = ++this.count;
    rec.direction = null;
    rec.view = null;
    this.onRecord(rec);
  }

  /** The direction bits of an epb_flags/pack_flags option among the options in b[p, end). */
  private direction(b: Uint8Array, p: number, end: number): 'in' | 'out' | null {
    const le = this.le;
    while (p + OPT_HEADER_LEN <= end) {
      const code = rd16(b, p, le);
      const olen = rd16(b, p + 2, le);
      const v = p + OPT_HEADER_LEN;
      if (code === OPT_ENDOFOPT || v + olen > end) break;
      if (code === EPB_FLAGS && olen === 4) {
        const dir = rd32(b, v, le) & FLAGS_DIRECTION_MASK;
        return dir === FLAGS_INBOUND ? 'in' : dir === FLAGS_OUTBOUND ? 'out' : null;
      }
      p = v + ((olen + 3) & ~3);
    }
    return null;
  }

  /**
   * rec.sec/nsec from a 64-bit count of the interface's units, hi·2^32 + lo. The count is never
   * formed as one double (it can pass 2^53): the division works on 32- and 16-bit pieces.
   */
  private setTime(it: Iface, hi: number, lo: number): void {
    const rec = this.rec;
    switch (it.tsMode) {
      case TS_DECIMAL:
        if (hi < ONE_STEP_DIVISOR && it.tsPre === 1) {
          // The common case (microseconds until the year 2255): the count is under 2^53, exact
          // as one double, so one division does it.
          rec.sec = this.divStep(hi * TWO_32 + lo, it.tsUnit) + it.tsOffset;
          rec.nsec = this.rem * it.tsMul;
          return;
        }
        if (it.tsPre !== 1) {
          this.div64(hi, lo, it.tsPre);
          hi = this.qHi;
          lo = this.qLo;
        }
        this.div64(hi, lo, it.tsUnit);
        rec.sec = this.qHi * TWO_32 + this.qLo + it.tsOffset;
        rec.nsec = this.rem * it.tsMul;
        return;
      case TS_BINARY: {
        // Units of 2^-b s: the seconds are the count shifted right by b, the fraction the low b bits.
        const bits = it.tsBits;
        let fracHi = 0;
        let fracLo: number;
        if (bits < 32) {
          rec.sec = hi * 2 ** (32 - bits) + (lo >>> bits) + it.tsOffset;
          fracLo = (lo & ((1 << bits) - 1)) >>> 0;
        } else if (bits === 32) {
          rec.sec = hi + it.tsOffset;
          fracLo = lo;
        } else {
          rec.sec = (hi >>> (bits - 32)) + it.tsOffset;
          fracHi = (hi & ((1 << (bits - 32)) - 1)) >>> 0;
          fracLo = lo;
        }
        // nsec = floor(frac · 10^9 / 2^b) = floor(frac · 5^9 / 2^(b-9)). frac·5^9 is spread over
        // (a·2^32 + l) with both parts exact in a double (fracHi < 2^31, 5^9 < 2^21).
        const loTimes = fracLo * FIVE_9;
        const carry = Math.floor(loTimes / TWO_32);
        const l = loTimes - carry * TWO_32;
        const a = fracHi * FIVE_9 + carry;
        const shift = bits - 9;
        if (shift <= 0) rec.nsec = (a * TWO_32 + l) * 2 ** -shift;
        else if (shift >= 32) rec.nsec = Math.floor(a / 2 ** (shift - 32));
        else rec.nsec = a * 2 ** (32 - shift) + Math.floor(l / 2 ** shift);
        return;
      }
      default: {
        // Every 64-bit count is under a second at this resolution.
        const ns = Math.floor((hi * TWO_32 + lo) * it.tsNsPerUnit);
        rec.sec = it.tsOffset;
        rec.nsec = ns > 999_999_999 ? 999_999_999 : ns;
      }
    }
  }

  /**
   * Long division of hi·2^32 + lo by d (an integer, 1 <= d <= 2^37) into qHi·2^32 + qLo and rem.
   * Each step divides a value under 2^53, so doubles are exact; the floor of a rounded quotient
   * can be one off, which the remainder's sign corrects.
   */
  private div64(hi: number, lo: number, d: number): void {
    const q1 = this.divStep(hi, d);
    if (d <= ONE_STEP_DIVISOR) {
      // rem < 2^21, so rem·2^32 + lo < 2^53.
      const q = this.divStep(this.rem * TWO_32 + lo, d);
      this.qHi = q1;
      this.qLo = q;
      return;
    }
    const q2 = this.divStep(this.rem * 65536 + (lo >>> 16), d);
    const q3 = this.divStep(this.rem * 65536 + (lo & 0xffff), d);
    this.qHi = q1;
    this.qLo = q2 * 65536 + q3;
  }

  /** floor(x / d) for x < 2^53, leaving x mod d in `rem`: the floor of a rounded quotient can be one off, which the remainder's sign corrects. */
  private divStep(x: number, d: number): number {
    let q = Math.floor(x / d);
    let r = x - q * d;
    if (r < 0) {
      q--;
      r += d;
    } else if (r >= d) {
      q++;
      r -= d;
    }
    this.rem = r;
    return q;
  }
}

function blockName(type: number): string {
  return BLOCK_NAMES.get(type) ?? `block of type ${hex32(type)}`;
}

/**
 * Reads a whole input through a {@link CaptureReader}: a file stream (give it a large
 * highWaterMark, e.g. 1 MiB) or stdin. Holds no more than one chunk and one record at a time.
 *
 * @throws XlatError `ERR_XLAT_CAPTURE_FORMAT` as {@link CaptureReader.push} does (the input is
 *   then closed by the iteration's return)
 * @example
 *   const s = await readCapture(createReadStream('fabric.pcapng', { highWaterMark: 1 << 20 }), (r) => count++);
 *   if (!s.complete) console.error(`${s.reason} at offset ${s.offset} after ${s.packets} packets`);
 */
export async function readCapture(
  input: AsyncIterable<Uint8Array>,
  onRecord: (r: CaptureRecord) => void,
  options?: CaptureReaderOptions,
): Promise<CaptureSummary> {
  const reader = new CaptureReader(onRecord, options);
  for await (const chunk of input) reader.push(chunk);
  return { ...reader.end(), format: reader.format, packets: reader.packets };
}

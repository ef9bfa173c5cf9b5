/**
 * Counting a capture in the tenant view (`xlat464 pcap --stats`): packets and bytes per tenant and
 * direction, the top talkers by IPv4 address pair, and the drops the translator core would make,
 * by reason and tenant.
 *
 * Built for millions of packets per second: `add` reads addresses as integers through the tenant
 * table's hot path (RFC 6052 / RFC 7757 / RFC 6877 lookups) and runs the translator on a copy of
 * the packet, with no strings and no per-packet objects; strings are made once, by `report()`.
 *
 * Direction is the translation the packet takes or took: `4to6` for an IPv4 packet (a tenant's
 * side), `6to4` for an IPv6 packet (the fabric side). Memory is bounded whatever the capture's
 * size: at most `maxPairs` address pairs are tracked; packets of pairs beyond that are counted in
 * their tenant's row and in `untrackedPairs`, not in the talkers list.
 */
import type { TenantTable } from '../address/index.js';
import { RULE_NONE } from '../address/index.js';
import { formatIPv4 } from '../address/index.js';
import { HEADROOM, TO_IPV4, Translator, Verdict } from '../translate/index.js';
import { IPV4_DST, IPV4_SRC } from '../packet/index.js';
import { get32s } from '../translate/bytes.js';
import { MAX_INSPECT_LEN, translatorFor, type InspectorOptions } from './describe.js';

/** Options for {@link CaptureStats}: the inspector's (table, translator, memory), and: */
export interface StatsOptions extends InspectorOptions {
  /** Address pairs tracked for the talkers list (default 65536). */
  readonly maxPairs?: number;
  /** Count only this tenant's packets (a table index); default: every packet. */
  readonly only?: number;
}

/** One row of the per-tenant table. `tenant` null: packets of no tenant (not ours, or IPv4 of unknown tenant). */
export interface TenantCount {
  readonly tenant: string | null;
  readonly direction: '4to6' | '6to4';
  readonly packets: number;
  readonly bytes: number;
}

export interface TalkerCount {
  readonly tenant: string;
  readonly src: string;
  readonly dst: string;
  readonly packets: number;
  readonly bytes: number;
}

export interface DropCount {
  readonly tenant: string | null;
  readonly reason: string;
  readonly packets: number;
}

export interface StatsReport {
  /** IP packets counted (whole or cut). */
  readonly packets: number;
  /** Their octets, as captured from the IP header on. */
  readonly bytes: number;
  /** Records that held no IP packet (ARP, LLDP, an unknown link type). */
  readonly nonIp: number;
  /** IP packets the capture cut short (snap length): counted, not translated. */
  readonly truncated: number;
  /** Packets too short for an IP header or of another IP version. */
  readonly malformed: number;
  /** Packets whose address pair was not tracked because `maxPairs` was reached. */
  readonly untrackedPairs: number;
  /** Whether drop counts are present (a translator section was given). */
  readonly verdicts: boolean;
  /** Rows with packets, by tenant order then direction. */
  readonly tenants: readonly TenantCount[];
  /** Largest pairs first (by packets), at most `top` per tenant. */
  readonly talkers: readonly TalkerCount[];
  /** Largest first. */
  readonly drops: readonly DropCount[];
}

const DIR_46 = 0;
const DIR_64 = 1;


/**
 * @example
 *   const st = new CaptureStats({ table, translator });
 *   st.add(buf, ipOff, ipLen, -1, false);     // an IPv6 packet from the fabric
 *   st.add(buf, ipOff, ipLen, blue, false);   // an IPv4 packet seen on blue's device
 *   console.log(st.report(10));
 */
export class CaptureStats {
  private readonly table: TenantTable | null;
  private readonly translator: Translator | null;
  private readonly verdict = new Verdict();
  private readonly buf: Uint8Array;
  /** Rows: one per tenant, then one for "no tenant"; two directions each. */
  private readonly rows: number;
  private readonly rowPackets: Float64Array;
  private readonly rowBytes: Float64Array;
  /** Open-addressing index over (row, source, destination): slot -> pair index + 1 (0: empty). */
  private slots = new Int32Array(2048);
  private pairCount = 0;
  private readonly maxPairs: number;
  private readonly only: number;
  private pairRow = new Int32Array(1024);
  private pairSrc = new Int32Array(1024);
  private pairDst = new Int32Array(1024);
  private pairPackets = new Float64Array(1024);
  private pairBytes = new Float64Array(1024);
  /** Drop reason -> count per row (rows as above, directions folded: the reason's prefix says it). */
  private readonly drops = new Map<string, Float64Array>();

  packets = 0;
  bytes = 0;
  nonIp = 0;
  truncated = 0;
  malformed = 0;
  untrackedPairs = 0;

  constructor(options: StatsOptions) {
    this.table = options.table;
    ({ buf: this.buf, translator: this.translator } = translatorFor(options));
    this.rows = (options.table?.size ?? 0) + 1;
    this.rowPackets = new Float64Array(this.rows * 2);
    this.rowBytes = new Float64Array(this.rows * 2);
    this.maxPairs = options.maxPairs ?? 65536;
    this.only = options.only ?? -1;
  }

  /** A record with no IP packet in it. */
  addNonIp(): void {
    this.nonIp++;
  }

  /**
   * Count the IP packet at buf[off, off+len).
   * @param tenant for IPv4: the table index of the tenant it was seen from, or -1 when unknown
   * @param cut the capture holds less than the packet: counted, addresses read if present, not translated
   */
  add(buf: Uint8Array, off: number, len: number, tenant: number, cut: boolean): void {
    const version = len > 0 ? buf[off]! >> 4 : 0;
    if ((version === 6 && len < 40) || (version === 4 && len < 20) || (version !== 4 && version !== 6)) {
      this.malformed++;
      return;
    }
    const none = this.rows - 1;
    let row = none;
    let src = 0;
    let dst = 0;
    let known = false;
    let ran = false;
    const table = this.table;
    let dir: number;
    if (version === 4) {
      dir = DIR_46;
      src = get32s(buf, off + IPV4_SRC);
      dst = get32s(buf, off + IPV4_DST);
      if (table !== null && tenant >= 0 && tenant < table.size) {
        row = tenant;
        known = true;
      }
    } else {
      dir = DIR_64;
      let found = false;
      if (!cut && this.translator !== null) {
        // The translator finds the tenant and both IPv4 addresses anyway: when it passes the packet
        // on, read them off its output instead of looking them up a second time.
        this.runVerdict(buf, off, len, -1);
        ran = true;
        const v = this.verdict;
        if (v.drop === null && v.count > 0 && v.to[0] === TO_IPV4) {
          const p = v.bufs[0]!;
          const o = v.offs[0]!;
          row = v.tenant[0]!;
          src = get32s(p, o + IPV4_SRC);
          dst = get32s(p, o + IPV4_DST);
          known = row >= 0 && row < none;
          if (!known) row = none;
          found = true;
        }
      }
      if (!found && table !== null) {
        const td = table.lookupDst6(buf, off + 24);
        const rd = table.outRule;
        dst = table.outV4 | 0;
        const ts = table.lookupDst6(buf, off + 8);
        const rs = table.outRule;
        src = table.outV4 | 0;
        row = td >= 0 ? td : ts >= 0 ? ts : none;
        // A packet between two tenants (a forged source) has no pair in either tenant's view.
        known = row !== none && rd !== RULE_NONE && rs !== RULE_NONE && !(ts >= 0 && td >= 0 && ts !== td);
      }
    }
    if (this.only >= 0 && row !== this.only) return;
    this.packets++;
    this.bytes += len;
    if (cut) this.truncated++;
    const r = row * 2 + dir;
    this.rowPackets[r]! += 1;
    this.rowBytes[r]! += len;
    if (known) this.countPair(row, src, dst, len);
    if (!ran && !cut && this.translator !== null && version === 4 && row !== none) {
      this.runVerdict(buf, off, len, row);
      ran = true;
    }
    if (ran && this.verdict.drop !== null) this.countDrop(this.verdict.drop, row);
  }

  private countPair(row: number, src: number, dst: number, len: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    // Multiplicative hashing of the three words (Knuth's constants), linear probing.
    let h = (Math.imul(src, 0x9e3779b1) ^ Math.imul(dst, 0x85ebca77) ^ Math.imul(row, 0xc2b2ae3d)) >>> 0;
    h = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const at = slots[h]!;
      if (at === 0) break;
      const i = at - 1;
      if (this.pairSrc[i] === src && this.pairDst[i] === dst && this.pairRow[i] === row) {
        this.pairPackets[i]! += 1;
        this.pairBytes[i]! += len;
        return;
      }
      h = (h + 1) & mask;
    }
    if (this.pairCount >= this.maxPairs) {
      this.untrackedPairs++;
      return;
    }
    const i = this.newPair(row, src, dst);
    this.pairPackets[i] = 1;
    this.pairBytes[i] = len;
    slots[h] = i + 1;
    // Keep the load factor at or below one half.
    if (2 * this.pairCount > slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.pairCount; i++) {
      let h = (Math.imul(this.pairSrc[i]!, 0x9e3779b1) ^ Math.imul(this.pairDst[i]!, 0x85ebca77) ^ Math.imul(this.pairRow[i]!, 0xc2b2ae3d)) >>> 0;
      h = (h ^ (h >>> 15)) & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = i + 1;
    }
    this.slots = slots;
  }

  private newPair(row: number, src: number, dst: number): number {
    const i = this.pairCount++;
    if (i === this.pairRow.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.pairRow = grow(this.pairRow);
      this.pairSrc = grow(this.pairSrc);
      this.pairDst = grow(this.pairDst);
      this.pairPackets = grow(this.pairPackets);
      this.pairBytes = grow(this.pairBytes);
    }
    this.pairRow[i] = row;
    this.pairSrc[i] = src;
    this.pairDst[i] = dst;
    return i;
  }

  /** Translate a copy of the packet; the verdict stays in this.verdict. */
  private runVerdict(buf: Uint8Array, off: number, len: number, tenant: number): void {
    if (len > MAX_INSPECT_LEN) len = MAX_INSPECT_LEN;
    const b = this.buf;
    // A short packet is copied by hand: subarray() would allocate a view object per packet.
    if (len <= 256) for (let i = 0; i < len; i++) b[HEADROOM + i] = buf[off + i]!;
    else b.set(buf.subarray(off, off + len), HEADROOM);
    if (tenant >= 0) this.translator!.from4(tenant, b, HEADROOM, len, this.verdict);
    else this.translator!.from6(b, HEADROOM, len, this.verdict);
  }

  private countDrop(reason: string, row: number): void {
    // 6->4: the translator knows the tenant once it found the destination's; count it there.
    const dt = this.verdict.dropTenant;
    const t = dt >= 0 && dt < this.rows - 1 ? dt : row;
    let counts = this.drops.get(reason);
    if (counts === undefined) this.drops.set(reason, (counts = new Float64Array(this.rows)));
    counts[t]! += 1;
  }

  /**
   * The counts so far, with strings. `top` talkers per tenant (default 10).
   */
  report(top = 10): StatsReport {
    const table = this.table;
    const nameOf = (row: number): string | null => (table !== null && row < this.rows - 1 ? table.nameOf(row) : null);
    const tenants: TenantCount[] = [];
    for (let row = 0; row < this.rows; row++) {
      for (const dir of [DIR_46, DIR_64]) {
        const p = this.rowPackets[row * 2 + dir]!;
        if (p === 0) continue;
        tenants.push({ tenant: nameOf(row), direction: dir === DIR_46 ? '4to6' : '6to4', packets: p, bytes: this.rowBytes[row * 2 + dir]! });
      }
    }
    const byRow = new Map<number, number[]>();
    for (let i = 0; i < this.pairCount; i++) {
      const row = this.pairRow[i]!;
      let list = byRow.get(row);
      if (list === undefined) byRow.set(row, (list = []));
      list.push(i);
    }
    const talkers: TalkerCount[] = [];
    for (const row of [...byRow.keys()].sort((a, b) => a - b)) {
      const list = byRow.get(row)!;
      list.sort((a, b) => this.pairPackets[b]! - this.pairPackets[a]! || this.pairBytes[b]! - this.pairBytes[a]! || a - b);
      for (const i of list.slice(0, top)) {
        talkers.push({
          tenant: nameOf(row)!,
          src: formatIPv4(this.pairSrc[i]! >>> 0),
          dst: formatIPv4(this.pairDst[i]! >>> 0),
          packets: this.pairPackets[i]!,
          bytes: this.pairBytes[i]!,
        });
      }
    }
    const drops: DropCount[] = [];
    for (const [reason, counts] of this.drops) {
      counts.forEach((n, row) => {
        if (n > 0) drops.push({ tenant: nameOf(row), reason, packets: n });
      });
    }
    drops.sort((a, b) => b.packets - a.packets || a.reason.localeCompare(b.reason));
    return {
      packets: this.packets,
      bytes: this.bytes,
      nonIp: this.nonIp,
      truncated: this.truncated,
      malformed: this.malformed,
      untrackedPairs: this.untrackedPairs,
      verdicts: this.translator !== null,
      tenants,
      talkers,
      drops,
    };
  }
}

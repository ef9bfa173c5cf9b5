/**
 * The daemon's counters: plain numbers in a SharedArrayBuffer that one worker writes and the main
 * thread reads on a Prometheus scrape. The packet path only adds to Float64Array cells at offsets
 * computed from small integers (tenant index, reason index): no Map of labels, no strings built.
 *
 * One block per worker and configuration generation, laid out for that configuration's tenant
 * table (see DESIGN.md):
 *
 *   global:  [icmp46, icmp64, read-batch histogram (buckets..., +Inf, sum, count), write-batch histogram]
 *   rows:    tenant 0 .. tenant n-1, then the row for "tenant not known" (label "-"), each
 *            [packets 4to6, bytes 4to6, packets 6to4, bytes 6to4, drops per reason (ALL_REASONS order)]
 *
 * A single writer per block, so no Atomics: a reader may see a cell one packet behind, never torn
 * (aligned 8-octet stores), and counters only grow.
 */
import { DROP_REASONS } from '../translate/index.js';

/** Drops the daemon adds to the translator's own reasons (I/O and dispatch, not RFC 7915). */
export const SERVICE_REASONS = [
  /** An IPv4 packet read from the fabric TUN when no tenant shares it. */
  'io.ipv4-on-fabric-tun',
  /** An IPv6 packet read from a tenant TUN that is not also the fabric TUN. */
  'io.ipv6-on-tenant-tun',
  /** Neither version 4 nor 6 in the first nibble (or an empty read). */
  'io.not-ip',
  /** The verdict names a tenant this worker has no device for (mid-reload). */
  'io.no-device',
  /** The destination device's queue stayed full. */
  'io.queue-full',
  /** The destination device refused the packet (EMSGSIZE, EIO, ...). */
  'io.write-error',
  /** A GSO super-packet (virtio_net_hdr) that could not be cut into packets: bad gso_type, gso_size 0, headers past its end, too many pieces. */
  'io.bad-offload',
  /** The translator gave a reason missing from DROP_REASONS (a bug; counted, not lost). */
  'io.unknown-reason',
] as const;

/** Every drop reason a counter block has a cell for, in cell order. */
export const ALL_REASONS: readonly string[] = [...DROP_REASONS, ...SERVICE_REASONS];

const REASON_INDEX = new Map<string, number>(ALL_REASONS.map((r, i) => [r, i]));
const UNKNOWN_REASON = ALL_REASONS.indexOf('io.unknown-reason');

/** Index of a drop reason in ALL_REASONS. Reasons are interned literals, so this is one hash probe. */
export function reasonIndex(reason: string): number {
  return REASON_INDEX.get(reason) ?? UNKNOWN_REASON;
}

/** Upper bounds (packets per call) of the I/O batch histograms; a batch is at most 64 reads. */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64] as const;

export const G_ICMP46 = 0;
export const G_ICMP64 = 1;
/** GSO super-packets (offloads) translated whole, by direction. */
export const G_GSO46 = 2;
export const G_GSO64 = 3;
/** GSO super-packets cut into packets in software first (offload.ts `segment`), by direction. */
export const G_SEG46 = 4;
export const G_SEG64 = 5;
/** TCP segments and UDP datagrams coalesced into an earlier packet of their flow on the write side (gro.ts). */
export const G_GRO = 6;
/** Cells of one histogram: one per bucket, +Inf, sum, count. */
const HIST_LEN = BATCH_BUCKETS.length + 3;
export const HIST_READ = 7;
export const HIST_WRITE = HIST_READ + HIST_LEN;
const GLOBAL_LEN = HIST_WRITE + HIST_LEN;

export const C_PKTS46 = 0;
export const C_BYTES46 = 1;
export const C_PKTS64 = 2;
export const C_BYTES64 = 3;
export const C_DROPS = 4;
export const ROW_LEN = C_DROPS + ALL_REASONS.length;

/** Label of the row for packets whose tenant is not known (6->4 drops before the lookup, stray IPv4). */
export const UNKNOWN_TENANT = '-';

/** One worker's counters for one configuration (`tenants` rows plus the unknown row). */
export class CounterBlock {
  /** The cells, over `sab`. */
  readonly cells: Float64Array;

  private constructor(
    readonly sab: SharedArrayBuffer,
    /** Tenants in the table this block was laid out for. */
    readonly tenants: number,
  ) {
    this.cells = new Float64Array(sab, 0, CounterBlock.cellCount(tenants));
  }

  static cellCount(tenants: number): number {
    return GLOBAL_LEN + (tenants + 1) * ROW_LEN;
  }

  /** A zeroed block for a table of `tenants` tenants. */
  static create(tenants: number): CounterBlock {
    return new CounterBlock(new SharedArrayBuffer(CounterBlock.cellCount(tenants) * 8), tenants);
  }

  /** The same cells seen from another thread. */
  static over(sab: SharedArrayBuffer, tenants: number): CounterBlock {
    return new CounterBlock(sab, tenants);
  }

  /** Offset of tenant `t`'s row; any t outside the table (-1) is the unknown row. */
  row(t: number): number {
    return GLOBAL_LEN + (t >= 0 && t < this.tenants ? t : this.tenants) * ROW_LEN;
  }

  add(t: number, cell: number, n: number): void {
    this.cells[this.row(t) + cell]! += n;
  }

  drop(t: number, reason: number, n = 1): void {
    this.cells[this.row(t) + C_DROPS + reason]! += n;
  }

  global(cell: number, n = 1): void {
    this.cells[cell]! += n;
  }

  /** Record one I/O call that moved `n` packets in histogram `hist` (HIST_READ or HIST_WRITE). */
  batch(hist: number, n: number): void {
    let b = 0;
    while (b < BATCH_BUCKETS.length && n > BATCH_BUCKETS[b]!) b++;
    const c = this.cells;
    c[hist + b]! += 1;
    c[hist + BATCH_BUCKETS.length + 1]! += n;
    c[hist + BATCH_BUCKETS.length + 2]! += 1;
  }
}

/**
 * Totals on the main thread, keyed by tenant name so they survive reloads (which change tenant
 * indices): what finished blocks contributed, plus live blocks added at scrape time.
 */
export class CounterTotals {
  readonly global = new Float64Array(GLOBAL_LEN);
  readonly rows = new Map<string, Float64Array>();

  /** Add `block`'s cells, its rows named by `names` (index order; the unknown row gets UNKNOWN_TENANT). */
  addBlock(block: CounterBlock, names: readonly string[]): void {
    const c = block.cells;
    for (let i = 0; i < GLOBAL_LEN; i++) this.global[i]! += c[i]!;
    for (let t = 0; t <= block.tenants; t++) {
      const name = t < block.tenants ? (names[t] ?? UNKNOWN_TENANT) : UNKNOWN_TENANT;
      let row = this.rows.get(name);
      if (row === undefined) this.rows.set(name, (row = new Float64Array(ROW_LEN)));
      const base = block.row(t);
      for (let i = 0; i < ROW_LEN; i++) row[i]! += c[base + i]!;
    }
  }

  addTotals(other: CounterTotals): void {
    for (let i = 0; i < GLOBAL_LEN; i++) this.global[i]! += other.global[i]!;
    for (const [name, r] of other.rows) {
      let row = this.rows.get(name);
      if (row === undefined) this.rows.set(name, (row = new Float64Array(ROW_LEN)));
      for (let i = 0; i < ROW_LEN; i++) row[i]! += r[i]!;
    }
  }

  /** Histogram `hist` as cumulative bucket counts (BATCH_BUCKETS then +Inf), sum and count. */
  histogram(hist: number): { buckets: number[]; sum: number; count: number } {
    const buckets: number[] = [];
    let acc = 0;
    for (let b = 0; b <= BATCH_BUCKETS.length; b++) buckets.push((acc += this.global[hist + b]!));
    return { buckets, sum: this.global[hist + BATCH_BUCKETS.length + 1]!, count: this.global[hist + BATCH_BUCKETS.length + 2]! };
  }
}

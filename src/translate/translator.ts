/**
 * The translator: one object per worker, both directions, one tenant table and one set of options
 * at a time. It owns the scratch area and the reusable header views; it allocates nothing per packet.
 *
 * Every input gets a verdict and nothing escapes as an exception: should a bug throw on some input,
 * the packet is dropped as '46.internal-error' / '64.internal-error' (counted like any drop, and the
 * fuzzer asserts it never happens) instead of taking the worker down.
 */
import type { TenantTable } from '../address/index.js';
import { referenceChecksum, type Checksum } from '../checksum/index.js';
import { Translate4to6, REASONS_46 } from './4to6.js';
import { Translate6to4, REASONS_64 } from './6to4.js';
import { SCRATCH_LEN, type TranslateContext } from './context.js';
import type { TranslatorOptions } from './options.js';
import type { Verdict } from './verdict.js';
import { PacketOffload } from './offload.js';

/** Every drop reason the translator can give, for metrics that want to pre-register them. */
export const DROP_REASONS: readonly string[] = [...REASONS_46, '46.internal-error', ...REASONS_64, '64.internal-error'];

export class Translator {
  private readonly ctx: TranslateContext;
  private readonly t46: Translate4to6;
  private readonly t64: Translate6to4;

  /**
   * @param checksum the checksum implementation: `WasmChecksum` in the daemon (packets then live in its arena), the reference elsewhere.
   * @param scratch at least SCRATCH_LEN octets, ideally from the same WASM arena as the packets.
   */
  constructor(table: TenantTable, options: TranslatorOptions, checksum: Checksum = referenceChecksum, scratch: Uint8Array = new Uint8Array(SCRATCH_LEN)) {
    if (scratch.length < SCRATCH_LEN) throw new RangeError(`scratch must be at least ${SCRATCH_LEN} octets, got ${scratch.length}`);
    this.ctx = { table, options, checksum, scratch, offload: new PacketOffload() };
    this.t46 = new Translate4to6(this.ctx);
    this.t64 = new Translate6to4(this.ctx);
  }

  get table(): TenantTable {
    return this.ctx.table;
  }

  get options(): TranslatorOptions {
    return this.ctx.options;
  }

  /**
   * The next input's offload metadata (struct virtio_net_hdr of a device opened with
   * IFF_VNET_HDR): set it with `load()` before from4/from6, `clear()` for a plain packet. The
   * translated packet's own is in `Verdict.offload` (for emit `Verdict.offloadAt`).
   */
  get offload(): PacketOffload {
    return this.ctx.offload;
  }

  /** Swap in a new configuration; the next packet sees both parts of it. */
  reconfigure(table: TenantTable, options: TranslatorOptions): void {
    this.ctx.table = table;
    this.ctx.options = options;
  }

  /**
   * Translate an IPv4 packet that tenant `tenant` (a table index) sent, at buf[off, off+len).
   * The caller leaves HEADROOM octets free before `off`; the IPv6 packet is written there in place.
   */
  from4(tenant: number, buf: Uint8Array, off: number, len: number, v: Verdict): void {
    v.reset();
    try {
      this.t46.translate(tenant, buf, off, len, v);
    } catch {
      v.dropWith('46.internal-error');
    }
  }

  /** Translate an IPv6 packet from the fabric, at buf[off, off+len); the IPv4 packet is written in place. */
  from6(buf: Uint8Array, off: number, len: number, v: Verdict): void {
    v.reset();
    try {
      this.t64.translate(buf, off, len, v);
    } catch {
      v.dropWith('64.internal-error');
    }
  }
}

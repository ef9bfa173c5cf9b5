// Loader and arena for the WASM checksum (source in ./wasm/checksum.ts, built to dist/wasm/).
//
// RFC 1071 §2 is implemented in the WASM module; this file decides where packets live. The
// module can only read its own linear memory, so to checksum without copying, packets must be
// received into that memory in the first place: each worker loads its own module with a fixed-size
// memory and carves its packet buffers out of it once, at start-up, with arena()/slots().
//
// The memory never grows (initial = maximum), so memory.buffer is never detached and every view
// handed out stays valid for the life of the worker.

import { readFileSync } from 'node:fs';
import { XlatError } from '../errors.js';
import { checkRange, sum16 as referenceSum16 } from './reference.js';
import type { Checksum } from './types.js';

// tsconfig's lib is ES2022 without DOM and @types/node 20 does not declare the WebAssembly global,
// so declare the part used here. Module-scoped: it shadows nothing elsewhere.
/** The part of a `WebAssembly.Memory` this module relies on. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: object };
};

/** WebAssembly page size in octets. */
const PAGE_LEN = 65536;
/** wasm32 addresses at most 65536 pages (4 GiB). */
const MAX_PAGES = 65536;
/** Arena views start on a 64-octet boundary: a cache line, and whole v128 loads. */
const ARENA_ALIGN = 64;

/**
 * Below this many octets sum16 stays in JavaScript: the JS->WASM call (about 10 ns) costs more than
 * the loop saves. bench/checksum.bench.ts on Node 20, x86-64, put the crossover between 32 and 40
 * octets, so an IPv4 header without options is summed in JS. See src/checksum/README.md.
 */
export const DEFAULT_JS_CUTOFF = 40;

/** Options for {@link WasmChecksum.load}. */
export interface WasmChecksumOptions {
  /** Size of the module's memory in octets, rounded up to whole 64 KiB pages; all of it is arena. */
  memoryBytes: number;
  /** Load the SIMD build (dist/wasm/checksum.wasm) or the scalar one. Default true. */
  simd?: boolean;
  /** Lengths below this (octets) are summed in JavaScript. Default {@link DEFAULT_JS_CUTOFF}. */
  jsCutoff?: number;
  /** Where the .wasm file is; default dist/wasm/ next to this compiled file. For tests and tools. */
  wasmUrl?: URL;
}

interface ChecksumExports {
  sum16(ptr: number, len: number, initial: number): number;
}

/**
 * The WASM checksum plus the memory it reads. Create one per worker thread with
 * {@link WasmChecksum.load}; take packet buffers from {@link WasmChecksum.arena} once at start-up.
 *
 * sum16 has the exact meaning of the reference `sum16`; buffers outside this module's memory,
 * and short lengths, are summed by the reference, so callers never need to know where a buffer
 * lives.
 *
 * @example
 *   const cs = WasmChecksum.load({ memoryBytes: 4 << 20 });
 *   const rx = cs.slots(64, 2048);               // 64 packet buffers of 2048 octets, zero-copy
 *   const sum = cs.sum16(rx[0]!, 20, 1480, pseudoSum4(src, dst, 17, 1480));
 */
export class WasmChecksum implements Checksum {
  /** The module's memory: fixed size, never grows. */
  readonly memory: WasmMemory;
  /** Whether the SIMD build was loaded. */
  readonly simd: boolean;
  /** Lengths below this (octets) are summed in JavaScript. */
  readonly jsCutoff: number;
  readonly #buffer: ArrayBuffer;
  readonly #wasmSum16: (ptr: number, len: number, initial: number) => number;
  /** Views from arena()/slots() carry their address under this key (see sum16 for why). */
  readonly #addr = Symbol('xlat464.checksum.wasmAddress');
  #next = 0;

  private constructor(memory: WasmMemory, exports: ChecksumExports, simd: boolean, jsCutoff: number) {
    this.memory = memory;
    this.#buffer = memory.buffer;
    this.#wasmSum16 = exports.sum16;
    this.simd = simd;
    this.jsCutoff = jsCutoff;
  }

  /**
   * Read, compile and instantiate the checksum module synchronously, with its own memory.
   * Nothing is loaded when src/checksum is imported; only this call touches the file.
   *
   * @throws XlatError ERR_XLAT_BAD_OPTION for a bad memoryBytes or jsCutoff,
   *         ERR_XLAT_WASM_LOAD when the file is missing (run `npm run build:wasm`) or invalid
   * @example const cs = WasmChecksum.load({ memoryBytes: 1 << 20, simd: true });
   */
  static load(options: WasmChecksumOptions): WasmChecksum {
    const { memoryBytes, simd = true, jsCutoff = DEFAULT_JS_CUTOFF } = options;
    if (!Number.isSafeInteger(memoryBytes) || memoryBytes <= 0 || memoryBytes > MAX_PAGES * PAGE_LEN) {
      throw new XlatError(
        'ERR_XLAT_BAD_OPTION',
        `expected an integer number of octets in 1..${MAX_PAGES * PAGE_LEN}, got ${String(memoryBytes)}`,
        'checksum.memoryBytes',
      );
    }
    if (!Number.isSafeInteger(jsCutoff) || jsCutoff < 0) {
      throw new XlatError('ERR_XLAT_BAD_OPTION', `expected an integer >= 0, got ${String(jsCutoff)}`, 'checksum.jsCutoff');
    }
    const url =
      options.wasmUrl ?? new URL(simd ? '../../wasm/checksum.wasm' : '../../wasm/checksum-scalar.wasm', import.meta.url);

    let module: object;
    try {
      module = new WebAssembly.Module(readFileSync(url));
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new XlatError(
        'ERR_XLAT_WASM_LOAD',
        `cannot load ${url.pathname} (${why}); is the WASM built (npm run build:wasm)?`,
        'checksum.wasm',
      );
    }
    const pages = Math.ceil(memoryBytes / PAGE_LEN);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new WasmChecksum(memory, instance.exports as unknown as ChecksumExports, simd, jsCutoff);
  }

  /** Octets of memory in total (whole pages). */
  get arenaLen(): number {
    return this.#buffer.byteLength;
  }

  /** Octets not yet handed out by arena()/slots(). */
  get arenaFree(): number {
    return this.#buffer.byteLength - this.#next;
  }

  /**
   * A view of `len` fresh octets inside the module's memory, 64-octet aligned, zero-filled.
   * For start-up only: there is no free; a worker takes its buffers once and reuses them.
   *
   * @param len octets, 0 or more
   * @throws XlatError ERR_XLAT_ARENA_FULL when the memory has less than `len` octets left
   * @example const pkt = cs.arena(65535 + 64); // one maximum-size packet plus headroom
   */
  arena(len: number): Uint8Array {
    const start = Math.ceil(this.#next / ARENA_ALIGN) * ARENA_ALIGN;
    if (!Number.isSafeInteger(len) || len < 0 || start + len > this.#buffer.byteLength) {
      throw new XlatError(
        'ERR_XLAT_ARENA_FULL',
        `requested ${String(len)} octets, ${this.#buffer.byteLength - start} of ${this.#buffer.byteLength} left; raise memoryBytes`,
        'checksum.arena',
      );
    }
    this.#next = start + len;
    return this.#tag(new Uint8Array(this.#buffer, start, len));
  }

  #tag(view: Uint8Array): Uint8Array {
    Object.defineProperty(view, this.#addr, { value: view.byteOffset });
    return view;
  }

  /**
   * `count` views of `len` octets each, from one arena() block: packet buffers for a batched read.
   * Each slot starts 64-octet aligned.
   *
   * @example const rx = cs.slots(64, 2048); // rx[i].byteLength === 2048
   */
  slots(count: number, len: number): Uint8Array[] {
    const stride = Math.ceil(len / ARENA_ALIGN) * ARENA_ALIGN;
    const block = this.arena(stride * count);
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) out.push(this.#tag(block.subarray(i * stride, i * stride + len)));
    return out;
  }

  /**
   * Same contract as the reference `sum16`: ones'-complement sum of the big-endian words of
   * `buf[off .. off + len)` plus `initial` (0..2^32-1), folded to 16 bits, not complemented.
   * Runs in WASM, without copying, when `buf` is a view of this module's memory and `len` is at
   * least {@link jsCutoff}; otherwise runs the reference.
   *
   * @throws RangeError when `[off, off + len)` is not inside `buf`
   * @example cs.sum16(pkt, 0, 20) // 0xffff for an IPv4 header whose checksum verifies
   */
  sum16(buf: Uint8Array, off: number, len: number, initial = 0): number {
    if (len < this.jsCutoff) return referenceSum16(buf, off, len, initial);
    // In Node 20 the `.buffer` and `.byteOffset` getters are not inlined and cost 10-25 ns each,
    // more than the WASM call itself; views handed out by arena()/slots() carry their address as
    // a property, which reads in about 1 ns. Any other view takes the getters.
    let addr = (buf as Uint8Array & Record<symbol, number | undefined>)[this.#addr];
    if (addr === undefined) {
      if (buf.buffer !== this.#buffer) return referenceSum16(buf, off, len, initial);
      // byteOffset, not 0: buf is usually a subarray of the arena.
      addr = buf.byteOffset;
    }
    checkRange(buf, off, len);
    return this.#wasmSum16(addr + off, len, initial);
  }
}

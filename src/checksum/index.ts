// The checksum layer: RFC 1071 sum (reference and WASM), RFC 1624 incremental update.
// Importing this module loads no WASM; WasmChecksum.load() does.

export type { Checksum } from './types.js';
export { fold, sum16, finish, pseudoSum4, pseudoSum6, referenceChecksum } from './reference.js';
export { update16, update32, adjust, udpFinish } from './incremental.js';
export { WasmChecksum, DEFAULT_JS_CUTOFF, type WasmChecksumOptions, type WasmMemory } from './wasm.js';

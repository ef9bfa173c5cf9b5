/**
 * xlat464 as a library: tenant address encoding and decoding (RFC 6052, RFC 7757 EAM, RFC 6877
 * PLAT, address plans), configuration checking, zero-copy packet views and checksums.
 * Importing it never loads native code or WebAssembly: the WASM checksum module is read only when
 * `WasmChecksum.load()` is called, and the TUN addon only by the daemon.
 */
export { XlatError } from './errors.js';
export * from './address/index.js';
export * from './config/index.js';
export * from './packet/index.js';
export * from './checksum/index.js';
export * from './translate/index.js';
export * from './inspect/index.js';

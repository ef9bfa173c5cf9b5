/**
 * The 6->4 translator under test: a config with two tenants sharing a PLAT prefix, run with the
 * reference checksum and with WASM, packets at an odd offset. Shared by the 6->4 unit tests (kept
 * out of test/, where node --test would run it as a test file).
 */
import assert from 'node:assert/strict';
import { checkConfig } from '../src/config/index.js';
import { Translate6to4, REASONS_64 } from '../src/translate/6to4.js';
import { Verdict, TO_IPV4 } from '../src/translate/verdict.js';
import { SCRATCH_LEN, type TranslateContext } from '../src/translate/context.js';
import { PacketOffload } from '../src/translate/offload.js';
import { buildPacket, buildFragments, emitIPv4, type PacketSpec, type Ipv6Ext } from '../src/packet/index.js';
import { parseIPv4, parseIPv6 } from '../src/address/index.js';
import { referenceChecksum, WasmChecksum, type Checksum } from '../src/checksum/index.js';

export const CONFIG = {
  translator: { ipv4: '192.0.0.1', ipv6: 'fd00:ffff::1' },
  tenants: [
    { name: 'blue', prefix: 'fd00:64:1::/96', ipv4: ['10.0.0.0/8'], plat: 'fd00:6464::/96' },
    { name: 'red', prefix: 'fd00:64:2::/96', ipv4: ['10.0.0.0/8'], plat: 'fd00:6464::/96' },
  ],
};

export interface Env {
  name: string;
  checksum: Checksum;
  scratch: Uint8Array;
  packetBuf: Uint8Array;
}
export const wasm = WasmChecksum.load({ memoryBytes: 1 << 20 });
export const ENVS: Env[] = [
  { name: 'reference', checksum: referenceChecksum, scratch: new Uint8Array(SCRATCH_LEN), packetBuf: new Uint8Array(70000) },
  { name: 'wasm', checksum: wasm, scratch: wasm.arena(SCRATCH_LEN), packetBuf: wasm.arena(70000) },
];
export const REF = ENVS[0]!;

export interface Rig {
  t: Translate6to4;
  env: Env;
  tenant: (name: string) => number;
}
export function rig(env: Env = REF, translator: Record<string, unknown> = {}): Rig {
  const { table, translator: options } = checkConfig({ ...CONFIG, translator: { ...CONFIG.translator, ...translator } });
  const ctx: TranslateContext = { table, options, checksum: env.checksum, scratch: env.scratch, offload: new PacketOffload() };
  const t = new Translate6to4(ctx);
  t.nextIdent = 0x1234;
  return { t, env, tenant: (n) => table.indexOf(n) };
}

/** Odd offset: the WASM sum must cope, and nothing may assume alignment. */
export const AT = 7;
export const seen = new Set<string>();
export function run(r: Rig, pkt: Uint8Array): Verdict {
  const buf = r.env.packetBuf;
  buf.fill(0xa5);
  buf.set(pkt, AT);
  const v = new Verdict();
  r.t.translate(buf, AT, pkt.length, v);
  if (v.drop !== null) seen.add(v.drop);
  return v;
}
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const outHex = (v: Verdict, i = 0): string => hex(v.packet(i));

export const a6 = parseIPv6;
export const a4 = parseIPv4;
export const BLUE_HOST6 = a6('fd00:64:1::a00:5'); // 10.0.0.5 in blue
export const BLUE_HOST4 = a4('10.0.0.5');
export const REMOTE6 = a6('fd00:6464::808:808'); // 8.8.8.8 behind the shared PLAT
export const REMOTE4 = a4('8.8.8.8');
export const RED_HOST6 = a6('fd00:64:2::a00:7');
export const TRANSLATOR6 = a6('fd00:ffff::1');

export function payload(n: number, seed = 1): Uint8Array {
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) p[i] = (i * 7 + seed) & 0xff;
  return p;
}

export function udp6(over: Partial<{ hopLimit: number; trafficClass: number; ext: Ipv6Ext[]; src: Uint8Array; dst: Uint8Array }> = {}, data = payload(100)): PacketSpec {
  return {
    ip: { version: 6, src: over.src ?? REMOTE6, dst: over.dst ?? BLUE_HOST6, hopLimit: over.hopLimit ?? 64, trafficClass: over.trafficClass ?? 0x2c, ext: over.ext },
    l4: { proto: 'udp', srcPort: 53, dstPort: 40000 },
    payload: data,
  };
}
export function udp4(over: Partial<{ ttl: number; tos: number; id: number; df: boolean }> = {}, data = payload(100)): PacketSpec {
  return {
    ip: { version: 4, src: REMOTE4, dst: BLUE_HOST4, ttl: over.ttl ?? 63, tos: over.tos ?? 0x2c, id: over.id ?? 0x1234, df: over.df ?? false },
    l4: { proto: 'udp', srcPort: 53, dstPort: 40000 },
    payload: data,
  };
}

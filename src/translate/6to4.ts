/** RFC 7915 §5: IPv6 -> IPv4. (Being written; drops everything until then.) */
import type { TranslateContext } from './context.js';
import type { Verdict } from './verdict.js';

export const REASONS_64 = ['64.not-implemented'] as const;

export class Translate6to4 {
  constructor(readonly ctx: TranslateContext) {}
  translate(_buf: Uint8Array, _off: number, _len: number, v: Verdict): void {
    v.dropWith('64.not-implemented');
  }
}

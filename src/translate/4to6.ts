/** RFC 7915 §4: IPv4 -> IPv6. (Being written; drops everything until then.) */
import type { TranslateContext } from './context.js';
import type { Verdict } from './verdict.js';

export const REASONS_46 = ['46.not-implemented'] as const;

export class Translate4to6 {
  constructor(readonly ctx: TranslateContext) {}
  translate(_tenant: number, _buf: Uint8Array, _off: number, _len: number, v: Verdict): void {
    v.dropWith('46.not-implemented');
  }
}

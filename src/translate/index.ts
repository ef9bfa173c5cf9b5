export { Translator, DROP_REASONS } from './translator.js';
export { Verdict, TO_IPV4, TO_IPV6, MAX_EMIT } from './verdict.js';
export { HEADROOM, SCRATCH_LEN, type TranslateContext } from './context.js';
export { HAIRPIN_OFF, HAIRPIN_SIMPLE, HAIRPIN_INTRINSIC, ipv4MtuOf, type TranslatorOptions } from './options.js';

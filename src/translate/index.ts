export { Translator, DROP_REASONS } from './translator.js';
export { Verdict, TO_IPV4, TO_IPV6, MAX_EMIT } from './verdict.js';
export { HEADROOM, SCRATCH_LEN, type TranslateContext } from './context.js';
export { HAIRPIN_OFF, HAIRPIN_SIMPLE, HAIRPIN_INTRINSIC, ipv4MtuOf, type TranslatorOptions } from './options.js';
export {
  PacketOffload,
  Segments,
  segment,
  settlePartial,
  adjustPartial,
  storePlain,
  VNET_HDR_LEN,
  MAX_SEGMENTS,
  F_NEEDS_CSUM,
  F_DATA_VALID,
  GSO_NONE,
  GSO_TCPV4,
  GSO_UDP,
  GSO_TCPV6,
  GSO_UDP_L4,
  GSO_ECN,
} from './offload.js';

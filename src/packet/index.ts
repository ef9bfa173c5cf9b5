/**
 * Zero-copy wire views for the translator (see each file for its RFCs):
 * bind a view to bytes, check() it, then read and write fields in place.
 */
export { PACKET_REASONS, type PacketReason } from './reasons.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './frag6.js';
export * from './icmpv4.js';
export * from './icmpv6.js';
export * from './tcp.js';
export * from './udp.js';
export * from './build.js';

/**
 * The operator's view of packets: tenant, IPv4 and IPv6 addresses with their mapping rule,
 * transport fields, and the translator's verdict (describe.ts); per-tenant counters for whole
 * captures (stats.ts); printing in the tcpdump-like line format (format.ts).
 */
export * from './describe.js';
export { protocolName, icmpName, tcpFlagsText } from './names.js';
export * from './stats.js';
export { formatLine, flowText, tenantColumn, detailLines } from './format.js';

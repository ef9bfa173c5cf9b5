/**
 * `xlat464 decode`: what an IPv6 address, or a whole packet, means in the tenant view.
 *
 *   xlat464 decode --config F ADDRESS...        tenant, IPv4 address and rule of each IPv6 address
 *   xlat464 decode --config F --hex HEX...      each packet (IPv4 or IPv6): tenant, IPv4 view, ports
 *   ... | xlat464 decode --config F --hex       or ICMP, the quoted packet of an ICMP error, and the
 *                                               translator's verdict; one packet per stdin line
 *
 * Without --config or --plan only RFC 6052 well-known-prefix addresses decode, and stderr says so.
 * Exit code: 0 everything decoded, 1 some address not ours or some packet malformed, 2 bad input.
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { formatIPv4, parseIPv6 } from '../address/index.js';
import { PacketInspector, MAX_INSPECT_LEN, wellKnownV4, type PacketDescription } from '../inspect/index.js';
import { detailLines, formatLine } from '../inspect/format.js';
import { EXIT_BAD_INPUT, EXIT_NO_ANSWER, EXIT_OK, NO_TABLE_NOTE, errorLine, inspectSourceFrom, tenantIndex, type InspectSource } from './common.js';

export interface DecodeOptions {
  config?: string;
  plan?: string;
  json?: boolean;
  hex?: boolean;
  tenant?: string;
}

type Sink = (line: string) => void;

export function register(program: Command): void {
  program
    .command('decode')
    .description('print tenant, IPv4 address and rule for IPv6 addresses; with --hex, decode whole packets and show the verdict')
    .option('--config <file>', 'configuration file (.yaml, .yml or .json)')
    .option('--plan <plan>', 'an address plan instead of a config: DOMAIN/LEN+TENANTBITS, e.g. fd00:64::/48+16')
    .option('--json', 'one JSON object per line with stable field names')
    .option('--hex', 'the arguments (or stdin lines, when there are none) are IP packets in hex, IPv4 or IPv6')
    .option('--tenant <name>', 'with --hex: the tenant IPv4 packets come from (default: the only tenant)')
    .argument('[input...]', 'IPv6 addresses, or hex packets with --hex')
    .action(async (inputs: string[], opts: DecodeOptions) => {
      const out: Sink = (line) => process.stdout.write(line + '\n');
      const err: Sink = (line) => process.stderr.write(line + '\n');
      if (opts.hex) {
        process.exitCode = inputs.length > 0 ? decodePackets(inputs, opts, out, err) : await decodePacketStream(process.stdin, opts, out, err);
        return;
      }
      if (inputs.length === 0) {
        err('xlat464: decode: give IPv6 addresses, or --hex with packets (arguments or stdin)');
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      process.exitCode = decode(inputs, opts, out, err);
    });
}

/**
 * Decode each address; returns the exit code (1 when some address is not ours).
 * Text: `tenant=blue ipv4=10.0.0.1 rule=prefix`; an address no tenant owns prints `tenant=- ipv4=- rule=none`;
 * a PLAT prefix shared by several tenants prints `tenant=blue,red`, since the address alone cannot say which.
 * Without a table, addresses under 64:ff9b::/96 print `tenant=- ipv4=8.8.8.8 rule=wkp`.
 */
export function decode(addresses: string[], opts: DecodeOptions, out: Sink, err: Sink): number {
  let src: InspectSource;
  try {
    src = inspectSourceFrom(opts);
  } catch (e) {
    err(errorLine(e));
    return EXIT_BAD_INPUT;
  }
  const table = src.table;
  if (table === null) err(NO_TABLE_NOTE);
  let code = EXIT_OK;
  for (const ipv6 of addresses) {
    let d: { tenant: string | null; tenants?: readonly string[]; ipv4: string; rule: string } | null;
    try {
      d = table !== null ? table.decode(ipv6) : decodeWkp(ipv6);
    } catch (e) {
      err(errorLine(e));
      code = EXIT_BAD_INPUT;
      continue;
    }
    if (d === null) code = Math.max(code, EXIT_NO_ANSWER);
    const tenant = d === null ? null : d.tenant ?? null;
    const shared = d?.tenants;
    if (opts.json) {
      out(JSON.stringify({ ipv6, tenant, ...(shared ? { tenants: shared } : {}), ipv4: d?.ipv4 ?? null, rule: d?.rule ?? null }));
    } else {
      const who = tenant ?? (shared ? shared.join(',') : '-');
      out(`tenant=${who} ipv4=${d?.ipv4 ?? '-'} rule=${d?.rule ?? 'none'}`);
    }
  }
  return code;
}

/** RFC 6052 §2.1 and §3.1: the global IPv4 address under 64:ff9b::/96, or null. @throws XlatError for bad text */
function decodeWkp(ipv6: string): { tenant: null; ipv4: string; rule: 'wkp' } | null {
  const v4 = wellKnownV4(parseIPv6(ipv6), 0);
  return v4 < 0 ? null : { tenant: null, ipv4: formatIPv4(v4), rule: 'wkp' };
}

/**
 * Hex text of one packet: pairs of hex digits; white space, `:` and a leading `0x` are ignored, so
 * Wireshark's "Copy as Hex Stream" and tcpdump -xx output (offsets removed) both paste in.
 * @returns the octets, or a one-line reason
 */
export function parseHexPacket(text: string): Uint8Array | string {
  const hex = text.replace(/^\s*0x/i, '').replace(/[\s:]/g, '');
  if (hex.length === 0) return 'empty packet';
  if (!/^[0-9a-fA-F]*$/.test(hex)) {
    const bad = /[^0-9a-fA-F]/.exec(hex)!;
    return `expected hex digits, got ${JSON.stringify(bad[0])} at digit ${bad.index + 1}`;
  }
  if (hex.length % 2 !== 0) return `expected hex digits in pairs, got ${hex.length} digits`;
  if (hex.length / 2 > MAX_INSPECT_LEN) return `${hex.length / 2} octets is longer than ${MAX_INSPECT_LEN}`;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** The decoder for --hex: inspector plus the IPv4 tenant. @throws XlatError for bad options */
function packetDecoder(opts: DecodeOptions, out: Sink, err: Sink): (text: string, label: string) => number {
  const src = inspectSourceFrom(opts);
  if (src.table === null) err(NO_TABLE_NOTE);
  const tenant = tenantIndex(src.table, opts.tenant, '--tenant');
  const inspector = new PacketInspector({ table: src.table, translator: src.translator });
  return (text, label) => {
    const bytes = parseHexPacket(text);
    if (typeof bytes === 'string') {
      err(`xlat464: ${label}: ${bytes}`);
      return EXIT_BAD_INPUT;
    }
    const d = inspector.describe(bytes, { tenant });
    printPacket(d, opts.json === true, out);
    return d.mark === 'malformed' ? EXIT_NO_ANSWER : EXIT_OK;
  };
}

/** Text: the pcap line format, then the detail (addresses with rules, ICMP numbers, quoted packet, verdict). JSON: the description. */
export function printPacket(d: PacketDescription, json: boolean, out: Sink): void {
  if (json) out(JSON.stringify(d));
  else for (const l of [formatLine(d), ...detailLines(d)]) out(l);
}

/** Decode hex packets given as arguments; returns the exit code. */
export function decodePackets(packets: string[], opts: DecodeOptions, out: Sink, err: Sink): number {
  const one = decoderOrExit(opts, out, err);
  if (typeof one === 'number') return one;
  let code = EXIT_OK;
  packets.forEach((p, i) => {
    code = Math.max(code, one(p, `packet ${i + 1}`));
  });
  return code;
}

/** Decode one hex packet per line of `input` (blank lines and `#` comments skipped); returns the exit code. */
export async function decodePacketStream(input: Readable, opts: DecodeOptions, out: Sink, err: Sink): Promise<number> {
  const one = decoderOrExit(opts, out, err);
  if (typeof one === 'number') return one;
  let code = EXIT_OK;
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    code = Math.max(code, one(line, `line ${n}`));
  }
  return code;
}

/** The decoder, or the exit code after saying on `err` why there is none (bad options or configuration). */
function decoderOrExit(opts: DecodeOptions, out: Sink, err: Sink): ((text: string, label: string) => number) | number {
  try {
    return packetDecoder(opts, out, err);
  } catch (e) {
    err(errorLine(e));
    return EXIT_BAD_INPUT;
  }
}

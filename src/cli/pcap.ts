/**
 * `xlat464 pcap FILE...`: a capture in the tenant view, one line per packet, like tcpdump:
 *
 *   12:00:01.000123 blue 10.0.0.1.40000 > 10.0.0.2.80 tcp [S] len 80  (fd00:64::1:a00:1 > fd00:64::1:a00:2)
 *
 * Reads pcap and pcapng (src/io/capture.ts) over Ethernet with VLAN tags, Linux cooked v1/v2, raw
 * IP and BSD loopback (src/io/link.ts), streaming: memory stays constant on any capture size, and
 * `-` reads stdin so `tcpdump -w - | xlat464 pcap -` works live. Timestamps print in UTC.
 *
 * Which tenant an IPv4 packet belongs to is not in the packet: a pcapng interface whose name is a
 * tenant's `tun` in the configuration names it; else `--ipv4-tenant`; else the only tenant.
 *
 *   --stats              per tenant and direction: packets and bytes, top talkers by IPv4 pair, and
 *                        the drops the translator would make, by reason and tenant
 *   --translate -o OUT   write what the translator would emit for every packet, as a pcap (raw IP)
 *
 * Exit code: 0 every input read to its end; 1 some input ended inside a record (a truncated
 * capture; everything before it was decoded); 2 bad usage, an unreadable file, or not a capture.
 */
import type { Command } from 'commander';
import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { WasmChecksum } from '../checksum/index.js';
import { XlatError } from '../errors.js';
import { CaptureStats, PacketInspector, formatLine, MAX_INSPECT_LEN, type InspectorMemory, type PacketDescription, type StatsReport } from '../inspect/index.js';
import { CaptureReader, type CaptureInterface, type CaptureRecord } from '../io/capture.js';
import { findIp, LinkInfo, linkTypeName, LINK_IP, LINK_NOT_IP, LINK_TRUNCATED } from '../io/link.js';
import { LINKTYPE_RAW, pcapGlobalHeader } from '../io/pcap.js';
import { HEADROOM, SCRATCH_LEN, TO_IPV4, Translator, Verdict } from '../translate/index.js';
import { EXIT_BAD_INPUT, EXIT_NO_ANSWER, EXIT_OK, NO_TABLE_NOTE, errorLine, inspectSourceFrom, tenantIndex, type InspectSource } from './common.js';

export interface PcapOptions {
  config?: string;
  plan?: string;
  tenant?: string;
  ipv4Tenant?: string;
  json?: boolean;
  stats?: boolean;
  top?: string;
  count?: string;
  translate?: boolean;
  output?: string;
  progress?: boolean;
}

/** Where the command writes; tests pass their own. */
export interface PcapIo {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

export function register(program: Command): void {
  program
    .command('pcap')
    .description('decode pcap/pcapng captures into the tenant view: one line per packet, --stats, or --translate -o OUT.pcap')
    .option('--config <file>', 'configuration file (.yaml, .yml or .json): tenants, devices, and the translator for verdicts')
    .option('--plan <plan>', 'an address plan instead of a config: DOMAIN/LEN+TENANTBITS (no verdicts)')
    .option('--tenant <name>', "show only this tenant's packets")
    .option('--ipv4-tenant <name>', 'the tenant IPv4 packets belong to, when the capture does not say (pcapng interface named as the tenant\'s tun)')
    .option('--json', 'one JSON object per packet (with --stats: one object for the whole report)')
    .option('--stats', 'per tenant and direction: packets, bytes, top talkers, drops by reason')
    .option('--top <n>', 'talkers listed per tenant with --stats', '10')
    .option('-c, --count <n>', 'stop after n packets')
    .option('--translate', 'write what the translator would emit for each packet (needs --config and -o)')
    .option('-o, --output <file>', 'with --translate: the pcap file to write (raw IP link type)')
    .option('--no-progress', 'no progress line on stderr (it is shown only when stderr is a terminal)')
    .argument('<file...>', 'capture files; - for stdin')
    .action(async (files: string[], opts: PcapOptions) => {
      process.exitCode = await pcap(files, opts, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    });
}

function positive(name: string, text: string | undefined, dflt: number): number {
  if (text === undefined) return dflt;
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new XlatError('ERR_XLAT_USAGE', `${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** `12:00:01.000123`, UTC, microseconds (tcpdump's default precision). */
export function timeText(sec: number, nsec: number): string {
  const d = sec % 86400;
  const hh = Math.floor(d / 3600);
  const mm = Math.floor((d % 3600) / 60);
  const ss = d % 60;
  const us = Math.floor(nsec / 1000);
  return `${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}:${ss < 10 ? '0' : ''}${ss}.${String(us).padStart(6, '0')}`;
}

/** Epoch time with nanoseconds, as a string (a double cannot hold it): `1700000000.000123000`. */
export function epochText(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

/** Packet memory in the WASM arena when the module loads (fast checksums), else plain arrays. */
function memoryFor(buffers: number): InspectorMemory | undefined {
  try {
    const cs = WasmChecksum.load({ memoryBytes: buffers * (HEADROOM + MAX_INSPECT_LEN + SCRATCH_LEN + 128) });
    return { checksum: cs, alloc: (n) => cs.arena(n) };
  } catch {
    return undefined;
  }
}

/** Runs the command; resolves with the exit code. Never throws. */
export async function pcap(files: string[], opts: PcapOptions, io: PcapIo): Promise<number> {
  const say = (line: string): void => void io.stderr.write(line + '\n');
  let src: InspectSource;
  let only = -1;
  let ipv4Tenant = -1;
  let top: number;
  let limit: number;
  try {
    src = inspectSourceFrom(opts);
    if (opts.tenant !== undefined) only = tenantIndex(src.table, opts.tenant, '--tenant');
    ipv4Tenant = tenantIndex(src.table, opts.ipv4Tenant, '--ipv4-tenant');
    top = positive('--top', opts.top, 10);
    limit = positive('--count', opts.count, Infinity);
    if (opts.translate && opts.output === undefined) throw new XlatError('ERR_XLAT_USAGE', '--translate needs -o OUT.pcap');
    if (opts.output !== undefined && !opts.translate) throw new XlatError('ERR_XLAT_USAGE', '-o is for --translate');
    if (opts.translate && src.translator === null) throw new XlatError('ERR_XLAT_USAGE', '--translate needs --config (the translator section decides what is emitted)');
    if (opts.translate && opts.stats) throw new XlatError('ERR_XLAT_USAGE', 'give --translate or --stats, not both');
    if (files.filter((f) => f === '-').length > 1) throw new XlatError('ERR_XLAT_USAGE', 'stdin (-) can be read once');
    if (opts.output !== undefined && files.some((f) => f !== '-' && resolve(f) === resolve(opts.output!))) {
      throw new XlatError('ERR_XLAT_USAGE', `-o ${JSON.stringify(opts.output)} is also an input: it would be overwritten before it is read`);
    }
  } catch (e) {
    say(errorLine(e));
    return EXIT_BAD_INPUT;
  }
  if (src.table === null) say(NO_TABLE_NOTE);

  const memory = memoryFor(1);
  const run = new PcapRun(src, opts, io, only, ipv4Tenant, limit, memory);
  let code = EXIT_OK;
  try {
    await run.open();
    for (const file of files) {
      if (run.done) break;
      const c = await run.readFile(file);
      code = Math.max(code, c);
      if (c === EXIT_BAD_INPUT && files.length === 1) break;
    }
    await run.finish(top);
  } catch (e) {
    say(errorLine(e));
    return EXIT_BAD_INPUT;
  }
  return code;
}

/** One invocation: the reader callbacks, the output buffer, and what they count. */
class PcapRun {
  private readonly inspector: PacketInspector | null;
  private readonly stats: CaptureStats | null;
  private readonly translator: Translator | null = null;
  private readonly tbuf: Uint8Array = new Uint8Array(0);
  private readonly verdict = new Verdict();
  private readonly link = new LinkInfo();
  /** Tenant index per interface of the current section (-1: not a tenant's device). */
  private ifaceTenant: number[] = [];
  private ifaceNames: (string | null)[] = [];
  private out: string[] = [];
  private outLen = 0;
  private pcapOut: WriteStream | null = null;
  private pcapParts: Uint8Array[] = [];
  private seen = 0;
  private written = 0;
  private dropped = 0;
  /** --translate: records not given to the translator (cut by the snap length, not IP, IPv4 of unknown tenant). */
  private untranslated = 0;
  private malformed = 0;
  done = false;

  constructor(
    private readonly src: InspectSource,
    private readonly opts: PcapOptions,
    private readonly io: PcapIo,
    private readonly only: number,
    private readonly ipv4Tenant: number,
    private readonly limit: number,
    memory: InspectorMemory | undefined,
  ) {
    const base = { table: src.table, translator: src.translator, ...(memory ? { memory } : {}) };
    this.stats = opts.stats ? new CaptureStats({ ...base, only }) : null;
    this.inspector = !opts.stats && !opts.translate ? new PacketInspector(base) : null;
    if (opts.translate && src.table !== null && src.translator !== null) {
      const alloc = memory?.alloc ?? ((n: number) => new Uint8Array(n));
      this.tbuf = alloc(HEADROOM + MAX_INSPECT_LEN);
      this.translator = new Translator(src.table, src.translator, memory?.checksum, alloc(SCRATCH_LEN));
    }
  }

  async open(): Promise<void> {
    if (this.opts.output === undefined) return;
    const ws = createWriteStream(this.opts.output);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (e: NodeJS.ErrnoException) => reject(new XlatError('ERR_XLAT_OUTPUT', `cannot write ${JSON.stringify(this.opts.output)}: ${e.code ?? e.message}`)));
    });
    ws.write(pcapGlobalHeader(LINKTYPE_RAW, true));
    this.pcapOut = ws;
  }

  private onInterface = (i: CaptureInterface): void => {
    if (i.index === 0) {
      this.ifaceTenant = [];
      this.ifaceNames = [];
    }
    const t = i.name === null ? undefined : this.src.tenantByDevice.get(i.name);
    this.ifaceTenant[i.index] = t ?? -1;
    this.ifaceNames[i.index] = i.name;
  };

  private onRecord = (r: CaptureRecord): void => {
    if (this.done) return;
    this.seen++;
    if (this.seen >= this.limit) this.done = true;
    const info = this.link;
    const status = findIp(r.linkType, r.buf, info, r.off, r.capLen);
    const ipLen = r.off + r.capLen - info.off;
    // The capture cut the packet when it holds fewer octets than the wire carried.
    const cut = r.capLen < r.origLen;
    let tenant = this.ifaceTenant[r.iface] ?? -1;
    if (tenant < 0) tenant = this.ipv4Tenant;
    if (this.stats !== null) {
      if (status === LINK_IP) this.stats.add(r.buf, info.off, ipLen, tenant, cut);
      else if (status === LINK_TRUNCATED) this.stats.malformed++;
      else this.stats.addNonIp();
      return;
    }
    if (this.translator !== null) {
      if (status === LINK_IP && !cut) this.translate(r, info.off, ipLen, tenant);
      else this.untranslated++;
      return;
    }
    if (status !== LINK_IP) {
      if (this.only >= 0) return;
      const what = status === LINK_NOT_IP ? `non-IP frame (${linkTypeName(r.linkType)}${info.proto >= 0 ? ` proto 0x${info.proto.toString(16).padStart(4, '0')}` : ''})` : status === LINK_TRUNCATED ? `[truncated] ${linkTypeName(r.linkType)} header` : `unsupported link type ${linkTypeName(r.linkType)}`;
      if (status === LINK_TRUNCATED) this.malformed++;
      this.emit(this.opts.json ? JSON.stringify({ ...this.frameFields(r), ip: false, note: what }) : `${timeText(r.sec, r.nsec)} ${what} len ${r.capLen}`);
      return;
    }
    const d = this.inspector!.describe(r.buf.subarray(info.off, info.off + ipLen), { tenant, cut });
    if (this.only >= 0 && !this.belongs(d)) return;
    if (d.mark === 'malformed') this.malformed++;
    this.emit(this.opts.json ? JSON.stringify({ ...this.frameFields(r), ip: true, ...d }) : `${timeText(r.sec, r.nsec)} ${formatLine(d)}`);
  };

  private belongs(d: PacketDescription): boolean {
    const name = this.src.table!.nameOf(this.only);
    return d.tenant === name || d.src.tenant === name || d.dst.tenant === name;
  }

  private frameFields(r: CaptureRecord): Record<string, unknown> {
    return {
      number: r.number,
      time: epochText(r.sec, r.nsec),
      interface: this.ifaceNames[r.iface] ?? r.iface,
      vlan: this.link.vlan >= 0 ? this.link.vlan : null,
      direction: r.direction ?? this.link.direction,
      captured: r.capLen,
      wire: r.origLen,
    };
  }

  private translate(r: CaptureRecord, off: number, len: number, tenant: number): void {
    const version = r.buf[off]! >> 4;
    if (len > MAX_INSPECT_LEN || (version === 4 && tenant < 0) || (version !== 4 && version !== 6)) {
      this.untranslated++;
      return;
    }
    if (this.only >= 0 && version === 4 && tenant !== this.only) return;
    this.tbuf.set(r.buf.subarray(off, off + len), HEADROOM);
    const v = this.verdict;
    if (version === 4) this.translator!.from4(tenant, this.tbuf, HEADROOM, len, v);
    else this.translator!.from6(this.tbuf, HEADROOM, len, v);
    if (v.drop !== null) this.dropped++;
    for (let i = 0; i < v.count; i++) {
      if (this.only >= 0 && version === 6 && v.to[i] === TO_IPV4 && v.tenant[i] !== this.only) continue;
      const p = v.packet(i);
      const rec = new Uint8Array(16 + p.length);
      const dv = new DataView(rec.buffer);
      dv.setUint32(0, r.sec, true);
      dv.setUint32(4, r.nsec, true);
      dv.setUint32(8, p.length, true);
      dv.setUint32(12, p.length, true);
      rec.set(p, 16);
      this.pcapParts.push(rec);
      this.outLen += rec.length;
      this.written++;
    }
  }

  private emit(line: string): void {
    this.out.push(line);
    this.outLen += line.length + 1;
  }

  /** Write what the last chunk produced, waiting for the reader of stdout (or the file) to keep up. */
  private async flush(): Promise<void> {
    if (this.out.length > 0) {
      const text = this.out.join('\n') + '\n';
      this.out = [];
      if (!this.io.stdout.write(text)) await once(this.io.stdout, 'drain');
    }
    if (this.pcapParts.length > 0 && this.pcapOut !== null) {
      const buf = Buffer.concat(this.pcapParts);
      this.pcapParts = [];
      if (!this.pcapOut.write(buf)) await once(this.pcapOut, 'drain');
    }
    this.outLen = 0;
  }

  /** Read one file (or stdin); returns its exit code. */
  async readFile(file: string): Promise<number> {
    const label = file === '-' ? 'stdin' : file;
    let input: Readable;
    let size = 0;
    if (file === '-') input = this.io.stdin;
    else {
      try {
        size = statSync(file).size;
      } catch (e) {
        this.say(`xlat464: ${label}: ${(e as NodeJS.ErrnoException).code ?? 'cannot read'}`);
        return EXIT_BAD_INPUT;
      }
      input = createReadStream(file, { highWaterMark: 1 << 20 });
    }
    const reader = new CaptureReader(this.onRecord, { onInterface: this.onInterface });
    // On a terminal, unless per-packet lines go to the same terminal.
    const progress = this.opts.progress !== false && this.io.stderr.isTTY === true && (this.stats !== null || this.translator !== null || this.io.stdout.isTTY !== true);
    let read = 0;
    let lastShown = Date.now();
    const show = (last: boolean): void => {
      const pct = size > 0 ? ` (${Math.floor((100 * read) / size)}%)` : '';
      this.io.stderr.write(`\r${label}: ${reader.packets} packets, ${(read / 1e6).toFixed(0)} MB${pct}${last ? '\n' : '   '}`);
    };
    try {
      for await (const chunk of input as AsyncIterable<Uint8Array>) {
        read += chunk.length;
        reader.push(chunk);
        if (this.outLen > 0) await this.flush();
        if (progress && Date.now() - lastShown > 500) {
          lastShown = Date.now();
          show(false);
        }
        if (this.done) break;
      }
    } catch (e) {
      if (progress) show(true);
      await this.flush();
      const msg = e instanceof XlatError ? `${e.message} (${e.code})` : `${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      this.say(`xlat464: ${label}: ${msg}`);
      (input as Readable).destroy?.();
      return EXIT_BAD_INPUT;
    }
    if (progress) show(true);
    await this.flush();
    if (this.done) {
      if (file !== '-') input.destroy();
      return EXIT_OK;
    }
    const end = reader.end();
    if (!end.complete) {
      this.say(`xlat464: ${label}: ${end.reason}${end.offset !== undefined ? ` at offset ${end.offset}` : ''}, after ${reader.packets} packets`);
      return EXIT_NO_ANSWER;
    }
    return EXIT_OK;
  }

  private say(line: string): void {
    this.io.stderr.write(line + '\n');
  }

  async finish(top: number): Promise<void> {
    if (this.stats !== null) {
      const rep = this.stats.report(top);
      const text = this.opts.json ? JSON.stringify(rep) + '\n' : statsText(rep);
      if (!this.io.stdout.write(text)) await once(this.io.stdout, 'drain');
    }
    if (this.pcapOut !== null) {
      await this.flush();
      const ws = this.pcapOut;
      await new Promise<void>((resolve, reject) => ws.end((e?: Error | null) => (e ? reject(e) : resolve())));
      this.say(`xlat464: wrote ${this.written} packets to ${this.opts.output} (${this.dropped} inputs dropped by the translator; ${this.untranslated} records not translated: cut, not IP, or IPv4 of unknown tenant)`);
    }
    if (this.malformed > 0 && this.inspector !== null) this.say(`xlat464: ${this.malformed} malformed packets`);
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The --stats report as text tables. */
export function statsText(r: StatsReport): string {
  const lines: string[] = [];
  lines.push(`${r.packets} IP packets, ${r.bytes} bytes; ${r.nonIp} non-IP, ${r.truncated} cut by the snap length, ${r.malformed} malformed`);
  lines.push('');
  lines.push(`${pad('tenant', 16)} ${pad('direction', 9)} ${pad('packets', 12)} bytes`);
  for (const t of r.tenants) lines.push(`${pad(t.tenant ?? '-', 16)} ${pad(t.direction, 9)} ${pad(String(t.packets), 12)} ${t.bytes}`);
  if (r.talkers.length > 0) {
    lines.push('');
    lines.push(`${pad('tenant', 16)} ${pad('talkers (IPv4)', 34)} ${pad('packets', 12)} bytes`);
    for (const t of r.talkers) lines.push(`${pad(t.tenant, 16)} ${pad(`${t.src} > ${t.dst}`, 34)} ${pad(String(t.packets), 12)} ${t.bytes}`);
  }
  if (r.untrackedPairs > 0) lines.push(`(${r.untrackedPairs} packets of address pairs beyond the tracking limit are not in the talkers list)`);
  lines.push('');
  if (!r.verdicts) lines.push('drops: no verdicts without --config');
  else if (r.drops.length === 0) lines.push('drops: none: the translator would pass on every packet');
  else {
    lines.push(`${pad('tenant', 16)} ${pad('drop reason', 34)} packets`);
    for (const d of r.drops) lines.push(`${pad(d.tenant ?? '-', 16)} ${pad(d.reason, 34)} ${d.packets}`);
  }
  return lines.join('\n') + '\n';
}

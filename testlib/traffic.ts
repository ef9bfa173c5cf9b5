/**
 * Small traffic tools the end-to-end tests run inside namespaces (`ip netns exec NS node
 * dist/testlib/traffic.js CMD ...`), so the tests need no socat, nc or curl. Each tool prints
 * "ready" (or "listening") once it can be talked to, and its result as one JSON line.
 *
 *   tun-read NAME COUNT TIMEOUT_MS [4|6 [HEX]]  attach to TUN NAME, print up to COUNT packets (hex) of that
 *                                          IP version (0: any) containing HEX (e.g. an address)
 *   tcp-serve PORT                         accept one connection, print {"bytes","sha256"} of all it received
 *   tcp-send HOST PORT BYTES [BYTES_PER_S] send BYTES random octets (paced), print {"bytes","sha256"}
 *   tun-write NAME HEX...                  attach to TUN NAME and write each hex string as one packet
 *   udp-echo PORT                          echo every datagram back to its sender, print {"from","text"}
 *   udp-ping HOST PORT COUNT               send COUNT datagrams, print {"sent","received"}
 *   udp6-send SRC DST PORT TEXT            one UDP/IPv6 datagram from a chosen source address
 *   http-get URL                           print the body (for /metrics without curl)
 *   soak-serve PORT MARKER                 TCP and UDP on PORT until SIGTERM: each TCP stream is MARKER, a u64
 *                                          length, that many octets, answered with their SHA-256; each
 *                                          datagram starts with MARKER. Anything with another marker counts
 *                                          as wrong-tenant. Prints {"ready"}, then its totals at SIGTERM.
 *   soak-send HOST PORT MARKER BYTES PPS   until SIGTERM: TCP transfers of BYTES back to back, each checked
 *                                          against the server's SHA-256, and PPS datagrams/s of UDP; totals at SIGTERM
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import http from 'node:http';
import { TunDevice } from '../src/io/index.js';

const [cmd, ...args] = process.argv.slice(2);
const arg = (i: number): string => {
  const v = args[i];
  if (v === undefined) throw new Error(`${cmd}: argument ${i + 1} missing`);
  return v;
};
const print = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');

/** Attaches to a TUN as it was created: single-queue, or (EINVAL) multi-queue as scripts/topology.sh makes them. */
function attach(name: string): TunDevice {
  try {
    return TunDevice.open(name, { create: true });
  } catch (e) {
    if ((e as { code?: string }).code !== 'EINVAL') throw e;
    return TunDevice.open(name, { create: true, multiQueue: true });
  }
}

async function main(): Promise<void> {
  switch (cmd) {
    case 'tun-read': {
      const dev = attach(arg(0));
      const want = Number(arg(1));
      const deadline = Date.now() + Number(arg(2));
      const version = args[3] === undefined ? 0 : Number(args[3]);
      const needle = args[4] === undefined ? undefined : Buffer.from(args[4], 'hex');
      const bufs = [new Uint8Array(65536)];
      const sizes = new Int32Array(1);
      print({ ready: dev.name, mtu: dev.mtu });
      let got = 0;
      // This process does nothing else, so blocking its only thread in readBatch is fine.
      while (got < want && Date.now() < deadline) {
        if (dev.readBatch(bufs, sizes, 0, 1, 200) === 0) continue;
        const p = bufs[0]!.subarray(0, sizes[0]!);
        if (version !== 0 && p[0]! >> 4 !== version) continue;
        if (needle !== undefined && Buffer.from(p.buffer, p.byteOffset, p.length).indexOf(needle) < 0) continue;
        print({ packet: Buffer.from(p).toString('hex') });
        got++;
      }
      dev.close();
      return;
    }
    case 'tun-write': {
      const dev = attach(arg(0));
      const pkts = args.slice(1).map((h) => Buffer.from(h, 'hex'));
      const n = dev.writeBatch(pkts, new Int32Array(pkts.length), Int32Array.from(pkts, (p) => p.length), pkts.length);
      dev.close();
      print({ written: n });
      return;
    }
    case 'tcp-serve': {
      const server = net.createServer((sock) => {
        const h = createHash('sha256');
        let bytes = 0;
        sock.on('data', (d) => {
          h.update(d);
          bytes += d.length;
        });
        sock.on('end', () => {
          print({ bytes, sha256: h.digest('hex') });
          sock.end();
          server.close();
        });
        sock.on('error', (e) => {
          print({ error: e.message, bytes });
          process.exitCode = 1;
          server.close();
        });
      });
      server.listen(Number(arg(0)), '0.0.0.0', () => print({ listening: Number(arg(0)) }));
      return;
    }
    case 'tcp-send': {
      const total = Number(arg(2));
      const rate = args[3] === undefined ? 0 : Number(args[3]);
      const h = createHash('sha256');
      const sock = net.connect(Number(arg(1)), arg(0));
      await new Promise<void>((resolve, reject) => {
        sock.once('connect', resolve);
        sock.once('error', reject);
      });
      print({ connected: true });
      const chunk = 16384;
      const start = Date.now();
      let sent = 0;
      while (sent < total) {
        const data = randomBytes(Math.min(chunk, total - sent));
        h.update(data);
        sent += data.length;
        if (!sock.write(data)) await new Promise((r) => sock.once('drain', r));
        if (rate > 0) {
          const ahead = sent / rate - (Date.now() - start) / 1000;
          if (ahead > 0) await new Promise((r) => setTimeout(r, ahead * 1000));
        }
      }
      const digest = h.digest('hex');
      sock.end();
      await new Promise<void>((resolve, reject) => {
        sock.once('close', () => resolve());
        sock.once('error', reject);
      });
      print({ bytes: sent, sha256: digest, ms: Date.now() - start });
      return;
    }
    case 'udp-echo': {
      const sock = dgram.createSocket('udp4');
      sock.on('message', (msg, rinfo) => {
        print({ from: `${rinfo.address}:${rinfo.port}`, text: msg.toString() });
        sock.send(msg, rinfo.port, rinfo.address);
      });
      sock.bind(Number(arg(0)), '0.0.0.0', () => print({ listening: Number(arg(0)) }));
      return;
    }
    case 'udp-ping': {
      const count = Number(arg(2));
      const sock = dgram.createSocket('udp4');
      let received = 0;
      const seen = new Set<string>();
      sock.on('message', (msg) => {
        if (!seen.has(msg.toString())) received++;
        seen.add(msg.toString());
      });
      await new Promise<void>((r) => sock.bind(0, r));
      for (let i = 0; i < count; i++) {
        sock.send(Buffer.from(`udp ${i} ${randomBytes(8).toString('hex')}`), Number(arg(1)), arg(0));
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 500));
      print({ sent: count, received });
      sock.close();
      return;
    }
    case 'udp6-send': {
      const sock = dgram.createSocket('udp6');
      await new Promise<void>((r) => sock.bind(0, arg(0), r));
      await new Promise<void>((resolve, reject) => sock.send(Buffer.from(arg(3)), Number(arg(2)), arg(1), (e) => (e ? reject(e) : resolve())));
      print({ sent: true, from: arg(0), to: arg(1) });
      sock.close();
      return;
    }
    case 'http-get': {
      const body = await new Promise<string>((resolve, reject) => {
        http
          .get(arg(0), (res) => {
            let s = '';
            res.setEncoding('utf8').on('data', (d: string) => (s += d));
            res.on('end', () => resolve(s));
          })
          .on('error', reject);
      });
      process.stdout.write(body);
      return;
    }
    case 'soak-serve':
      return soakServe(Number(arg(0)), Buffer.from(arg(1)));
    case 'soak-send':
      return soakSend(arg(0), Number(arg(1)), Buffer.from(arg(2)), Number(arg(3)), Number(arg(4)));
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

/** Octets in front of a soak TCP stream: the marker (its length agreed by both ends) and a u64 length. */
const soakHeaderLen = (marker: Buffer): number => marker.length + 8;

function soakServe(port: number, marker: Buffer): void {
  const t = { tcpStreams: 0, tcpBytes: 0, tcpWrongTenant: 0, tcpShort: 0, udpOk: 0, udpWrongTenant: 0, udpWrongSamples: [] as string[] };
  const hl = soakHeaderLen(marker);
  const server = net.createServer((sock) => {
    let head = Buffer.alloc(0);
    let want = -1;
    let got = 0;
    const h = createHash('sha256');
    sock.on('data', (d: Buffer) => {
      if (want < 0) {
        head = Buffer.concat([head, d]);
        if (head.length < hl) return;
        if (!head.subarray(0, marker.length).equals(marker)) {
          t.tcpWrongTenant++;
          sock.destroy();
          return;
        }
        want = Number(head.readBigUInt64BE(marker.length));
        d = head.subarray(hl);
      }
      h.update(d);
      got += d.length;
      t.tcpBytes += d.length;
      if (got >= want) {
        t.tcpStreams++;
        sock.end(h.digest());
      }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (want < 0 || got < want) t.tcpShort++;
    });
  });
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg) => {
    if (msg.length >= marker.length && msg.subarray(0, marker.length).equals(marker)) t.udpOk++;
    else {
      t.udpWrongTenant++;
      if (t.udpWrongSamples.length < 5) t.udpWrongSamples.push(msg.subarray(0, 32).toString('hex'));
    }
  });
  let up = 0;
  const ready = (): void => void (++up === 2 && print({ ready: true, port }));
  server.listen(port, '0.0.0.0', ready);
  udp.bind(port, '0.0.0.0', ready);
  process.once('SIGTERM', () => {
    print({ marker: marker.toString(), ...t });
    process.exit(0);
  });
}

function soakSend(host: string, port: number, marker: Buffer, bytes: number, pps: number): void {
  const t = { transfers: 0, tcpBytes: 0, hashMismatches: 0, tcpErrors: 0, tcpErrorSamples: [] as string[], udpSent: 0 };
  const body = randomBytes(bytes);
  let stop = false;
  const transfer = (): Promise<void> =>
    new Promise<void>((resolve) => {
      // A fresh nonce in front of the fixed body: every transfer's content (and hash) differs.
      const nonce = randomBytes(16);
      const expect = createHash('sha256').update(nonce).update(body).digest();
      const head = Buffer.alloc(soakHeaderLen(marker));
      marker.copy(head);
      head.writeBigUInt64BE(BigInt(16 + bytes), marker.length);
      const sock = net.connect(port, host);
      let answer = Buffer.alloc(0);
      // Longer than a daemon restart and a few TCP retransmissions; a stalled transfer is an error.
      sock.setTimeout(60000, () => sock.destroy(new Error('stalled 60 s')));
      sock.once('connect', () => {
        sock.write(head);
        sock.write(nonce);
        sock.write(body);
      });
      sock.on('data', (d: Buffer) => (answer = Buffer.concat([answer, d])));
      sock.on('error', (e) => {
        t.tcpErrors++;
        if (t.tcpErrorSamples.length < 5) t.tcpErrorSamples.push(e.message);
      });
      sock.on('close', (hadError) => {
        if (!hadError) {
          if (answer.equals(expect)) {
            t.transfers++;
            t.tcpBytes += 16 + bytes;
          } else t.hashMismatches++;
        }
        resolve();
      });
    });
  void (async () => {
    while (!stop) {
      const before = t.tcpErrors;
      await transfer();
      if (t.tcpErrors > before) await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const udp = dgram.createSocket('udp4');
  let seq = 0;
  const dgramBuf = Buffer.alloc(marker.length + 200, 0x5a);
  marker.copy(dgramBuf);
  // Bursts every 10 ms: timers cannot pace single datagrams at thousands per second.
  const perTick = Math.max(1, Math.round(pps / 100));
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      dgramBuf.writeUInt32BE(seq++ >>> 0, marker.length);
      udp.send(dgramBuf, port, host);
      t.udpSent++;
    }
  }, 10);
  print({ ready: true });
  process.once('SIGTERM', () => {
    stop = true;
    clearInterval(timer);
    print({ marker: marker.toString(), ...t });
    process.exit(0);
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`traffic ${cmd}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

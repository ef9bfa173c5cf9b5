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

async function main(): Promise<void> {
  switch (cmd) {
    case 'tun-read': {
      const dev = TunDevice.open(arg(0), { create: true });
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
      const dev = TunDevice.open(arg(0), { create: true });
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
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`traffic ${cmd}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

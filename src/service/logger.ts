/**
 * The daemon's logger: pino, JSON lines on stdout, synchronous writes (so "ready" is out before
 * anyone waits for it, and nothing is lost at exit). Never called per packet.
 */
import { pino, type Logger } from 'pino';

export function createLogger(level: string, destination: NodeJS.WritableStream | number = 1): Logger {
  const dest = typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : destination;
  return pino({ level, base: { pid: process.pid, name: 'xlat464' } }, dest);
}

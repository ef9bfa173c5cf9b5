/**
 * The configuration file: one schema for the library, the CLI and the daemon.
 *
 * Everything an operator writes is checked here, strictly (unknown keys refused), so that a typo
 * is an error naming the field and the value, not a silently ignored setting. The tenant and plan
 * parts are the address library's own schemas; this file adds the translator's RFC 7915 knobs and
 * the daemon's sections. The `translator:` values stay as the operator wrote them;
 * `resolveTranslator()` turns them into the numbers the packet path uses.
 *
 * Why src/config and not src/service: the library's `TenantTable.fromConfig`, the ops CLI and the
 * daemon all read the same file, and the translator core needs the resolved options, so the schema
 * sits below all of them instead of inside the daemon.
 */
import { z } from 'zod';
import { addXlatIssue, isLinuxIfname, parseIPv4, parseIPv6, parsePrefix4, parsePrefix6, planSchema, tenantSchema } from '../address/index.js';
import { XlatError } from '../errors.js';

/** A string field whose value must pass one of the address library's strict parsers. */
function parsed(parse: (s: string) => unknown) {
  return z.string().superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (e) {
      if (!(e instanceof XlatError)) throw e;
      addXlatIssue(ctx, e, value);
    }
  });
}

/** RFC 1191 §7: the plateau table a translator uses when a Packet Too Big carries no usable MTU. */
export const DEFAULT_MTU_PLATEAUS = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68] as const;

const mtu = (min: number) => z.number().int().min(min).max(65535);

/** `translator:` — the RFC 7915 behaviour switches. Defaults are the values in the README. */
export const translatorSchema = z.strictObject({
  /** Own IPv4 address: source of the ICMPv4 errors the translator generates. */
  ipv4: parsed(parseIPv4),
  /** Own IPv6 address: source of the ICMPv6 errors the translator generates. */
  ipv6: parsed(parseIPv6),
  /** Next-hop MTU on the IPv4 side in octets (the daemon reads it from the tenant TUNs). RFC 791: at least 68. */
  ipv4Mtu: mtu(68).default(1500),
  /** Next-hop MTU on the IPv6 side in octets (the daemon reads it from the fabric TUN). RFC 8200 §5: at least 1280. */
  ipv6Mtu: mtu(1280).default(1500),
  /** RFC 7915 §4 / §6: DF=0 IPv4 packets are fragmented to fit this many octets of IPv6. */
  lowestIpv6Mtu: mtu(1280).default(1280),
  /** RFC 7915 §4.5: compute a checksum for unfragmented IPv4 UDP packets that carry zero. */
  amendUdpZeroChecksum: z.boolean().default(false),
  /** RFC 6791: IPv4 pool for ICMPv6 errors whose source cannot be translated; null means translator.ipv4. */
  rfc6791v4: parsed(parsePrefix4).nullable().default(null),
  /** RFC 6791 the other way: IPv6 prefix for ICMPv4 errors whose source cannot be translated; null means translator.ipv6. */
  rfc6791v6: parsed(parsePrefix6).nullable().default(null),
  /** RFC 7757 §4.2 hairpinning of EAM traffic. */
  eamHairpin: z.enum(['off', 'simple', 'intrinsic']).default('intrinsic'),
  /** RFC 7915 §4.1, IPv4 -> IPv6: copy the TOS octet into Traffic Class, or write zero. */
  trafficClass: z.enum(['copy', 'zero']).default('copy'),
  /** RFC 7915 §5.1, IPv6 -> IPv4: copy Traffic Class into TOS, or write this value. */
  tos: z.union([z.literal('copy'), z.number().int().min(0).max(255)]).default('copy'),
  /** RFC 7915 §4.2 / RFC 1191: MTU plateaus for a Fragmentation Needed with MTU zero, largest first. */
  mtuPlateaus: z
    .array(mtu(68))
    .min(1)
    .superRefine((list, ctx) => {
      for (let i = 1; i < list.length; i++) {
        if (list[i]! >= list[i - 1]!) {
          ctx.addIssue({ code: 'custom', path: [i], message: `expected plateaus in strictly decreasing order, got ${list[i]} after ${list[i - 1]}` });
        }
      }
    })
    .default([...DEFAULT_MTU_PLATEAUS]),
});

/** A Linux interface name: IFNAMSIZ is 16 with the NUL, so 1..15 characters, no '/', no white space, not '.' or '..'. */
export const ifnameSchema = z.string().refine(isLinuxIfname, 'expected a Linux interface name (1-15 bytes, no "/", ":" or white space)');

/** `host:port`, IPv6 hosts in brackets. The default never listens on a public address. */
const listenSchema = z.string().superRefine((value, ctx) => {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : -1;
  if (!m || port < 1 || port > 65535) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port (e.g. 127.0.0.1:9464 or [::1]:9464)' });
    return;
  }
  try {
    if (m[1] !== undefined) parseIPv6(m[1]);
    else parseIPv4(m[2]!);
  } catch (e) {
    if (!(e instanceof XlatError)) throw e;
    addXlatIssue(ctx, e, value);
  }
});

export const fabricSchema = z.strictObject({ tun: ifnameSchema });
export const metricsSchema = z.strictObject({ listen: listenSchema.default('127.0.0.1:9464') });

/** pino's levels, quietest last; `log.level` and `xlat464 run --log-level` take one of them. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const logSchema = z.strictObject({ level: z.enum(LOG_LEVELS).default('info') });

/**
 * `user:` the daemon switches to after opening its devices: a user name (looked up in /etc/passwd)
 * or a numeric uid. Names follow useradd's NAME_REGEX, so nothing shell-like gets through.
 */
export const userSchema = z.union([
  z.string().regex(/^[a-z_][a-z0-9_-]{0,31}\$?$/, 'expected a user name ([a-z_][a-z0-9_-]*, at most 32 characters) or a uid'),
  z.number().int().min(0).max(0xfffffffe),
]);

/**
 * `io:` how the daemon drives its TUN devices. Fixed for the life of the process: a reload that
 * changes it is refused (the devices would have to be reopened).
 */
export const ioSchema = z.strictObject({
  /**
   * IFF_VNET_HDR with checksum and segmentation offloads (TSO4/6, USO4/6 where the kernel has them):
   * TCP and UDP arrive and leave as GSO super-packets of up to 64 KiB, translated whole.
   */
  offload: z.boolean().default(true),
  /**
   * IFF_MULTI_QUEUE queues per device, one worker thread each (default: the cores this process may
   * run on). The kernel's flow hash keeps each flow on one queue.
   */
  queues: z.number().int().min(1).max(64).optional(),
  /**
   * Each batch of reads, and each batch of writes to a device, in one io_uring_enter(2) instead of
   * a system call per packet (where io_uring works; else the system calls).
   */
  uring: z.boolean().default(false),
  /**
   * Busy poll, microseconds (0-10000): a worker whose queue is empty keeps looking for this long
   * before it sleeps. A sleeping worker pays a wake-up for every packet that comes alone
   * (request/response traffic; several µs on an idle core, more in a virtual machine); a polling
   * one pays CPU instead: up to this long after each such packet, a whole core per worker while
   * packets come closer together than this. 0 (default) sleeps at once.
   */
  // 10000 = MAX_BUSY_POLL_US of src/io/tun.ts (and native-tun's SPIN_MAX_US), not imported: the
  // configuration schema stays free of Node-only modules for library users outside Node.
  busyPoll: z.number().int().min(0).max(10000).default(0),
});

/** The whole file. */
export const configSchema = z.strictObject({
  translator: translatorSchema,
  plan: planSchema.optional(),
  tenants: z.array(tenantSchema).min(1),
  fabric: fabricSchema.optional(),
  metrics: metricsSchema.prefault({}),
  /** Daemon logging (`xlat464 run`). */
  log: logSchema.prefault({}),
  /** Daemon: TUN offloads and queues. */
  io: ioSchema.prefault({}),
  /** Daemon: drop to this user after opening the TUN devices. */
  user: userSchema.optional(),
});

/** A checked configuration, values as the operator wrote them, defaults filled in. */
export type Config = z.output<typeof configSchema>;
/** What an operator may write: defaults optional. */
export type ConfigInput = z.input<typeof configSchema>;
export type TranslatorConfig = Config['translator'];

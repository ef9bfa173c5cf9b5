/**
 * What the daemon needs from a configuration beyond what the library checks: every tenant has a
 * TUN, the fabric has one, and no two tenants share one (a TUN may be shared by one tenant and the
 * fabric: the single-TUN SIIT set-up). Also the plan `xlat464 run --check-config` prints.
 */
import { checkConfig, readConfigFile, type LoadedConfig } from '../config/index.js';
import { XlatError, show } from '../errors.js';

/** One TUN device the daemon opens, with what it carries. */
export interface DevicePlan {
  readonly name: string;
  /** Tenant (name) whose IPv4 side this is, or null. */
  readonly tenant: string | null;
  /** Whether this is the fabric (IPv6) side. */
  readonly fabric: boolean;
}

/** A configuration the daemon can run. */
export interface DaemonPlan {
  readonly loaded: LoadedConfig;
  /** The file as parsed (JSON-compatible), posted to workers, which check it again to build their own tables. */
  readonly raw: unknown;
  readonly fabric: string;
  /** Fabric first, then tenants in table order; shared TUNs appear once. */
  readonly devices: readonly DevicePlan[];
}

/**
 * Check a parsed configuration for the daemon.
 * @throws XlatError ERR_XLAT_BAD_CONFIG naming the field (`tenants[1].tun`, `fabric.tun`) and the value
 */
export function planFromConfig(raw: unknown): DaemonPlan {
  const loaded = checkConfig(raw);
  const { config } = loaded;
  const fabric = config.fabric?.tun;
  if (fabric === undefined) {
    throw new XlatError('ERR_XLAT_BAD_CONFIG', `the daemon needs the fabric (IPv6 side) TUN, got ${show(config.fabric)}`, 'fabric.tun');
  }
  const devices: DevicePlan[] = [{ name: fabric, tenant: null, fabric: true }];
  const owner = new Map<string, number>();
  config.tenants.forEach((t, i) => {
    if (t.tun === undefined) {
      throw new XlatError('ERR_XLAT_BAD_CONFIG', `the daemon needs a TUN for every tenant (tenant ${show(t.name)}), got undefined`, `tenants[${i}].tun`);
    }
    const prev = owner.get(t.tun);
    if (prev !== undefined) {
      throw new XlatError('ERR_XLAT_BAD_CONFIG', `TUN already used by tenants[${prev}] (${show(config.tenants[prev]!.name)}), got ${show(t.tun)}`, `tenants[${i}].tun`);
    }
    owner.set(t.tun, i);
    if (t.tun === fabric) devices[0] = { name: fabric, tenant: t.name, fabric: true };
    else devices.push({ name: t.tun, tenant: t.name, fabric: false });
  });
  return { loaded, raw, fabric, devices };
}

/** Read, check and plan a configuration file. @throws XlatError as loadConfig and planFromConfig do */
export function planFromFile(file: string): DaemonPlan {
  return planFromConfig(readConfigFile(file));
}

/** The plan as text for `--check-config`: tenants with their prefixes (or plan ids), devices, listen address. */
export function describePlan(plan: DaemonPlan): string {
  const { config, table } = plan.loaded;
  const lines: string[] = [];
  if (config.plan !== undefined) lines.push(`plan: ${config.plan.toString()}`);
  lines.push(`tenants (${table.size}):`);
  for (let i = 0; i < table.size; i++) {
    const info = table.info(i);
    const where = info.prefix !== undefined ? `prefix ${info.prefix}` : '';
    const id = info.id !== undefined ? ` id ${info.id}` : '';
    const eam = info.eam.length > 0 ? ` eam ${info.eam.map((e) => `${e.ipv4}=${e.ipv6}`).join(',')}` : '';
    const plat = info.plat !== undefined ? ` plat ${info.plat}` : '';
    lines.push(`  ${info.name}: ${where}${id} ipv4 ${info.ipv4.join(',')}${eam}${plat} tun ${config.tenants[i]!.tun}`.replace(/: +/, ': '));
  }
  lines.push(`devices (${plan.devices.length}):`);
  for (const d of plan.devices) {
    const roles = [d.fabric ? 'fabric (IPv6 side)' : '', d.tenant !== null ? `tenant ${d.tenant} (IPv4 side)` : ''].filter(Boolean);
    lines.push(`  ${d.name}: ${roles.join(' + ')}`);
  }
  lines.push(`metrics: http://${config.metrics.listen}/metrics`);
  lines.push(`log level: ${config.log.level}`);
  lines.push(`io: offload ${config.io.offload ? 'on (IFF_VNET_HDR, TSO/USO, GSO super-packets translated whole)' : 'off'}, queues ${config.io.queues ?? 'one per core (default)'}, io_uring ${config.io.uring ? 'on' : 'off'}, busy poll ${config.io.busyPoll > 0 ? `${config.io.busyPoll} µs` : 'off'}`);
  lines.push(`user: ${config.user === undefined ? '(stays as started)' : String(config.user)}`);
  return lines.join('\n') + '\n';
}

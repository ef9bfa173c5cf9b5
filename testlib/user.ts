/**
 * Running a test process as an unprivileged user that still reaches /dev/net/tun.
 *
 * Attaching to a TUN device its owner (TUNSETOWNER) or group (TUNSETGROUP) names needs no
 * capability, but it needs open(2) on /dev/net/tun. Distributions make it 0666; some containers
 * leave it 0600 root. Then the command runs in a private mount namespace where a 0666 node for the
 * same character device (10, 200) is bind-mounted over /dev/net/tun: the host's node is untouched
 * and the change vanishes with the process.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** True when any user may open /dev/net/tun for reading and writing. */
export function tunWorldAccessible(): boolean {
  return (statSync('/dev/net/tun').mode & 0o006) === 0o006;
}

/**
 * argv (command first) that runs `argv` with real and effective uid/gid `uid`/`gid`, no
 * supplementary groups and no capabilities (setpriv), with /dev/net/tun reachable. Run it as root.
 * @example
 *   execFileSync(...asUser(65534, 65534, [process.execPath, '-e', 'code']))
 */
export function asUser(uid: number, gid: number, argv: string[]): [string, ...string[]] {
  const drop = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--inh-caps=-all', ...argv];
  if (tunWorldAccessible()) return drop as [string, ...string[]];
  const dir = mkdtempSync(`${tmpdir()}/xlat464-tun-`);
  const script = `mknod -m 666 "${dir}/tun" c 10 200 && mount --bind "${dir}/tun" /dev/net/tun && rm -f "${dir}/tun" && rmdir "${dir}" && exec "$@"`;
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...drop];
}

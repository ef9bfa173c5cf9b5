/**
 * Dropping root after the TUN devices are open (`user:` in the configuration). The user is looked
 * up in /etc/passwd by this process (no shell, no getent); then supplementary groups, gid and uid
 * are set in that order. setuid from root to a non-zero uid clears the permitted, effective and
 * ambient capability sets (capabilities(7), "Effect of user ID changes on capabilities"), so
 * nothing is kept.
 */
import { readFileSync } from 'node:fs';
import { XlatError, show } from '../errors.js';

export interface ResolvedUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Find `user` (name or uid) in /etc/passwd; a uid that has no entry keeps gid = uid. */
export function resolveUser(user: string | number, passwd = '/etc/passwd'): ResolvedUser {
  let text = '';
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    // No passwd file (a minimal container): only numeric uids can work.
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4) continue;
    if ((typeof user === 'string' && f[0] === user) || (typeof user === 'number' && Number(f[2]) === user)) {
      return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) };
    }
  }
  if (typeof user === 'number') return { name: String(user), uid: user, gid: user };
  throw new XlatError('ERR_XLAT_BAD_CONFIG', `no such user in ${passwd}, got ${show(user)}`, 'user');
}

/** setgroups([gid]), setgid, setuid. @throws Error with code EPERM when not allowed */
export function dropPrivileges(user: ResolvedUser): void {
  if (process.getuid?.() === user.uid && process.getgid?.() === user.gid) return;
  process.setgroups?.([user.gid]);
  process.setgid!(user.gid);
  process.setuid!(user.uid);
}

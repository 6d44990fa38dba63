/**
 * PostgreSQL refuses to run as root. When todo-app is started as root (a container, a CI
 * machine, a Raspberry Pi set up by hand), its embedded server runs as an unprivileged system
 * account instead, created on first use; the server's folder belongs to that account.
 */
import { execFileSync } from 'node:child_process';

export interface Account {
  uid: number;
  gid: number;
  name: string;
}

/** The account the embedded server runs as when todo-app runs as root. */
export const SERVER_ACCOUNT = 'todo-db';

/** `undefined` when todo-app does not run as root: the server then runs as the same user. */
export function serverAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return lookup() ?? create();
}

function lookup(): Account | undefined {
  try {
    // name:password:uid:gid:… — one query for both ids.
    const [, , uid, gid] = execFileSync('getent', ['passwd', SERVER_ACCOUNT], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split(':');
    return { uid: Number(uid), gid: Number(gid), name: SERVER_ACCOUNT };
  } catch {
    return undefined;
  }
}

function create(): Account {
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_ACCOUNT], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    const reason = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    throw new Error(
      `todo-app runs as root, and its embedded database may not: creating the system account ${SERVER_ACCOUNT} for it failed (${reason}); ` +
        'run todo-app as a regular user, or create that account yourself',
      { cause: error },
    );
  }
  const account = lookup();
  if (!account) throw new Error(`the system account ${SERVER_ACCOUNT} was created but cannot be found`);
  return account;
}

/** Spawn options that run a child as `account` (nothing when there is none). */
export const runAs = (account: Account | undefined) => (account ? { uid: account.uid, gid: account.gid } : {});

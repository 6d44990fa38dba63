/**
 * Looks at the data folder before the embedded server opens it. The server cannot say what is
 * wrong in words a person acts on, and into a folder of someone else's files todo-app would
 * quietly write a new database. Each check here names the folder, the cause in plain words and
 * the next step, and start-up stops with it.
 */
import { readdirSync, readFileSync, statSync, statfsSync, type StatsFs } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_DIR } from './backup.js';
import { LOCK_FILE } from './data-dir-lock.js';

/** What start-up refuses, worded for the person who has to act on it. `main` prints it as is. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** Less free space than this, and the first writes (or the migrations) would fail half-way. */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

/** The embedded PostgreSQL server's files, under DATA_DIR. */
export const DATABASE_FOLDER = 'postgres';

/** What todo-app itself keeps in DATA_DIR; anything else makes the folder someone else's. */
const OURS = new Set([
  DATABASE_FOLDER,
  `${DATABASE_FOLDER}.initialising`,
  'pglite',
  'jwt-secret',
  'vapid-keys.json',
  'mail',
  LOCK_FILE,
  BACKUP_DIR,
]);
const IGNORED = (name: string) =>
  name.startsWith('.') || name === 'lost+found' || name.startsWith(`${LOCK_FILE}.`) || name.startsWith('pglite.');

const PG_CONTROL_SIZE = 8192;
/** ControlFileData of PostgreSQL 18: version, then the last checkpoint's redo pointer and timeline. */
const PG_CONTROL_VERSION = 1800;
const DEFAULT_WAL_SEGMENT = 16 * 1024 * 1024;

export const restoreHint = (dataDir: string) =>
  `restore a backup with \`todo restore <file>\` (automatic ones are in ${join(dataDir, BACKUP_DIR)})`;

export interface CheckOptions {
  /** The file system's free space (injectable: a full disk is hard to make in a test). */
  statfs?: (path: string) => Pick<StatsFs, 'bavail' | 'bsize'>;
}

/** Bytes an unprivileged process may still write on the file system holding `dir`. */
export function freeBytes(dir: string, statfs: CheckOptions['statfs'] = statfsSync): number {
  const free = statfs(dir);
  return Number(free.bavail) * Number(free.bsize);
}

export function checkDataDir(dataDir: string, options: CheckOptions = {}): void {
  const entries = listOrExplain(dataDir, 'data folder');
  if (entries === undefined) return; // not created yet: a fresh start
  const foreign = entries.filter((name) => !OURS.has(name) && !IGNORED(name));
  if (foreign.length && !entries.some((name) => OURS.has(name))) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
    throw new DataDirError(
      `${dataDir} is not a todo-app data folder (it holds ${shown}); set DATA_DIR to your todo-app folder or to a new, empty one`,
    );
  }
  const free = freeBytes(dataDir, options.statfs);
  if (free < MIN_FREE_BYTES) {
    throw new DataDirError(
      `the disk holding ${dataDir} is full (${Math.floor(free / 1024 / 1024)} MiB free, at least ${MIN_FREE_BYTES / 1024 / 1024} MiB needed); free some space, then start again`,
    );
  }
  if (entries.includes(DATABASE_FOLDER)) checkDatabaseFiles(dataDir, join(dataDir, DATABASE_FOLDER));
}

function checkDatabaseFiles(dataDir: string, dir: string): void {
  const entries = listOrExplain(dir, 'database folder') ?? [];
  if (!entries.length) return; // created, never initialised: initialised now
  const damaged = (cause: string) =>
    new DataDirError(
      `the database in ${dir} is damaged: ${cause}; ${restoreHint(dataDir)}, or move the folder away to start empty`,
    );
  if (!entries.includes('PG_VERSION')) throw damaged('PG_VERSION is missing, so this is not (or no longer) a database folder');
  let control: Buffer;
  try {
    control = readFileSync(join(dir, 'global', 'pg_control'));
  } catch (error) {
    throw damaged(`its control file global/pg_control cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  if (control.length !== PG_CONTROL_SIZE) {
    throw damaged(`its control file global/pg_control is ${control.length} bytes long instead of ${PG_CONTROL_SIZE} (truncated)`);
  }
  if (control.readUInt32LE(8) !== PG_CONTROL_VERSION) return; // another layout: leave the judgement to the engine
  const segment = walSegmentOf(dir, control.readBigUInt64LE(40), control.readUInt32LE(48));
  if (!segment.present) {
    throw damaged(`the write-ahead log file pg_wal/${segment.name}, which the last checkpoint needs, is missing`);
  }
}

/** The WAL segment holding the last checkpoint's redo point: without it the database cannot start. */
function walSegmentOf(dir: string, redo: bigint, timeline: number): { name: string; present: boolean } {
  const walDir = join(dir, 'pg_wal');
  const files = (listOrExplain(walDir, 'write-ahead log folder') ?? []).filter((name) => /^[0-9A-F]{24}$/.test(name));
  const size = files.length ? statSync(join(walDir, files[0]!)).size : DEFAULT_WAL_SEGMENT;
  const segment = redo / BigInt(size);
  const perId = 0x1_0000_0000n / BigInt(size);
  const hex = (n: bigint | number) => n.toString(16).toUpperCase().padStart(8, '0');
  const name = `${hex(timeline)}${hex(segment / perId)}${hex(segment % perId)}`;
  return { name, present: files.includes(name) };
}

/** The folder's entries; `undefined` when it does not exist; a DataDirError when it cannot be read. */
function listOrExplain(dir: string, what: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new DataDirError(
        `the ${what} ${dir} cannot be read (permission denied); run todo as the user who owns it, or give that user access (chown -R)`,
      );
    }
    if (code === 'ENOTDIR') throw new DataDirError(`${dir} is a file, not a folder; set DATA_DIR to a folder`);
    throw new DataDirError(`the ${what} ${dir} cannot be read (${code ?? String(error)})`);
  }
}

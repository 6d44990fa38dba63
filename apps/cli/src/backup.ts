/**
 * Backups of the whole database. Embedded: a gzipped tar of PGlite's data folder taken by the
 * running engine between two statements (`Database.backup`), so it is consistent without
 * stopping anything. PostgreSQL: `pg_dump`/`pg_restore` in their custom format, which the
 * server makes consistent by running the dump in one snapshot.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { restorePglite, type Database, type MigrationStatus } from '@todo/storage';

export const BACKUP_DIR = 'backups';
/** Backups taken before a migration that are kept; older ones are deleted. */
export const KEEP_PRE_MIGRATION = 3;
const PRE_MIGRATION = 'pre-migration-';

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** Where `todo backup` writes when no file is given. */
export const defaultBackupFile = (dataDir: string, postgres: boolean): string =>
  join(dataDir, BACKUP_DIR, `todo-${stamp()}.${postgres ? 'pgdump' : 'tar.gz'}`);

/** Writes the embedded database's backup to `file`; returns its size in bytes. */
export async function writeEmbeddedBackup(database: Pick<Database, 'backup'>, file: string): Promise<number> {
  if (!database.backup) throw new Error('this database has no built-in backup; use pg_dump');
  const bytes = await database.backup();
  mkdirSync(dirname(resolve(file)), { recursive: true });
  // Written aside and renamed: a backup that exists is a whole one.
  writeFileSync(`${file}.partial`, bytes, { mode: 0o600 });
  renameSync(`${file}.partial`, file);
  return bytes.length;
}

/**
 * Before migrations change the schema of an existing database, a copy of it as it was: if the
 * new build misbehaves, `todo restore` and the previous build bring everything back.
 */
export async function backupBeforeMigration(database: Database, dataDir: string, status: MigrationStatus): Promise<string> {
  const dir = join(dataDir, BACKUP_DIR);
  const file = join(dir, `${PRE_MIGRATION}${stamp()}-schema-${status.applied}-of-${status.known}.tar.gz`);
  await writeEmbeddedBackup(database, file);
  const taken = readdirSync(dir)
    .filter((name) => name.startsWith(PRE_MIGRATION) && name.endsWith('.tar.gz'))
    .sort();
  for (const old of taken.slice(0, -KEEP_PRE_MIGRATION)) rmSync(join(dir, old), { force: true });
  return file;
}

/**
 * Loads an embedded backup into `dataDir`/pglite. A database already there is moved aside,
 * not deleted, and put back if the backup cannot be loaded. Returns where the old one went.
 */
export async function restoreEmbedded(dataDir: string, file: string): Promise<string | undefined> {
  const bytes = new Uint8Array(readFileSync(file));
  const target = join(dataDir, 'pglite');
  let aside: string | undefined = join(dataDir, `pglite.before-restore-${stamp()}`);
  try {
    renameSync(target, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    aside = undefined;
  }
  try {
    await restorePglite(target, bytes);
    return aside;
  } catch (error) {
    rmSync(target, { recursive: true, force: true });
    if (aside) renameSync(aside, target);
    throw new Error(`${file} could not be loaded as a todo-app backup (${(error as Error).message}); nothing was changed`, {
      cause: error,
    });
  }
}

/** PostgreSQL mode: the server's own tools, which must be on PATH (and not older than the server). */
export function runPostgresTool(tool: 'pg_dump' | 'pg_restore', url: string, file: string): void {
  const args =
    tool === 'pg_dump'
      ? ['--format=custom', `--file=${file}`, `--dbname=${url}`]
      : ['--clean', '--if-exists', '--no-owner', '--single-transaction', `--dbname=${url}`, file];
  if (tool === 'pg_dump') mkdirSync(dirname(resolve(file)), { recursive: true });
  // The password goes in the environment, not on a command line every user can list.
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = '';
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  const run = spawnSync(
    tool,
    args.map((arg) => arg.replace(url, target.toString())),
    { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', env },
  );
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      `${tool} is not on PATH. With DATABASE_URL, backups are PostgreSQL's own tools: install the PostgreSQL client (same major version as the server or newer), or back up with your provider's tooling`,
    );
  }
  if (run.status !== 0) throw new Error(`${tool} failed (exit ${run.status ?? run.signal}): ${run.stderr.trim()}`);
}

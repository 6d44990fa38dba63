/**
 * Backup files on disk. What goes in them is `writeBackup` / `restoreBackup` of
 * @todo/storage — one logical format, written and read through SQL, for the embedded
 * database and for any PostgreSQL at DATABASE_URL alike. Here: where files go, writing them
 * so that a file that exists is a whole one, and the copies taken before a migration.
 */
import { createReadStream, createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import {
  readBackupHeader,
  restoreBackup,
  writeBackup,
  type BackupTarget,
  type Database,
  type MigrationStatus,
  type RestoreSummary,
} from '@todo/storage';

export const BACKUP_DIR = 'backups';
export const BACKUP_EXTENSION = '.todo-backup';
/** Backups taken before a migration that are kept; older ones are deleted. */
export const KEEP_PRE_MIGRATION = 3;
const PRE_MIGRATION = 'pre-migration-';

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** Where `todo backup` writes when no file is given. */
export const defaultBackupFile = (dataDir: string, kind = 'todo-'): string =>
  join(dataDir, BACKUP_DIR, `${kind}${stamp()}${BACKUP_EXTENSION}`);

/**
 * Writes a backup to `file` through `write`, which must end the stream it is given. Written
 * aside and renamed, readable by its owner only: a backup that exists is a whole one.
 */
export async function saveBackup(file: string, write: (output: Writable) => Promise<unknown>): Promise<void> {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const partial = `${file}.partial`;
  const output = createWriteStream(partial, { mode: 0o600 });
  try {
    await Promise.all([write(output), finished(output)]);
    renameSync(partial, file);
  } catch (error) {
    // The file is opened asynchronously: a write that fails at once can fail before it exists.
    // Removing it only after the stream has closed is what keeps an opened-late file from
    // staying behind.
    if (!output.closed) {
      const closed = once(output, 'close');
      output.destroy();
      await closed.catch(() => undefined);
    }
    rmSync(partial, { force: true });
    throw error;
  }
}

export interface BackupFileSummary {
  tables: number;
  rows: number;
  bytes: number;
  migrations: number;
  takenAt: string;
}

/** What a backup file holds, from its header. */
export async function describeBackup(file: string): Promise<BackupFileSummary> {
  const input = createReadStream(file);
  try {
    const header = await readBackupHeader(input);
    return {
      tables: header.tables.length,
      rows: header.tables.reduce((sum, t) => sum + t.rows, 0),
      bytes: statSync(file).size,
      migrations: header.schema.migrations,
      takenAt: header.takenAt,
    };
  } finally {
    input.destroy();
  }
}

export const describeSize = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Replaces everything `target` holds with the backup in `file`; on failure nothing has changed. */
export async function restoreFile(target: BackupTarget, file: string): Promise<RestoreSummary> {
  const input = createReadStream(file);
  try {
    return await restoreBackup(target, input);
  } catch (error) {
    throw new Error(`cannot restore ${file}: ${(error as Error).message}; nothing was changed`, { cause: error });
  } finally {
    input.destroy();
  }
}

/**
 * Before migrations change the schema of an existing database, a copy of it as it was: if the
 * new build misbehaves, `todo restore` and the previous build bring everything back.
 */
export async function backupBeforeMigration(database: Database, dataDir: string, status: MigrationStatus): Promise<string> {
  const dir = join(dataDir, BACKUP_DIR);
  const file = defaultBackupFile(dataDir, PRE_MIGRATION).replace(
    BACKUP_EXTENSION,
    `-schema-${status.applied}-of-${status.known}${BACKUP_EXTENSION}`,
  );
  await saveBackup(file, (output) => writeBackup(database, output));
  const taken = readdirSync(dir)
    .filter((name) => name.startsWith(PRE_MIGRATION) && name.endsWith(BACKUP_EXTENSION))
    .sort();
  for (const old of taken.slice(0, -KEEP_PRE_MIGRATION)) rmSync(join(dir, old), { force: true });
  return file;
}

/**
 * Opening the database the way every command does: the data folder checked, locked for one
 * writer (embedded), the schema compared with this build, a backup taken before migrations
 * change an existing embedded database, then the migrations applied.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '@todo/config';
import { databaseFailureOf } from '@todo/services';
import { createDatabase, EmbeddedServerError, type Database } from '@todo/storage';
import { backupBeforeMigration, BACKUP_DIR } from './backup.js';
import { checkDataDir, DATABASE_FOLDER, DataDirError, restoreHint } from './data-dir-check.js';
import { lockDataDir } from './data-dir-lock.js';

/** What a command opening the folder is, and what the person should do when a server holds it. */
export interface DataDirUse {
  command: string;
  whenBusy: string;
  /** Bring the schema up to this build's (default); a backup reads the database as it is. */
  migrate?: boolean;
}

/** Shorter signing keys are guessable (the same bound as JWT_SECRET). */
const MIN_SECRET_LENGTH = 32;

/**
 * Embedded mode keeps a generated signing key in DATA_DIR so sessions survive restarts;
 * distributed mode must be given one (config refuses to start without it). A key file that
 * exists but is empty or short is refused rather than used: every login would then fail.
 */
export function jwtSecretFor(config: Readonly<Config>): string {
  if (config.jwtSecret) return config.jwtSecret;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'jwt-secret');
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch {
    secret = randomBytes(48).toString('base64url');
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process wrote one first: use theirs.
      secret = readFileSync(file, 'utf8').trim();
    }
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new DataDirError(
      `${file} holds ${secret.length ? `only ${secret.length} characters` : 'nothing'} (at least ${MIN_SECRET_LENGTH} needed to sign sessions); ` +
        'restore it from a backup, or delete it to have a new one generated (everyone then logs in again)',
    );
  }
  return secret;
}

/** Whether DATA_DIR holds an embedded database yet (`todo backup` has nothing to copy otherwise). */
export const embeddedDatabaseExists = (dataDir: string): boolean => existsSync(join(dataDir, DATABASE_FOLDER, 'PG_VERSION'));

export async function openDatabase(config: Readonly<Config>, logger: Logger, use: DataDirUse): Promise<Database> {
  if (config.databaseUrl) {
    const database = await createDatabase({ url: config.databaseUrl, outboxMode: config.useDapr ? 'relay' : 'deliver' });
    return closedOnFailure(database, () => migrated(database, config, logger));
  }
  checkDataDir(config.dataDir);
  const lock = lockDataDir(config.dataDir, use.command, use.whenBusy);
  let database: Database;
  const folder = join(config.dataDir, DATABASE_FOLDER);
  try {
    database = await createDatabase({
      dataDir: folder,
      outboxMode: 'deliver',
      server: {
        log: (level, line) => logger[level]({ component: 'embedded-postgres' }, line),
        onUnexpectedExit: (reason) => {
          // Nothing can be read or written any more: stop, so a supervisor starts everything again.
          logger.fatal(`${reason}; todo-app stops`);
          process.exit(1);
        },
      },
    });
  } catch (error) {
    lock.release();
    throw unopenable(config.dataDir, folder, error);
  }
  const locked = {
    ...database,
    close: async () => {
      await database.close();
      lock.release();
    },
  };
  if (use.migrate === false) return locked;
  return closedOnFailure(locked, async () => {
    await migrated(locked, config, logger);
    const old = join(config.dataDir, OLD_DATABASE_FOLDER);
    if (existsSync(join(old, 'PG_VERSION'))) await converted(old, locked, logger);
    return locked;
  });
}

/** The PGlite database of versions before the embedded PostgreSQL server (convert-pglite.ts). */
const OLD_DATABASE_FOLDER = 'pglite';

async function converted(old: string, database: Database, logger: Logger): Promise<void> {
  const say = (line: string) => process.stderr.write(`todo-app: ${line}\n`);
  say(`converting ${old}, written by an earlier todo-app, into the embedded PostgreSQL server (once)`);
  try {
    // Loaded only for this one-off: PGlite's JavaScript is ~1.5 MiB of heap a server would keep.
    const { convertPglite } = await import('./convert-pglite.js');
    const done = await convertPglite(old, database.url!, (line) => say(`  ${line}`));
    say(
      `converted ${done.rows} rows in ${done.tables} tables; the old folder is kept as ${done.keptAt} — delete it once you are satisfied`,
    );
    logger.info({ rows: done.rows, tables: done.tables, keptAt: done.keptAt }, 'old embedded database converted');
  } catch (error) {
    throw new DataDirError(
      `converting ${old} failed (${describe(error)}); nothing was lost: the old folder is untouched and the conversion runs again at the next start`,
    );
  }
}

/** The database server's own words on why it could not start, and what to do. */
function unopenable(dataDir: string, folder: string, error: unknown): DataDirError {
  if (!(error instanceof EmbeddedServerError))
    return new DataDirError(`the database in ${folder} could not be opened: ${(error as Error).message}`);
  const said = error.serverLines
    .split('\n')
    .map((line) => line.replace(/^(FATAL|PANIC|ERROR|LOG):\s+/, ''))
    .filter(Boolean)
    .slice(0, 2)
    .join('; ');
  // A folder that could not even be created has no files to restore.
  const next = error.message.startsWith('creating the database') ? '' : `; if its files are damaged, ${restoreHint(dataDir)}`;
  return new DataDirError(`${error.message}${said ? `: ${said}` : ''}${next}`);
}

async function closedOnFailure(database: Database, work: () => Promise<Database>): Promise<Database> {
  try {
    return await work();
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

async function migrated(database: Database, config: Readonly<Config>, logger: Logger): Promise<Database> {
  const where = config.databaseUrl ? 'the database at DATABASE_URL' : join(config.dataDir, DATABASE_FOLDER);
  const status = await database.migrationStatus().catch((error: unknown) => {
    throw new DataDirError(`${where} cannot be read: ${describe(error)}; it is damaged: ${restoreHint(config.dataDir)}`);
  });
  if (status.newer) {
    throw new DataDirError(
      `${where}: this data was written by a newer todo-app (schema ${status.applied}, this build knows ${status.known}); upgrade todo-app or restore a backup`,
    );
  }
  // Embedded, todo-app keeps the data and so its safety copies; with DATABASE_URL, whoever runs that server does.
  if (status.pending && status.applied && !config.databaseUrl) {
    const file = await backupBeforeMigration(database, config.dataDir, status).catch((error: unknown) => {
      throw new DataDirError(
        `the backup before migrating ${where} could not be written to ${join(config.dataDir, BACKUP_DIR)} (${(error as Error).message}); ` +
          'free some space (or make that folder writable), then start again; nothing was migrated',
      );
    });
    logger.info({ file, from: status.applied, to: status.known }, 'backup taken before migrating');
  }
  logger.info({ pending: status.pending }, 'database opened; applying migrations');
  try {
    await database.migrate();
  } catch (error) {
    throw new DataDirError(`migrating ${where} failed: ${describe(error)}; restore a backup taken before the migration`);
  }
  return database;
}

/** The database's own words, without the SQL text or its values. */
const describe = (error: unknown): string => {
  const failure = databaseFailureOf(error);
  if (failure) return `${failure.message} (SQLSTATE ${failure.code})`;
  return error instanceof Error ? error.message : String(error);
};

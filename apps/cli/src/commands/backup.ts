/**
 * `todo backup [file]` and `todo restore <file>`: the whole database, embedded or at
 * DATABASE_URL, in one logical format written and read through SQL (@todo/storage backup.ts),
 * so no PostgreSQL client tools are needed on either side.
 */
import type { Command } from 'commander';
import { loadConfig, type Config } from '@todo/config';
import { writeBackup, type Database, type RestoreSummary } from '@todo/storage';
import { defaultBackupFile, describeBackup, describeSize, restoreFile, saveBackup } from '../backup.js';
import { serverHolds, streamControl } from '../control-socket.js';
import { embeddedDatabaseExists, openDatabase, type DataDirUse } from '../data-dir.js';
import { createLogger } from '../runtime.js';

type Out = (line: string) => void;

const BACKUP: DataDirUse = { command: 'backup', whenBusy: 'try again once it has finished', migrate: false };
const RESTORE: DataDirUse = {
  command: 'restore',
  whenBusy: 'stop the server first (restoring replaces everything it holds), then run this again and start it',
  migrate: false,
};

const where = (config: Readonly<Config>) =>
  config.databaseUrl ? 'the database at DATABASE_URL' : `the database in ${config.dataDir}`;
const quietLogger = (config: Readonly<Config>) => createLogger({ ...config, logLevel: 'warn' });

export function registerBackupCommands(program: Command, out: Out): void {
  program
    .command('backup')
    .description('Copy the whole database to a file, consistent, while todo-app keeps running')
    .argument('[file]', 'where to write it (default: a new file in DATA_DIR/backups)')
    .action(async (file: string | undefined) => {
      const config = loadConfig(process.env);
      const target = file ?? defaultBackupFile(config.dataDir);
      if (!config.databaseUrl && !embeddedDatabaseExists(config.dataDir)) {
        throw new Error(`there is no database in ${config.dataDir} to back up (is DATA_DIR right?)`);
      }
      out(`backing up ${where(config)} to ${target} …`);
      if (config.databaseUrl) {
        await saveBackup(target, (output) => writeBackup(config.databaseUrl!, output));
      } else if (serverHolds(config)) {
        // A running server holds the folder: it takes the copy and streams it here.
        await saveBackup(target, (output) => streamControl(config.dataDir, '/backup', output));
      } else {
        const database = await openDatabase(config, quietLogger(config), BACKUP);
        try {
          await saveBackup(target, (output) => writeBackup(database, output));
        } finally {
          await database.close();
        }
      }
      const taken = await describeBackup(target);
      out(
        `backup written to ${target}: ${taken.tables} tables, ${taken.rows} rows, ${describeSize(taken.bytes)} ` +
          `(schema ${taken.migrations}); restore with \`todo restore ${target}\``,
      );
    });

  program
    .command('restore')
    .description(
      'Replace everything the database holds with a backup taken by `todo backup` (embedded: the server must be stopped)',
    )
    .argument('<file>', 'a backup file')
    .action(async (file: string) => {
      const config = loadConfig(process.env);
      // Embedded: the folder is locked first, so a running server is named before anything else.
      const database = config.databaseUrl ? undefined : await openDatabase(config, quietLogger(config), RESTORE);
      try {
        const about = await describeBackup(file).catch((error: unknown) => {
          throw new Error(`cannot restore ${file}: ${(error as Error).message}; nothing was changed`);
        });
        out(
          `restoring ${file} (taken ${about.takenAt}: ${about.tables} tables, ${about.rows} rows, schema ${about.migrations}) ` +
            `into ${where(config)}; everything it holds now is replaced …`,
        );
        if (!database) return report(await restoreFile(config.databaseUrl!, file), 'run `todo migrate`', out);
        await keepWhatIsThere(database, config.dataDir, out);
        report(await restoreFile(database, file), 'start todo-app', out);
      } finally {
        await database?.close();
      }
    });
}

/** Embedded: the database about to be replaced is saved first, as a backup of its own. */
async function keepWhatIsThere(database: Database, dataDir: string, out: Out): Promise<void> {
  if (!(await database.migrationStatus()).applied) return;
  const file = defaultBackupFile(dataDir, 'before-restore-');
  await saveBackup(file, (output) => writeBackup(database, output));
  out(`the database that was there is kept in ${file}; delete it once you are satisfied`);
}

function report(summary: RestoreSummary, toMigrate: string, out: Out): void {
  out(`restored ${summary.tables} tables, ${summary.rows} rows`);
  if (summary.migrations < summary.known) {
    out(`the data is at schema ${summary.migrations}; this build's is ${summary.known}: ${toMigrate} to bring it up to date`);
  }
}

/** `todo backup [file]` and `todo restore <file>`: the whole database, embedded or PostgreSQL. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '@todo/config';
import { defaultBackupFile, restoreEmbedded, runPostgresTool, writeEmbeddedBackup } from '../backup.js';
import { callControl, serverHolds } from '../control-socket.js';
import { openDatabase, type DataDirUse } from '../data-dir.js';
import { lockDataDir } from '../data-dir-lock.js';
import { createLogger } from '../runtime.js';

type Out = (line: string) => void;

const BACKUP: DataDirUse = { command: 'backup', whenBusy: 'try again once it has finished', migrate: false };
const RESTORE_WHEN_BUSY = 'stop the server first (restoring replaces everything it holds), then run this again and start it';

export function registerBackupCommands(program: Command, out: Out): void {
  program
    .command('backup')
    .description('Copy the whole database to a file, consistent, while todo-app keeps running (PostgreSQL: pg_dump)')
    .argument('[file]', 'where to write it (default: a new file in DATA_DIR/backups)')
    .action(async (file: string | undefined) => {
      const config = loadConfig(process.env);
      const target = file ?? defaultBackupFile(config.dataDir, Boolean(config.databaseUrl));
      if (config.databaseUrl) {
        runPostgresTool('pg_dump', config.databaseUrl, target);
        return out(`backup written to ${target} (pg_dump custom format; restore with \`todo restore ${target}\`)`);
      }
      if (!existsSync(join(config.dataDir, 'pglite', 'PG_VERSION'))) {
        throw new Error(`there is no database in ${config.dataDir} to back up (is DATA_DIR right?)`);
      }
      // A running server holds the folder: it takes the copy, between two of its statements.
      const database = serverHolds(config)
        ? { backup: async () => new Uint8Array(await callControl(config.dataDir, '/backup')), close: () => Promise.resolve() }
        : await openDatabase(config, createLogger({ ...config, logLevel: 'warn' }), BACKUP);
      try {
        const bytes = await writeEmbeddedBackup(database, target);
        out(`backup written to ${target} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
      } finally {
        await database.close();
      }
    });

  program
    .command('restore')
    .description('Replace the database with a backup taken by `todo backup` (embedded: the server must be stopped)')
    .argument('<file>', 'a backup file')
    .action(async (file: string) => {
      const config = loadConfig(process.env);
      if (config.databaseUrl) {
        runPostgresTool('pg_restore', config.databaseUrl, file);
        return out(`restored ${file} into the database at DATABASE_URL`);
      }
      const lock = lockDataDir(config.dataDir, 'restore', RESTORE_WHEN_BUSY);
      try {
        const aside = await restoreEmbedded(config.dataDir, file);
        out(`restored ${file} into ${config.dataDir}`);
        if (aside) out(`the database that was there is kept in ${aside}; delete it once you are satisfied`);
      } finally {
        lock.release();
      }
    });
}

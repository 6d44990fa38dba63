/**
 * `todo backup`: the whole database as one file (backup-format.ts), taken online through SQL
 * alone. One `REPEATABLE READ READ ONLY` transaction sees a single snapshot, so the copy is
 * consistent while the app keeps writing; each table streams out with `COPY … TO STDOUT`
 * straight into gzip, so nothing holds the database in memory. No pg_dump: the embedded
 * server ships without it, and a managed PostgreSQL is reached by URL all the same.
 */
import { once } from 'node:events';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { appSequences, appTables, migrationLevel, quoted, withConnection, type BackupTarget } from './backup-catalog.js';
import { BACKUP_FORMAT, BACKUP_VERSION, END_OF_TABLE, type BackupHeader } from './backup-format.js';

export interface BackupSummary {
  tables: number;
  rows: number;
  /** Size of the file written (compressed). */
  bytes: number;
  /** Migrations the schema had when it was copied. */
  migrations: number;
}

/** Writes a backup of `database` to `output` (ended when done); fails without a whole file. */
export function writeBackup(database: BackupTarget, output: Writable): Promise<BackupSummary> {
  return withConnection(database, async (client) => {
    await client.query('begin transaction isolation level repeatable read read only');
    const header = await readHeader(client);
    const gzip = createGzip();
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const written = pipeline(gzip, counter, output);
    // Seen by the caller through `written` below; without a handler here it would be unhandled meanwhile.
    written.catch(() => undefined);
    try {
      await write(gzip, `${JSON.stringify(header)}\n`);
      for (const table of header.tables) {
        const columns = table.columns.map((c) => client.escapeIdentifier(c)).join(', ');
        const rows = client.query(copyTo(`copy ${quoted(table.schema, table.name)} (${columns}) to stdout`));
        for await (const chunk of rows) if (!gzip.write(chunk)) await once(gzip, 'drain');
        await write(gzip, `${END_OF_TABLE}\n`);
      }
      gzip.end();
      await written;
    } catch (error) {
      gzip.destroy(error as Error);
      await written.catch(() => undefined);
      throw error;
    }
    await client.query('commit');
    return {
      tables: header.tables.length,
      rows: header.tables.reduce((sum, t) => sum + t.rows, 0),
      bytes,
      migrations: header.schema.migrations,
    };
  });
}

/** Read inside the snapshot, so the row counts are those the COPYs then write. */
async function readHeader(client: pg.ClientBase): Promise<BackupHeader> {
  const { rows: about } = await client.query<{ taken_at: Date; server: string }>(
    `select now() as taken_at, current_setting('server_version') as server`,
  );
  const tables: BackupHeader['tables'] = [];
  for (const table of await appTables(client)) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${quoted(table.schema, table.name)}`);
    tables.push({ ...table, rows: Number(rows[0]?.n ?? 0) });
  }
  const sequences: BackupHeader['sequences'] = [];
  for (const sequence of await appSequences(client)) {
    const { rows } = await client.query<{ last_value: string; is_called: boolean }>(
      `select last_value::text, is_called from ${quoted(sequence.schema, sequence.name)}`,
    );
    sequences.push({ ...sequence, lastValue: rows[0]!.last_value, isCalled: rows[0]!.is_called });
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    takenAt: about[0]!.taken_at.toISOString(),
    server: `PostgreSQL ${about[0]!.server}`,
    schema: await migrationLevel(client),
    tables,
    sequences,
  };
}

const write = (stream: Writable, text: string): Promise<void> =>
  new Promise((done, fail) => {
    stream.write(text, (error) => (error ? fail(error) : done()));
  });

/**
 * The backup file: a gzip stream holding one JSON line (the header below) and then, for each
 * table in the header's order, its rows as PostgreSQL's `COPY … TO STDOUT` text format wrote
 * them — one line per row, since that format escapes newlines inside values — followed by a
 * line `\.`. The header says how many rows each table has, so a reader knows where a table
 * ends without parsing rows, and a file cut short is noticed before anything is committed.
 * Plain SQL in and out: no server-side tools, and any PostgreSQL of the same schema reads it.
 */
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export const BACKUP_FORMAT = 'todo-app-backup';
export const BACKUP_VERSION = 1;
/** The line that closes each table's rows; a row never looks like it (`\` is written `\\`). */
export const END_OF_TABLE = '\\.';
/** A header is a few kilobytes; a first line longer than this is not one. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** When the copy's snapshot was taken (the database's clock). */
  takenAt: string;
  /** The server that wrote it, for the reader's information. */
  server: string;
  /** The schema's migration level: how many migrations were applied, and the last one. */
  schema: { migrations: number; last: { createdAt: number; hash: string } | null };
  /** In an order that satisfies foreign keys: a table comes after those it refers to. */
  tables: { schema: string; name: string; columns: string[]; rows: number }[];
  sequences: { schema: string; name: string; lastValue: string; isCalled: boolean }[];
}

/** The file is not a backup, is damaged, or cannot go into this database; nothing was changed. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** Reads the backup stream: the header line, then each table's rows, counted by lines. */
export class BackupReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;
  /** The file could not be read at all (missing, unreadable): said as it is, not as damage. */
  private inputError: Error | undefined;

  constructor(input: Readable) {
    const gunzip = createGunzip();
    input.on('error', (error) => {
      this.inputError = error;
      gunzip.destroy(error);
    });
    this.chunks = input.pipe(gunzip)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async header(): Promise<BackupHeader> {
    const line = await this.line(MAX_HEADER_BYTES).catch((error: unknown) => {
      if (this.inputError) throw this.inputError;
      // Most often gzip's own complaint: the file is not gzip data at all.
      const why = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error);
      throw notABackup(`it does not start with a backup header (${why})`);
    });
    let header: Partial<BackupHeader>;
    try {
      header = JSON.parse(line ?? '') as Partial<BackupHeader>;
    } catch {
      throw notABackup('it does not start with a backup header');
    }
    if (header?.format !== BACKUP_FORMAT) throw notABackup('it does not start with a backup header');
    if (header.version !== BACKUP_VERSION) {
      throw new BackupError(
        `this backup is in version ${String(header.version)} of the format; this build reads version ${BACKUP_VERSION}: restore it with the todo-app that wrote it, or newer`,
      );
    }
    if (!Array.isArray(header.tables) || !Array.isArray(header.sequences) || typeof header.schema?.migrations !== 'number') {
      throw notABackup('its header is incomplete');
    }
    return header as BackupHeader;
  }

  /** The next `count` lines, as they come, for `COPY … FROM STDIN`; then the table's end line. */
  async *rows(count: number, table: string): AsyncGenerator<Buffer> {
    let left = count;
    while (left > 0) {
      if (!this.buffered.length && !(await this.more())) {
        throw new BackupError(`the file ends inside table ${table} (${count - left} of ${count} rows): it is incomplete`);
      }
      let end = -1;
      while (left > 0) {
        const next = this.buffered.indexOf(10, end + 1);
        if (next < 0) break;
        end = next;
        left -= 1;
      }
      const upTo = left === 0 ? end + 1 : this.buffered.length;
      yield this.buffered.subarray(0, upTo);
      this.buffered = this.buffered.subarray(upTo);
    }
    if ((await this.line(END_OF_TABLE.length + 1)) !== END_OF_TABLE) {
      throw new BackupError(`table ${table} does not end after its ${count} rows: the file is damaged`);
    }
  }

  /** Reads to the end, so gzip checks its checksum; fails if anything follows the last table. */
  async end(): Promise<void> {
    if (this.buffered.length || (await this.more()))
      throw new BackupError('the file goes on after its last table: it is damaged');
  }

  private async more(): Promise<boolean> {
    let next: IteratorResult<Buffer>;
    try {
      next = await this.chunks.next();
    } catch (error) {
      if (this.inputError) throw this.inputError;
      throw new BackupError(`the file cannot be read to its end (${(error as Error).message}): it is damaged or incomplete`, {
        cause: error,
      });
    }
    if (next.done) return false;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, next.value]) : next.value;
    return true;
  }

  private async line(limit: number): Promise<string | undefined> {
    for (;;) {
      const end = this.buffered.indexOf(10);
      if (end >= 0) {
        const line = this.buffered.subarray(0, end).toString('utf8');
        this.buffered = this.buffered.subarray(end + 1);
        return line;
      }
      if (this.buffered.length > limit || !(await this.more())) return undefined;
    }
  }
}

/** What a backup file says about itself, read from its first line only. */
export const readBackupHeader = (input: Readable): Promise<BackupHeader> => new BackupReader(input).header();

const notABackup = (why: string) => new BackupError(`this is not a todo-app backup: ${why}`);

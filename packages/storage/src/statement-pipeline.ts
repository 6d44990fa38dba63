/**
 * One PostgreSQL connection in pipeline mode, for single-statement writes sent back to back.
 * A statement is written to the socket while the one before it still runs, so the server
 * starts it the moment the last one commits: no round trip and no wake-up of either side in
 * between. Statements still run one after another, in the order they were sent, each in its own
 * implicit transaction, so a failed one does not touch the next. What the batched task insert
 * runs on (task-insert.batcher.ts): its statements queue on the owner's `#N` counter anyway, and
 * pooled, the second one waited for the first one's row lock and then for a wake-up
 * (bench:api, create).
 *
 * Not for transactions: statements of different callers interleave on the connection.
 */
import { fillPlaceholders } from 'drizzle-orm';
import pg from 'pg';
import { tagStatement } from './database-errors.js';
import type { RenderedStatement } from './named-statement.js';

/**
 * How long the connection stays open without statements, like the pool's idle connections
 * (node-postgres closes those after 10 s): each is a server process, ~15 MiB on the embedded
 * server, and a household's app is idle most of the time. Reopening costs a few milliseconds.
 */
const IDLE_MS = 10_000;

export class StatementPipeline {
  private connection: Promise<pg.Client> | undefined;
  private inFlight = 0;
  private lastUsed = 0;
  // One timer at a time, re-armed when it finds recent use: no timer per statement under load.
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly idleMs = IDLE_MS,
  ) {}

  /** Runs a rendered statement with a value for each of its placeholders. */
  async execute<Row>(statement: RenderedStatement, values: Record<string, unknown>): Promise<{ rows: Row[] }> {
    this.inFlight++;
    try {
      const client = await this.connect();
      try {
        const result = await client.query({
          name: statement.name,
          text: statement.text,
          values: fillPlaceholders(statement.params, values),
        });
        return { rows: result.rows as Row[] };
      } catch (error) {
        throw tagStatement(error, statement.name);
      }
    } finally {
      this.inFlight--;
      this.lastUsed = performance.now();
      this.idleTimer ??= setTimeout(() => this.closeIfIdle(), this.idleMs).unref();
    }
  }

  /** Closes the connection once nothing has been sent on it for `idleMs`; until then, looks again later. */
  private closeIfIdle(): void {
    this.idleTimer = undefined;
    const quietFor = performance.now() - this.lastUsed;
    if (this.inFlight === 0 && quietFor >= this.idleMs) void this.close();
    else this.idleTimer = setTimeout(() => this.closeIfIdle(), this.inFlight ? this.idleMs : this.idleMs - quietFor).unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (connection)
      await connection.then(
        (client) => client.end(),
        () => undefined,
      );
  }

  /** The connection, opened on first use and again after it is lost (its statements in flight fail). */
  private connect(): Promise<pg.Client> {
    if (this.connection) return this.connection;
    const client = new pg.Client({ ...this.config, pipeline: true });
    const lost = () => {
      if (this.connection === opened) this.connection = undefined;
    };
    client.on('error', lost);
    client.on('end', lost);
    const opened = client.connect().then(
      () => client,
      (error: unknown) => {
        lost();
        throw error;
      },
    );
    this.connection = opened;
    return opened;
  }
}

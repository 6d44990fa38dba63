/**
 * One factory, one engine: PostgreSQL through node-postgres, either a server at `url`
 * (`DATABASE_URL`) or the app's own server under a data directory (embedded mode).
 */
import type { Db } from './db.js';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { migrationStatus, type MigrationStatus } from './migration-status.js';
import { postgresNotifications, type Notifications } from './notifications.js';
import * as schema from './tables.js';
import { startEmbeddedServer, type EmbeddedServerOptions } from './embedded-server.js';
import { MIGRATIONS_FOLDER } from './migrations-folder.js';

export interface Database {
  /** The server's `postgres://` URL (for tools that need a connection of their own). */
  readonly url?: string;
  readonly db: Db;
  /** What happens to events its connections write (`DatabaseOptions.outboxMode`). */
  readonly outboxMode: OutboxMode;
  /** Applies the committed SQL migrations; safe to call on every start. */
  migrate(): Promise<void>;
  /** How the schema compares with this build's migrations (read before `migrate`). */
  migrationStatus(): Promise<MigrationStatus>;
  /** Cheap round trip for readiness probes. */
  ping(): Promise<void>;
  /** A small write, rolled back: fails while writes fail (a full disk). */
  probeWrite(): Promise<void>;
  /**
   * A connection of the pool to itself, for work that needs the driver directly (backups
   * stream COPY through it); released with `release(true)` if it may be mid-protocol.
   * PostgreSQL only.
   */
  connect?(): Promise<pg.PoolClient>;
  /** The embedded server's process, when this database is one (`DatabaseOptions.dataDir`). */
  readonly serverPid?: number;
  /** LISTEN/NOTIFY between the processes sharing this database. */
  readonly notifications: Notifications;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A `postgres://` URL of a server to use. */
  url?: string | undefined;
  /**
   * Without `url`: the folder of the app's own PostgreSQL server, created and started here and
   * stopped by `close`. One of the two is required.
   */
  dataDir?: string | undefined;
  /** What the embedded server reports (its log lines, an unexpected stop). */
  server?: EmbeddedServerOptions;
  /** node-postgres pool size. */
  poolSize?: number;
  /**
   * `deliver`: events written on this database's connections are queued for their
   * subscriptions and announced by the writing statement itself (migration 0014) — for the
   * embedded event bus, whose queues are in this database. `relay` (default): they wait in the
   * outbox for a relay to publish them (the Dapr runtime).
   */
  outboxMode?: OutboxMode;
}

export type OutboxMode = 'relay' | 'deliver';

/** The session setting migration 0014's trigger reads. */
const OUTBOX_MODE_SETTING = 'todo.outbox_mode';

export const migrationsFolder = MIGRATIONS_FOLDER;

/**
 * Pooled connections to the embedded server. Each is a server process of ~15–25 MiB resident
 * (the binary's pages it ran, the shared buffers it read), and the event bus's polls keep every
 * pooled connection busy enough never to be closed as idle. 2 and 4 measured alike on a 2-core
 * machine (docs/benchmarks.md, embedded engine), and 2 hold ~30 MiB less under load.
 */
const EMBEDDED_POOL_SIZE = 2;

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  const mode = options.outboxMode ?? 'relay';
  if (options.url) return createPostgres(options.url, options.poolSize ?? 10, mode);
  if (options.dataDir) return createEmbedded(options.dataDir, options, mode);
  throw new Error('createDatabase needs a url (a PostgreSQL server) or a dataDir (the embedded server)');
}

/** A PostgreSQL server of the app's own under `dataDir` (embedded-server.ts), then the same client as for any server. */
async function createEmbedded(dataDir: string, options: DatabaseOptions, mode: OutboxMode): Promise<Database> {
  const server = await startEmbeddedServer(dataDir, options.server);
  try {
    const database = await createPostgres(server.url, options.poolSize ?? EMBEDDED_POOL_SIZE, mode);
    return {
      ...database,
      serverPid: server.pid,
      close: async () => {
        await database.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

const PROBE_CHANNEL = 'todo_write_probe';
class ProbeRolledBack extends Error {}

/** Inserts a row and rolls it back: a table without triggers, and nothing stays behind. */
async function probeWrite(db: Db): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await tx.execute(
        sql`insert into event_announcements (channel, types) values (${PROBE_CHANNEL}, '{}') on conflict do nothing`,
      );
      throw new ProbeRolledBack();
    });
  } catch (error) {
    if (!(error instanceof ProbeRolledBack)) throw error;
  }
}

async function createPostgres(url: string, poolSize: number, mode: OutboxMode): Promise<Database> {
  // Set at connection start, so every connection of the pool has it.
  const config = { connectionString: url, ...(mode === 'deliver' ? { options: `-c ${OUTBOX_MODE_SETTING}=deliver` } : {}) };
  const pool = new pg.Pool({ ...config, max: poolSize });
  // An idle client can be dropped by the server; without a listener that would crash the process.
  pool.on('error', () => undefined);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    url,
    db,
    outboxMode: mode,
    migrate: async () => {
      await migratePg(db as never, { migrationsFolder });
    },
    migrationStatus: () => migrationStatus(db, migrationsFolder),
    ping: async () => {
      await pool.query('select 1');
    },
    probeWrite: () => probeWrite(db),
    connect: () => pool.connect(),
    notifications: postgresNotifications(url, pool),
    close: () => pool.end(),
  };
}

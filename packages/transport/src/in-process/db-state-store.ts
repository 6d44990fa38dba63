/**
 * The embedded StateStore over `kv`. An etag is the id of the transaction that
 * wrote the value (never less than the previous etag + 1): it grows with every write, and it
 * cannot repeat after a delete, so an etag read before a delete never matches the key created
 * again (a counter restarting at 1 would).
 */
import { and, eq, sql } from 'drizzle-orm';
import { schema, type Db } from '@todo/storage';
import { StateConflictError, type SetOptions, type StateEntry, type StateStore } from '../ports.js';
import { jsonb } from './json.js';

const { kv } = schema;

const writerId = sql`pg_current_xact_id()::text::bigint`;
const nextEtag = sql`greatest(${kv.etag} + 1, ${writerId})`;

/** Etags we never issued (not an integer) simply never match. */
const parseEtag = (etag: string): number | null => (/^\d{1,16}$/.test(etag) ? Number(etag) : null);

export class DbStateStore implements StateStore {
  private readonly db: Db;

  constructor(options: { db: Db }) {
    this.db = options.db;
  }

  async get<V = unknown>(key: string): Promise<StateEntry<V> | null> {
    const [row] = await this.db.select({ value: kv.value, etag: kv.etag }).from(kv).where(eq(kv.key, key));
    return row ? { value: row.value as V, etag: String(row.etag) } : null;
  }

  async set(key: string, value: unknown, options: SetOptions = {}): Promise<string> {
    if (value === undefined) throw new TypeError(`state for "${key}" must be a JSON value, not undefined`);
    // As in Dapr: an etag, when given, is the condition; first-write alone means "only if absent".
    if (options.etag !== undefined) return this.compareAndSet(key, value, options.etag);
    if (options.firstWrite) {
      const [row] = await this.db
        .insert(kv)
        .values({ key, value: jsonb(value), etag: writerId, updatedAt: sql`now()` })
        .onConflictDoNothing({ target: kv.key })
        .returning({ etag: kv.etag });
      if (!row) throw new StateConflictError(key);
      return String(row.etag);
    }
    const [row] = await this.db
      .insert(kv)
      .values({ key, value: jsonb(value), etag: writerId, updatedAt: sql`now()` })
      .onConflictDoUpdate({ target: kv.key, set: { value: sql`excluded.value`, etag: nextEtag, updatedAt: sql`now()` } })
      .returning({ etag: kv.etag });
    if (!row) throw new Error(`state write for "${key}" returned nothing`);
    return String(row.etag);
  }

  async delete(key: string, options: { etag?: string } = {}): Promise<void> {
    if (options.etag === undefined) {
      await this.db.delete(kv).where(eq(kv.key, key));
      return;
    }
    const expected = parseEtag(options.etag);
    const removed =
      expected === null
        ? []
        : await this.db
            .delete(kv)
            .where(and(eq(kv.key, key), eq(kv.etag, expected)))
            .returning({ key: kv.key });
    if (!removed.length) throw new StateConflictError(key);
  }

  private async compareAndSet(key: string, value: unknown, etag: string): Promise<string> {
    const expected = parseEtag(etag);
    if (expected === null) throw new StateConflictError(key);
    const [row] = await this.db
      .update(kv)
      .set({ value: jsonb(value), etag: nextEtag, updatedAt: sql`now()` })
      .where(and(eq(kv.key, key), eq(kv.etag, expected)))
      .returning({ etag: kv.etag });
    if (!row) throw new StateConflictError(key);
    return String(row.etag);
  }
}

/**
 * Idempotency keys of creates (`idempotency_keys`): the task write stores a key together with
 * its task (task-write.statement.ts); this reads a key back for a retry and frees an expired one.
 */
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { idempotencyKeys } from '../schema.js';
import { isUniqueViolation } from '../database-errors.js';

export interface StoredIdempotencyKey {
  taskId: string;
  fingerprint: string;
  createdAt: Date;
}

/** True when a task write failed because its idempotency key was already taken. */
export const isIdempotencyKeyTaken = (error: unknown): boolean => isUniqueViolation(error, 'idempotency_keys_user_id_key_pk');

export class IdempotencyRepository {
  constructor(private readonly db: Db) {}

  async find(userId: string, key: string): Promise<StoredIdempotencyKey | null> {
    const [row] = await this.db
      .select({ taskId: idempotencyKeys.taskId, fingerprint: idempotencyKeys.fingerprint, createdAt: idempotencyKeys.createdAt })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
    return row ?? null;
  }

  /** Frees the user's keys stored before `before` (expired), so they can be used again. */
  async removeExpired(userId: string, before: Date): Promise<void> {
    await this.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), lt(idempotencyKeys.createdAt, before)));
  }
}

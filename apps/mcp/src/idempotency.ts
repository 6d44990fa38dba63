/**
 * Idempotency keys for creating tools: remembers `user + key → task id` so an agent that
 * retries a call (timeout, reconnect) gets the first task back instead of a duplicate.
 *
 * In memory, per process, with a TTL (default 24 h) and a size cap. Behind several replicas a
 * retry that lands on another replica is not deduplicated; the durable version is a table
 * `idempotency_keys(user_id, key, task_id, request_hash, created_at, PRIMARY KEY(user_id, key))`
 * written in the same transaction as the task (see README "Not done").
 */
export interface IdempotencyEntry {
  taskId: string;
  fingerprint: string;
}

export interface IdempotencyStore {
  /** Runs `create` once per (user, key); concurrent and later calls get the same result. */
  once(
    userId: string,
    key: string,
    fingerprint: string,
    create: () => Promise<string>,
  ): Promise<{ taskId: string; replayed: boolean; fingerprintMatches: boolean }>;
  forget(userId: string, key: string): void;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { taskId: Promise<string>; fingerprint: string; expires: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly maxEntries = 50_000,
  ) {}

  async once(userId: string, key: string, fingerprint: string, create: () => Promise<string>) {
    const id = `${userId}\u0000${key}`;
    const now = this.now();
    const hit = this.entries.get(id);
    if (hit && hit.expires > now) {
      return { taskId: await hit.taskId, replayed: true, fingerprintMatches: hit.fingerprint === fingerprint };
    }
    this.evict(now);
    const taskId = create();
    this.entries.set(id, { taskId, fingerprint, expires: now + this.ttlMs });
    try {
      return { taskId: await taskId, replayed: false, fingerprintMatches: true };
    } catch (error) {
      this.entries.delete(id); // a failed create may be retried with the same key
      throw error;
    }
  }

  forget(userId: string, key: string): void {
    this.entries.delete(`${userId}\u0000${key}`);
  }

  private evict(now: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expires <= now) this.entries.delete(id);
    }
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

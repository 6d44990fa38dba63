/**
 * What the recurring role has handled, so that a completion whose event never reached it can be
 * found and handled late (the reconciliation, docs/operations.md §12): every completed occurrence of a series
 * gets a `recurrence_handled` row once its next occurrence exists or none is due.
 */
import { and, asc, eq, gt, isNotNull, isNull, lte } from 'drizzle-orm';
import type { Db } from '../db.js';
import { recurrenceHandled, tasks } from '../schema.js';

export interface UnhandledCompletion {
  id: string;
  userId: string;
}

export class RecurrenceRepository {
  constructor(private readonly db: Db) {}

  /** Records that a completed occurrence was handled; recording it twice is a no-op. */
  async markHandled(taskId: string, at: Date): Promise<void> {
    await this.db.insert(recurrenceHandled).values({ taskId, handledAt: at }).onConflictDoNothing();
  }

  /**
   * Occurrences completed in (`after`, `before`] that nobody handled, oldest first, across all
   * users: a background scan, like the outbox relay's (each result names its owner).
   */
  async unhandledCompletions(window: { after: Date; before: Date; limit: number }): Promise<UnhandledCompletion[]> {
    return this.db
      .select({ id: tasks.id, userId: tasks.userId })
      .from(tasks)
      .leftJoin(recurrenceHandled, eq(recurrenceHandled.taskId, tasks.id))
      .where(
        and(
          isNotNull(tasks.recurrenceRule),
          isNotNull(tasks.completedAt),
          gt(tasks.completedAt, window.after),
          lte(tasks.completedAt, window.before),
          isNull(recurrenceHandled.taskId),
        ),
      )
      .orderBy(asc(tasks.completedAt))
      .limit(window.limit);
  }
}

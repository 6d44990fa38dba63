/**
 * What the recurring role has handled, so that a completion whose event never reached it can be
 * found and handled late (the reconciliation, docs/operations.md §12): every completed occurrence of a series
 * gets a `recurrence_handled` row once its next occurrence exists or none is due.
 */
import { and, asc, eq, gt, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { recurrenceHandled, tasks } from '../schema.js';

export interface UnhandledCompletion {
  id: string;
  userId: string;
}

/** The occurrence after a completed one, and whether anybody has touched it since it was made. */
export interface NextOccurrence {
  id: string;
  updatedAt: Date;
  /**
   * Not edited, completed, snoozed or re-tagged (`updated_at` still its `created_at`), and its
   * subtasks exactly the copies made with it, none of them changed.
   */
  untouched: boolean;
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

  /** The occurrence `index + 1` of the series `seriesId` — the one completing occurrence `index` (`completedId`) made. */
  async nextOccurrence(userId: string, completedId: string, seriesId: string, index: number): Promise<NextOccurrence | null> {
    const [next] = await this.db
      .select({
        id: tasks.id,
        updatedAt: tasks.updatedAt,
        untouched: sql<boolean>`${tasks.updatedAt} = ${tasks.createdAt}
          and not exists (select 1 from ${tasks} c where c.parent_id = "tasks"."id"
            and (c.updated_at <> c.created_at or c.created_at <> "tasks"."created_at"))
          and (select count(*) from ${tasks} c where c.parent_id = "tasks"."id")
            = (select count(*) from ${tasks} c where c.parent_id = ${completedId}::uuid)`,
      })
      .from(tasks)
      .where(and(eq(tasks.userId, userId), eq(tasks.seriesId, seriesId), eq(tasks.occurrenceIndex, index + 1)));
    return next ?? null;
  }
}

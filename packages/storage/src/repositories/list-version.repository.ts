/**
 * The version of each user's task data (`list_changes`, migration 0009): the sum of the rows the
 * triggers append, one per committed transaction that wrote the user's tasks, reminders, tag
 * links or tags. The sum only grows, so each value names one state of the data: a task list
 * read at one value is still right while it reads the same.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { listChanges } from '../schema.js';

export interface ListVersion {
  /** Opaque text; "0" before the user's first write. */
  version: string;
  /** Rows the sum was taken over; `compact` folds them into one. */
  changes: number;
}

/** The version as the list statement reads it, in its own snapshot. */
export const listVersionOf = (userId: string) =>
  sql`(select coalesce(sum(weight), 0)::text from ${listChanges} where user_id = ${userId}::uuid)`;

export class ListVersionRepository {
  /** Built on first use and kept: read for most list requests. */
  private byUser: ReturnType<ListVersionRepository['prepareByUser']> | undefined;

  constructor(private readonly db: Db) {}

  private prepareByUser() {
    return this.db
      .select({ version: sql<string>`coalesce(sum(${listChanges.weight}), 0)::text`, changes: sql<number>`count(*)::int` })
      .from(listChanges)
      .where(eq(listChanges.userId, sql.placeholder('userId')))
      .prepare('todo_list_version');
  }

  async read(userId: string): Promise<ListVersion> {
    const [row] = await (this.byUser ??= this.prepareByUser()).execute({ userId });
    return row ?? { version: '0', changes: 0 };
  }

  /**
   * Folds the users' rows into one each, of the same total, in one transaction: the version
   * reads the same before and after, and rows appended meanwhile stay as they are. All users
   * with more than one row when `userId` is not given.
   */
  async compact(userId?: string): Promise<void> {
    const whose = userId
      ? sql`user_id = ${userId}::uuid`
      : sql`user_id in (select user_id from ${listChanges} group by user_id having count(*) > 1)`;
    await this.db.execute(sql`
      with gone as (delete from ${listChanges} where ${whose} returning user_id, weight)
      insert into ${listChanges} (user_id, weight) select user_id, sum(weight) from gone group by user_id`);
  }
}

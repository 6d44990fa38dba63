/** Calendar feeds (schema-feeds.ts): each query is scoped to its owner, but the lookup by secret. */
import { and, desc, eq } from 'drizzle-orm';
import type { CalendarFeed } from '@todo/domain';
import type { Db } from '../db.js';
import { calendarFeeds } from '../schema-feeds.js';

type FeedRow = typeof calendarFeeds.$inferSelect;

const toFeed = (r: FeedRow): CalendarFeed => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.createdAt.toISOString() });

export class CalendarFeedRepository {
  constructor(private readonly db: Db) {}

  async insert(row: typeof calendarFeeds.$inferInsert): Promise<CalendarFeed> {
    const [created] = await this.db.insert(calendarFeeds).values(row).returning();
    return toFeed(created!);
  }

  async list(userId: string): Promise<CalendarFeed[]> {
    const rows = await this.db
      .select()
      .from(calendarFeeds)
      .where(eq(calendarFeeds.userId, userId))
      .orderBy(desc(calendarFeeds.createdAt));
    return rows.map(toFeed);
  }

  /** Whether the user had this feed (it is gone now). */
  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(calendarFeeds)
      .where(and(eq(calendarFeeds.userId, userId), eq(calendarFeeds.id, id)))
      .returning({ id: calendarFeeds.id });
    return rows.length > 0;
  }

  /** The feed whose secret has this hash, and its owner. */
  async findByHash(tokenHash: string): Promise<{ feed: CalendarFeed; userId: string } | null> {
    const [row] = await this.db.select().from(calendarFeeds).where(eq(calendarFeeds.tokenHash, tokenHash));
    return row ? { feed: toFeed(row), userId: row.userId } : null;
  }
}

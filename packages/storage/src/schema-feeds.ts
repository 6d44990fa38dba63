/**
 * Calendar feeds: secret, revocable, read-only iCalendar URLs of a user's dated tasks, for
 * calendar apps that subscribe (docs/calendar.md). tables.ts exports them with the rest.
 */
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './schema.js';

export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /**
     * SHA-256 of the URL's secret, as for API tokens: the secret has 256 bits of entropy, so a
     * fast hash is enough and the feed is found by one index hit. Revoking deletes the row.
     */
    tokenHash: text('token_hash').notNull(),
    /** The secret's first characters, to tell feeds apart in a list. */
    prefix: text('prefix').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('calendar_feeds_hash_key').on(t.tokenHash), index('calendar_feeds_user_idx').on(t.userId)],
);

/**
 * What imports brought in (docs/import-export.md): one row per imported item, keyed by the
 * user, the source format and the item's id in that source, so that importing the same file
 * again creates nothing new. The key is written in the same statement as its task
 * (task-write.statement.ts). It outlives the task on purpose: a task the user deleted is not
 * brought back by importing the file again. tables.ts exports it with the rest.
 */
import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './schema.js';

export const importKeys = pgTable(
  'import_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The format the item came from: `todoist`, `ical`, `todo-app`, `vikunja`. */
    source: text('source').notNull(),
    /** The item's id in its source (a Todoist row's content path, a VTODO's UID, an export's task id). */
    externalId: text('external_id').notNull(),
    taskId: uuid('task_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.source, t.externalId] })],
);

/**
 * Comments on tasks and the activity history (docs/projects-and-sharing.md). tables.ts exports
 * them with the rest.
 */
import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { projects, tasks, users } from './schema.js';

export const taskComments = pgTable(
  'task_comments',
  {
    id: uuid('id').primaryKey(),
    // Deleted with the task; a trashed task keeps them in its trash entry, to restore.
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    /** The members mentioned, resolved when the comment was written. */
    mentions: uuid('mentions')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('task_comments_task_idx').on(t.taskId, t.createdAt, t.id)],
);

/**
 * The activity history: one row per event members may see, written by its subscription
 * (keyed on the event id, so a redelivered event adds nothing). Rows go with their project; a
 * deleted task's stay, since "deleted" is part of its project's history.
 */
export const activity = pgTable(
  'activity',
  {
    eventId: uuid('event_id').primaryKey(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id'),
    actorId: uuid('actor_id'),
    type: text('type').notNull(),
    summary: text('summary').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('activity_project_idx').on(t.projectId, t.at.desc(), t.eventId.desc()),
    index('activity_task_idx').on(t.taskId, t.at.desc(), t.eventId.desc()),
  ],
);

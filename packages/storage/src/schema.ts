/**
 * The PostgreSQL schema of users, projects, tasks and tags (delivery tables: schema-delivery.ts;
 * calendar feeds: schema-feeds.ts; all: tables.ts). Migrations are generated from the schema by drizzle-kit and committed under
 * `../migrations`.
 */
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => instant('created_at').notNull().defaultNow();
const updatedAt = () => instant('updated_at').notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name'),
    passwordHash: text('password_hash').notNull(),
    timeZone: text('time_zone').notNull().default('UTC'),
    reminderHour: smallint('reminder_hour').notNull().default(9),
    isAdmin: boolean('is_admin').notNull().default(false),
    /** Last per-user task number handed out; bumped in the same transaction as the insert. */
    taskSeq: integer('task_seq').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

/**
 * The version of each user's task data is the sum of the user's `weight`s here: every committed
 * transaction that writes the user's tasks, their reminders, tag links or tags appends a row of
 * weight 1 (triggers, migration 0009), so the sum grows with each such commit and names one
 * state of the data; a task list read at one sum is still right while the sum reads the same.
 * Appended, never updated, so writers of one user never wait on each other; compaction folds a
 * user's rows into one of the same total.
 */
export const listChanges = pgTable(
  'list_changes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    weight: bigint('weight', { mode: 'number' }).notNull(),
  },
  (t) => [index('list_changes_user_idx').on(t.userId)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: instant('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the secret: tokens are high-entropy, so a fast hash is enough and lookups stay O(1). */
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    scopes: text('scopes').array().notNull(),
    expiresAt: instant('expires_at'),
    lastUsedAt: instant('last_used_at'),
    /**
     * The token whose bearer created this one (null: created in a session or by an operator).
     * Revoking a token revokes its descendants; the cascade is the backstop of that rule.
     */
    parentId: uuid('parent_id').references((): AnyPgColumn => apiTokens.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('api_tokens_hash_key').on(t.tokenHash),
    index('api_tokens_user_idx').on(t.userId),
    index('api_tokens_parent_idx').on(t.parentId),
  ],
);

/**
 * Email action links ("Mark done", "Snooze") that were used: each link works once. A row is
 * needed only while the link's signature is still valid, so rows past `expires_at` are deleted.
 */
export const actionLinkUses = pgTable(
  'action_link_uses',
  {
    /** The `jti` claim of the link. */
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    usedAt: instant('used_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [index('action_link_uses_expires_idx').on(t.expiresAt)],
);

/**
 * Sign-ups and email changes waiting for the owner of the address to open the link mailed to
 * it. Only a SHA-256 of the link's secret is kept; a row is deleted when its link is used.
 */
export const emailConfirmations = pgTable(
  'email_confirmations',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    purpose: text('purpose', { enum: ['signup', 'email-change'] }).notNull(),
    email: text('email').notNull(),
    /** The account whose email changes; null for a sign-up. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** A sign-up's password, hashed as in `users`; its name and zone. */
    passwordHash: text('password_hash'),
    name: text('name'),
    timeZone: text('time_zone'),
    expiresAt: instant('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('email_confirmations_token_key').on(t.tokenHash), index('email_confirmations_expires_idx').on(t.expiresAt)],
);

export const tags = pgTable(
  'tags',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('tags_user_name_key').on(t.userId, sql`lower(${t.name})`)],
);

/**
 * Projects group tasks and are the unit of access (docs/decisions/0009-projects-and-sharing.md).
 * Membership lives at the top of a tree: `root_id` names it (a top-level project is its own
 * root), so a task's role is one join. Each user has one Inbox (`inbox`), never shared,
 * nested or deleted. `task_seq` is the project's counter of `<projectId>/<n>` numbers.
 */
export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey(),
    /** The user who created the project; its owner is the `owner` member of its root. */
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color'),
    inbox: boolean('inbox').notNull().default(false),
    parentId: uuid('parent_id').references((): AnyPgColumn => projects.id, { onDelete: 'cascade' }),
    rootId: uuid('root_id')
      .notNull()
      .references((): AnyPgColumn => projects.id, { onDelete: 'cascade' }),
    archivedAt: instant('archived_at'),
    commentsByViewers: boolean('comments_by_viewers').notNull().default(false),
    taskSeq: integer('task_seq').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // As categories were: one name per owner, case-insensitively (the Inbox aside).
    uniqueIndex('projects_owner_name_key')
      .on(t.ownerId, sql`lower(${t.name})`)
      .where(sql`not ${t.inbox}`),
    uniqueIndex('projects_owner_inbox_key')
      .on(t.ownerId)
      .where(sql`${t.inbox}`),
    index('projects_parent_idx').on(t.parentId),
    index('projects_root_idx').on(t.rootId),
  ],
);

/** Who may use a project tree, and how: rows name ROOT projects only. */
export const projectMembers = pgTable(
  'project_members',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'admin', 'editor', 'viewer'] }).notNull(),
    /** The member's own sidebar: one member's favourites and order never move another's. */
    favorite: boolean('favorite').notNull().default(false),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('project_members_user_idx').on(t.userId)],
);

/**
 * Invitations into a project tree (its root), by email: kept until accepted, declined, revoked
 * or expired, whether or not the address has an account yet — whoever holds (or later confirms)
 * the address sees it. One pending invitation per address and project: inviting again refreshes it.
 */
export const projectInvitations = pgTable(
  'project_invitations',
  {
    id: uuid('id').primaryKey(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Lower-cased, as sign-up stores addresses. */
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'editor', 'viewer'] }).notNull(),
    invitedBy: uuid('invited_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('project_invitations_project_email_key').on(t.projectId, t.email),
    index('project_invitations_email_idx').on(t.email),
  ],
);

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** 0 none … 4 urgent, so "most urgent first" is a plain numeric sort. */
    priority: smallint('priority').notNull().default(0),
    completedAt: instant('completed_at'),
    /** The due as the user gave it: a local date, an optional local time, an optional zone (null = floating). */
    dueDate: date('due_date', { mode: 'string' }),
    dueTime: time('due_time'),
    dueZone: text('due_zone'),
    /** Derived instant; for all-day tasks, the start of the day in the user's zone. */
    dueAt: instant('due_at'),
    recurrenceRule: text('recurrence_rule'),
    repeatFrom: text('repeat_from', { enum: ['due', 'completion'] }),
    seriesId: uuid('series_id'),
    /** The series' anchor due (local date or date-time), from which the RRULE is expanded. */
    seriesStart: text('series_start'),
    occurrenceIndex: integer('occurrence_index'),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** The task's number in its project (`<projectId>/<n>`), from the project's `task_seq`. */
    projectNumber: integer('project_number').notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => tasks.id, { onDelete: 'cascade' }),
    /** CalDAV: the UID a client gave the task; null for the app's own `<id>@todo-app` (docs/caldav.md). */
    icalUid: text('ical_uid'),
    /** CalDAV: the resource name (`<name>.ics`) a client created the task under; null: its UID, `<id>@todo-app`. */
    icalName: text('ical_name'),
    /** CalDAV: the VTODO's properties the app does not model, as iCalendar text, given back on GET. */
    icalExtras: text('ical_extras'),
    /** The member the task is assigned to (shared projects); cleared when they leave the project. */
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')`,
      ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('tasks_user_number_key').on(t.userId, t.number),
    uniqueIndex('tasks_project_number_key').on(t.projectId, t.projectNumber),
    /** The recurrence consumer's idempotency key: one row per occurrence of a series. */
    uniqueIndex('tasks_series_occurrence_key').on(t.seriesId, t.occurrenceIndex),
    /**
     * The list's index-backed orders, down to the id tie-break (task-list.query.ts): a page
     * seeks to its cursor and reads its own rows, not every task of the user. The default
     * view (open, by due date, undated last) has an index of open tasks only, which the
     * planner picks even before the table has statistics.
     */
    index('tasks_project_open_due_idx')
      .on(t.projectId, sql`coalesce(${t.dueAt}, 'infinity'::timestamptz)`, t.id)
      .where(sql`${t.completedAt} is null`),
    index('tasks_project_created_idx').on(t.projectId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('tasks_parent_idx').on(t.parentId),
    index('tasks_project_ical_name_idx')
      .on(t.projectId, t.icalName)
      .where(sql`${t.icalName} is not null`),
    index('tasks_assignee_idx')
      .on(t.assigneeId)
      .where(sql`${t.assigneeId} is not null`),
    index('tasks_search_idx').using('gin', t.search),
    /** The recurrence reconciliation's scan: completed occurrences of series, by completion time. */
    index('tasks_recurring_completed_idx')
      .on(t.completedAt)
      .where(sql`${t.recurrenceRule} is not null and ${t.completedAt} is not null`),
  ],
);

/**
 * Completed occurrences whose completion the recurring role has handled (next occurrence
 * created, or none due). What is completed and missing here after a while was never handled:
 * the reconciliation handles it (an event lost between broker and app, docs/operations.md).
 */
export const recurrenceHandled = pgTable('recurrence_handled', {
  taskId: uuid('task_id')
    .primaryKey()
    .references(() => tasks.id, { onDelete: 'cascade' }),
  handledAt: instant('handled_at').notNull(),
});

/**
 * Deleted tasks, restorable for a while (undo): each row is what one delete removed — the task
 * and its subtasks with their tags and reminders, as the delete's own statement read them. A
 * restore writes them back with their ids and numbers and removes the row; the rest are purged
 * once the undo window has passed. Nothing else reads this table, so no list, search, count,
 * `#N` lookup or reminder sees a deleted task.
 */
export const taskTrash = pgTable(
  'task_trash',
  {
    /** The deleted task (the root of what was removed). */
    taskId: uuid('task_id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    deletedAt: instant('deleted_at').notNull(),
    /** `[{ row, tags, reminders }]`, parents before their subtasks; `row` has the table's column names. */
    tasks: jsonb('tasks').notNull(),
  },
  (t) => [index('task_trash_user_number_idx').on(t.userId, t.number), index('task_trash_deleted_idx').on(t.deletedAt)],
);

/**
 * Keys a client sent with a create (MCP `idempotencyKey`) so that a retry gets the first task
 * back, on any replica and after a restart. Written by the statement that writes the task, so
 * a key is taken exactly when its task exists; a second writer with the same key fails on the
 * primary key and reads the first one's task. No foreign key to the task: a deleted task is
 * reported as such to a retry. `fingerprint` is a hash of the request's fields.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    taskId: uuid('task_id').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

export const taskTags = pgTable(
  'task_tags',
  {
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.tagId] }), index('task_tags_tag_idx').on(t.tagId)],
);

export const reminders = pgTable(
  'reminders',
  {
    id: uuid('id').primaryKey(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['relative', 'absolute'] }).notNull(),
    minutesBefore: integer('minutes_before'),
    at: instant('at'),
    /** Set by "snooze"; the reminder fires at this instant instead, once. */
    snoozedUntil: instant('snoozed_until'),
    position: smallint('position').notNull().default(0),
  },
  (t) => [index('reminders_task_idx').on(t.taskId)],
);

/** Transactional outbox: a state change and its events commit together (docs/decisions/0001-transactional-outbox.md). */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey(),
    topic: text('topic').notNull(),
    type: text('type').notNull(),
    partitionKey: text('partition_key'),
    event: jsonb('event').notNull(),
    createdAt: createdAt(),
    availableAt: instant('available_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    publishedAt: instant('published_at'),
  },
  (t) => [
    // In the relay's claim order, so the claim is an index scan that stops after a batch and
    // marks the entries of rows published since the last vacuum dead as it passes them; on
    // `available_at` it was a bitmap scan that read every one of them again on every pass
    // (10,000 under load, 1.8 ms per claim; docs/benchmarks.md).
    index('outbox_claim_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.publishedAt} is null`),
    // Rows are written in `created_at` order: a block-range index costs next to nothing to keep
    // and lets the relay's minutely prune read only the old end of a day's events, not all of them.
    index('outbox_created_brin_idx').using('brin', t.createdAt),
  ],
);

/** The in-app chat's conversations (issue #5); `preview` is the first user message, shortened. */
export const chatConversations = pgTable(
  'chat_conversations',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    preview: text('preview').notNull().default(''),
  },
  (t) => [index('chat_conversations_user_updated_idx').on(t.userId, t.updatedAt)],
);

/** One row per chat message, in order; `message` is opaque JSON to storage. */
export const chatMessages = pgTable(
  'chat_messages',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => chatConversations.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    message: jsonb('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.position] })],
);

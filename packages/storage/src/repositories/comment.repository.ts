/**
 * Comments on tasks. Each write is one statement with its events' outbox rows (written only when
 * the comment row changed), so a comment and its event commit together without a transaction.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { CloudEvent, Comment, MentionCandidate, ProjectRole } from '@todo/domain';
import type { Db } from '../db.js';
import { executeNamed } from '../named-statement.js';

/** A task as commenting needs it, with the caller's role in its project (null: no such task for them). */
export interface CommentTarget {
  taskId: string;
  taskTitle: string;
  projectId: string;
  rootId: string;
  role: ProjectRole;
  commentsByViewers: boolean;
}

interface CommentRecord {
  id: string;
  task_id: string;
  author_id: string;
  body: string;
  mentions: string[];
  created_at: Date | string;
  updated_at: Date | string;
}

const toComment = (r: CommentRecord): Comment => ({
  id: r.id,
  taskId: r.task_id,
  authorId: r.author_id,
  body: r.body,
  mentions: r.mentions,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

type Events = readonly { topic: string; event: CloudEvent }[];

/** The events' outbox rows, inserted only when `changed` (a CTE of the statement) has a row. */
const outboxRows = (events: Events, now: Date) => sql`
  insert into outbox (id, topic, type, partition_key, event, created_at, available_at)
  select (x.item->'event'->>'id')::uuid, x.item->>'topic', x.item->'event'->>'type', x.item->'event'->>'partitionkey',
    x.item->'event', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
  from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as x(item, ord)
  where exists (select 1 from changed)
  order by x.ord`;

const TARGET = sql`select t.id as task_id, t.title as task_title, t.project_id, p.root_id, m.role,
    p.comments_by_viewers
  from tasks t join projects p on p.id = t.project_id
  join project_members m on m.project_id = p.root_id`;

export class CommentRepository {
  constructor(private readonly db: Db) {}

  private async rows<R>(query: SQL): Promise<R[]> {
    return ((await this.db.execute(query)) as unknown as { rows: R[] }).rows;
  }

  /** The task (by id, or by the caller's own `#N`) if the caller is a member of its project. */
  async target(userId: string, key: { id: string } | { number: number }): Promise<CommentTarget | null> {
    const where = 'id' in key ? sql`t.id = ${key.id}::uuid` : sql`t.user_id = ${userId}::uuid and t.number = ${key.number}`;
    const [row] = await this.rows<Record<string, unknown>>(sql`${TARGET} and m.user_id = ${userId}::uuid where ${where}`);
    return row ? targetOf(row) : null;
  }

  /** A comment with its task, for a caller who is a member of the task's project. */
  async find(userId: string, id: string): Promise<{ comment: Comment; target: CommentTarget } | null> {
    const [row] = await this.rows<CommentRecord & Record<string, unknown>>(sql`
      select c.*, x.* from task_comments c
      join lateral (${TARGET} and m.user_id = ${userId}::uuid where t.id = c.task_id) x on true
      where c.id = ${id}::uuid`);
    return row ? { comment: toComment(row), target: targetOf(row) } : null;
  }

  /** Who a mention may name: the members of the project tree (`rootId`), and nobody else. */
  async members(rootId: string): Promise<MentionCandidate[]> {
    return this.rows<MentionCandidate>(sql`
      select u.id, u.name, u.email from project_members m join users u on u.id = m.user_id
      where m.project_id = ${rootId}::uuid`);
  }

  /** Oldest first; `after`: the last comment id of the previous page (UUIDv7 ids sort by creation). */
  async list(taskId: string, options: { limit: number; after?: string | undefined }) {
    const rows = await this.rows<CommentRecord>(sql`
      select * from task_comments where task_id = ${taskId}::uuid
      ${options.after ? sql`and id > ${options.after}::uuid` : sql``}
      order by id limit ${options.limit + 1}`);
    const items = rows.slice(0, options.limit).map(toComment);
    return { items, nextCursor: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async insert(comment: Comment, events: Events): Promise<void> {
    await executeNamed(
      this.db,
      'todo_insert_comment',
      sql`with changed as (
        insert into task_comments (id, task_id, author_id, body, mentions, created_at, updated_at)
        values (${comment.id}::uuid, ${comment.taskId}::uuid, ${comment.authorId}::uuid, ${comment.body},
          ${`{${comment.mentions.join(',')}}`}::uuid[], ${comment.createdAt}::timestamptz, ${comment.updatedAt}::timestamptz)
        returning id),
      emitted as (${outboxRows(events, new Date(comment.createdAt))})
      select 1`,
    );
  }

  /** False when the comment is gone (deleted meanwhile, or with its task). */
  async update(comment: Comment, events: Events): Promise<boolean> {
    const result = await this.rows<{ n: number }>(sql`with changed as (
        update task_comments set body = ${comment.body}, mentions = ${`{${comment.mentions.join(',')}}`}::uuid[],
          updated_at = ${comment.updatedAt}::timestamptz
        where id = ${comment.id}::uuid returning id),
      emitted as (${outboxRows(events, new Date(comment.updatedAt))})
      select count(*)::int as n from changed`);
    return Number(result[0]?.n ?? 0) > 0;
  }

  async delete(id: string, events: Events, now: Date): Promise<boolean> {
    const result = await this.rows<{ n: number }>(sql`with changed as (
        delete from task_comments where id = ${id}::uuid returning id),
      emitted as (${outboxRows(events, now)})
      select count(*)::int as n from changed`);
    return Number(result[0]?.n ?? 0) > 0;
  }
}

const targetOf = (r: Record<string, unknown>): CommentTarget => ({
  taskId: r.task_id as string,
  taskTitle: r.task_title as string,
  projectId: r.project_id as string,
  rootId: r.root_id as string,
  role: r.role as ProjectRole,
  commentsByViewers: r.comments_by_viewers as boolean,
});

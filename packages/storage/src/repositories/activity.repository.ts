/**
 * The activity history (`activity`): written by its event subscription, one row per event
 * (keyed on the event id: a redelivery adds nothing), read newest first per task or project.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ActivityEntry, ActivityFact } from '@todo/domain';
import type { Db } from '../db.js';
import { executeNamed } from '../named-statement.js';

interface ActivityRecord {
  event_id: string;
  project_id: string;
  task_id: string | null;
  actor_id: string | null;
  type: string;
  summary: string;
  at: Date | string;
}

/** The position after an entry, newest first: its time and event id. */
interface Cursor {
  at: string;
  id: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** Null when the cursor is not one this repository made. */
export function decodeActivityCursor(raw: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Partial<Cursor>;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (typeof c.at !== 'string' || Number.isNaN(Date.parse(c.at)) || typeof c.id !== 'string' || !uuid.test(c.id)) return null;
    return { at: c.at, id: c.id };
  } catch {
    return null;
  }
}

export class ActivityRepository {
  constructor(private readonly db: Db) {}

  /** Records the fact once; nothing if its project is gone (deleted since the event). True when new. */
  async record(fact: ActivityFact): Promise<boolean> {
    const result = await executeNamed<{ event_id: string }>(
      this.db,
      'todo_record_activity',
      sql`insert into activity (event_id, project_id, task_id, actor_id, type, summary, at)
        select ${fact.eventId}::uuid, p.id, ${fact.taskId}::uuid, ${fact.actorId}::uuid, ${fact.type}, ${fact.summary},
          ${fact.at.toISOString()}::timestamptz
        from projects p where p.id = ${fact.projectId}::uuid
        on conflict (event_id) do nothing returning event_id`,
    );
    return result.rows.length > 0;
  }

  /** Newest first, for a task or for a project tree's one project. */
  async list(of: { taskId: string } | { projectId: string }, options: { limit: number; cursor?: Cursor | null }) {
    const where: SQL[] = ['taskId' in of ? sql`task_id = ${of.taskId}::uuid` : sql`project_id = ${of.projectId}::uuid`];
    if (options.cursor) where.push(sql`(at, event_id) < (${options.cursor.at}::timestamptz, ${options.cursor.id}::uuid)`);
    const result = (await this.db.execute(sql`
      select * from activity where ${sql.join(where, sql` and `)}
      order by at desc, event_id desc limit ${options.limit + 1}`)) as unknown as { rows: ActivityRecord[] };
    const rows = result.rows;
    const items: ActivityEntry[] = rows.slice(0, options.limit).map((r) => ({
      id: r.event_id,
      type: r.type,
      summary: r.summary,
      actorId: r.actor_id,
      taskId: r.task_id,
      projectId: r.project_id,
      at: new Date(r.at).toISOString(),
    }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? encode({ at: last.at, id: last.id }) : null };
  }
}

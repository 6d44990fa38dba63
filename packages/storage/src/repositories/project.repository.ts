/**
 * Projects and their members. A project's members are its root's (`root_id`): every read joins
 * the caller's membership of the root, so a project the caller is no member of is not found.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Project, ProjectRole } from '@todo/domain';
import type { Db } from '../db.js';

interface ProjectRecord {
  id: string;
  name: string;
  color: string | null;
  inbox: boolean;
  parent_id: string | null;
  root_id: string;
  archived_at: Date | string | null;
  comments_by_viewers: boolean;
  role: ProjectRole;
  favorite: boolean;
  position: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

const toProject = (r: ProjectRecord): Project => ({
  id: r.id,
  name: r.name,
  color: r.color,
  inbox: r.inbox,
  parentId: r.parent_id,
  rootId: r.root_id,
  archivedAt: r.archived_at === null ? null : iso(r.archived_at),
  commentsByViewers: r.comments_by_viewers,
  role: r.role,
  favorite: r.favorite,
  position: Number(r.position),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** The projects `userId` is a member of (through their roots), with the member's role and sidebar. */
const visible = (userId: string, where: SQL = sql`true`) => sql`
  select p.id, p.name, p.color, p.inbox, p.parent_id, p.root_id, p.archived_at, p.comments_by_viewers, m.role, m.favorite, m.position,
    p.created_at, p.updated_at
  from projects p join project_members m on m.project_id = p.root_id and m.user_id = ${userId}::uuid
  where ${where}`;

/** Ids of the projects `userId` may read: the task reads' scope (`tasks.project_id = any(…)`). */
export const visibleProjectIds = (userId: SQL | string) =>
  sql`array(select p.id from project_members m join projects p on p.root_id = m.project_id where m.user_id = ${userId}::uuid)`;

export interface ProjectInsert {
  id: string;
  ownerId: string;
  name: string;
  color: string | null;
  parentId: string | null;
  rootId: string;
  now: Date;
}

export class ProjectRepository {
  constructor(private readonly db: Db) {}

  private async rows(query: SQL): Promise<ProjectRecord[]> {
    return ((await this.db.execute(query)) as unknown as { rows: ProjectRecord[] }).rows;
  }

  async list(userId: string): Promise<Project[]> {
    const rows = await this.rows(sql`${visible(userId)} order by p.inbox desc, m.position, lower(p.name) collate "C", p.id`);
    return rows.map(toProject);
  }

  async find(userId: string, id: string): Promise<Project | null> {
    const [row] = await this.rows(visible(userId, sql`p.id = ${id}::uuid`));
    return row ? toProject(row) : null;
  }

  /** The caller's Inbox id. */
  async inboxOf(userId: string): Promise<string | null> {
    const [row] = await this.rows(sql`select id from projects where owner_id = ${userId}::uuid and inbox`);
    return row?.id ?? null;
  }

  /** Levels below `id` (0: no sub-projects), to keep a move within the nesting limit. */
  async height(id: string): Promise<number> {
    const result = (await this.db.execute(sql`
      with recursive sub(id, depth) as (
        select id, 0 from projects where id = ${id}::uuid
        union all select p.id, s.depth + 1 from projects p join sub s on p.parent_id = s.id)
      select max(depth)::int as height from sub`)) as unknown as { rows: { height: number | null }[] };
    return result.rows[0]?.height ?? 0;
  }

  /** How deep `id` is (1: a top-level project), and the ids of its ancestors, nearest first. */
  async ancestors(id: string): Promise<string[]> {
    const result = (await this.db.execute(sql`
      with recursive up(id, parent_id, n) as (
        select id, parent_id, 0 from projects where id = ${id}::uuid
        union all select p.id, p.parent_id, u.n + 1 from projects p join up u on p.id = u.parent_id where u.n < 10)
      select id from up where n > 0 order by n`)) as unknown as { rows: { id: string }[] };
    return result.rows.map((r) => r.id);
  }

  /** A new project; a top-level one gets its creator as owner. Call inside a transaction. */
  async insert(row: ProjectInsert): Promise<void> {
    await this.db.execute(sql`
      insert into projects (id, owner_id, name, color, parent_id, root_id, created_at, updated_at)
      values (${row.id}::uuid, ${row.ownerId}::uuid, ${row.name}, ${row.color}, ${row.parentId}::uuid, ${row.rootId}::uuid,
        ${row.now.toISOString()}::timestamptz, ${row.now.toISOString()}::timestamptz)`);
    if (row.parentId === null) await this.addMember(row.id, row.ownerId, 'owner', row.now);
  }

  async addMember(projectId: string, userId: string, role: ProjectRole, now: Date): Promise<void> {
    await this.db.execute(sql`
      insert into project_members (project_id, user_id, role, created_at)
      values (${projectId}::uuid, ${userId}::uuid, ${role}, ${now.toISOString()}::timestamptz)`);
  }

  async update(
    id: string,
    changes: { name?: string; color?: string | null; archivedAt?: Date | null; commentsByViewers?: boolean; now: Date },
  ) {
    const sets: SQL[] = [sql`updated_at = ${changes.now.toISOString()}::timestamptz`];
    if (changes.name !== undefined) sets.push(sql`name = ${changes.name}`);
    if (changes.color !== undefined) sets.push(sql`color = ${changes.color}`);
    if (changes.commentsByViewers !== undefined) sets.push(sql`comments_by_viewers = ${changes.commentsByViewers}`);
    if (changes.archivedAt !== undefined) sets.push(sql`archived_at = ${changes.archivedAt?.toISOString() ?? null}::timestamptz`);
    await this.db.execute(sql`update projects set ${sql.join(sets, sql`, `)} where id = ${id}::uuid`);
  }

  /** The member's own sidebar entry for a top-level project. */
  async updateMember(projectId: string, userId: string, changes: { favorite?: boolean; position?: number }): Promise<void> {
    const sets: SQL[] = [];
    if (changes.favorite !== undefined) sets.push(sql`favorite = ${changes.favorite}`);
    if (changes.position !== undefined) sets.push(sql`position = ${changes.position}`);
    if (!sets.length) return;
    await this.db.execute(
      sql`update project_members set ${sql.join(sets, sql`, `)} where project_id = ${projectId}::uuid and user_id = ${userId}::uuid`,
    );
  }

  /**
   * Moves `id` (and its sub-projects) under `parentId`, or to the top level: the subtree's
   * `root_id` follows. A project that leaves the top level leaves its members with it (its new
   * root's apply); one that arrives there gets `ownerId` as its owner. Call inside a transaction.
   */
  async move(id: string, parentId: string | null, ownerId: string, now: Date): Promise<void> {
    const rootId = parentId === null ? id : sql`(select root_id from projects where id = ${parentId}::uuid)`;
    await this.db.execute(sql`
      with recursive sub(id) as (select ${id}::uuid union all select p.id from projects p join sub s on p.parent_id = s.id)
      update projects set root_id = ${rootId}::uuid,
        parent_id = case when id = ${id}::uuid then ${parentId}::uuid else parent_id end,
        updated_at = case when id = ${id}::uuid then ${now.toISOString()}::timestamptz else updated_at end
      where id in (select id from sub)`);
    await this.db.execute(sql`delete from project_members where project_id = ${id}::uuid`);
    if (parentId === null) await this.addMember(id, ownerId, 'owner', now);
  }

  /** Deletes the project, its sub-projects and their tasks (foreign keys cascade). */
  async delete(id: string): Promise<boolean> {
    const result = (await this.db.execute(
      sql`delete from projects where id = ${id}::uuid and not inbox returning id`,
    )) as unknown as {
      rows: unknown[];
    };
    return result.rows.length > 0;
  }
}

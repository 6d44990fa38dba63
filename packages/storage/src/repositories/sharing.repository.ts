/**
 * Who shares a project tree: its members (`project_members`, rows of ROOT projects) and the
 * invitations waiting for an answer (`project_invitations`). The services decide who may do
 * what (the policy); this only reads and writes.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Invitation, Member, MemberRole, ProjectRole } from '@todo/domain';
import type { Db } from '../db.js';

const iso = (d: Date | string) => new Date(d).toISOString();

interface InvitationRecord {
  id: string;
  project_id: string;
  project_name: string;
  email: string;
  role: MemberRole;
  invited_by: string;
  created_at: Date | string;
  expires_at: Date | string;
}

const toInvitation = (r: InvitationRecord): Invitation => ({
  id: r.id,
  projectId: r.project_id,
  projectName: r.project_name,
  email: r.email,
  role: r.role,
  invitedBy: r.invited_by,
  createdAt: iso(r.created_at),
  expiresAt: iso(r.expires_at),
});

const invitations = (where: SQL) => sql`
  select i.id, i.project_id, p.name as project_name, i.email, i.role, coalesce(u.name, u.email) as invited_by,
    i.created_at, i.expires_at
  from project_invitations i join projects p on p.id = i.project_id join users u on u.id = i.invited_by
  where ${where}`;

export interface InvitationUpsert {
  id: string;
  projectId: string;
  email: string;
  role: MemberRole;
  invitedBy: string;
  now: Date;
  expiresAt: Date;
}

export class SharingRepository {
  constructor(private readonly db: Db) {}

  private async rows<T>(query: SQL): Promise<T[]> {
    return ((await this.db.execute(query)) as unknown as { rows: T[] }).rows;
  }

  async members(projectId: string): Promise<Member[]> {
    const rows = await this.rows<{
      user_id: string;
      email: string;
      name: string | null;
      role: ProjectRole;
      created_at: Date;
    }>(sql`
      select m.user_id, u.email, u.name, m.role, m.created_at from project_members m join users u on u.id = m.user_id
      where m.project_id = ${projectId}::uuid
      order by case m.role when 'owner' then 0 when 'admin' then 1 when 'editor' then 2 else 3 end, lower(u.email)`);
    return rows.map((r) => ({ userId: r.user_id, email: r.email, name: r.name, role: r.role, joinedAt: iso(r.created_at) }));
  }

  /** The member's role in the root project, or null. */
  async roleOf(projectId: string, userId: string): Promise<ProjectRole | null> {
    const [row] = await this.rows<{ role: ProjectRole }>(
      sql`select role from project_members where project_id = ${projectId}::uuid and user_id = ${userId}::uuid`,
    );
    return row?.role ?? null;
  }

  /** Whether `userId` is a member of the tree project `projectId` belongs to (any project, not only roots). */
  async isMemberOfTree(projectId: string, userId: string): Promise<boolean> {
    const [row] = await this.rows<{ hit: boolean }>(sql`
      select exists (select 1 from projects p join project_members m on m.project_id = p.root_id
        where p.id = ${projectId}::uuid and m.user_id = ${userId}::uuid) as hit`);
    return row?.hit ?? false;
  }

  /** The members of the tree `projectId` is in; null when there is no such project (any more). */
  async audience(projectId: string): Promise<string[] | null> {
    const rows = await this.rows<{ user_id: string | null }>(sql`
      select m.user_id from projects p left join project_members m on m.project_id = p.root_id where p.id = ${projectId}::uuid`);
    return rows.length ? rows.flatMap((r) => (r.user_id ? [r.user_id] : [])) : null;
  }

  /** Whether the holder of `email` is a member already (the same query whether or not the address has an account). */
  async isMemberByEmail(projectId: string, email: string): Promise<boolean> {
    const [row] = await this.rows<{ hit: boolean }>(sql`
      select exists (select 1 from project_members m join users u on u.id = m.user_id
        where m.project_id = ${projectId}::uuid and lower(u.email) = ${email}) as hit`);
    return row?.hit ?? false;
  }

  /** Members plus live invitations: what the per-project ceiling counts. */
  async seats(projectId: string, now: Date): Promise<number> {
    const [row] = await this.rows<{ n: number }>(sql`
      select (select count(*) from project_members where project_id = ${projectId}::uuid)
        + (select count(*) from project_invitations where project_id = ${projectId}::uuid
            and expires_at > ${now.toISOString()}::timestamptz) as n`);
    return Number(row?.n ?? 0);
  }

  async setRole(projectId: string, userId: string, role: ProjectRole): Promise<void> {
    await this.db.execute(
      sql`update project_members set role = ${role} where project_id = ${projectId}::uuid and user_id = ${userId}::uuid`,
    );
  }

  /**
   * Removes the member and unassigns the tasks of the tree assigned to them (the tasks they
   * created stay); their own lists change, so their data version moves too.
   */
  async removeMember(projectId: string, userId: string): Promise<void> {
    await this.db.execute(sql`
      update tasks set assignee_id = null
      where assignee_id = ${userId}::uuid and project_id in (select id from projects where root_id = ${projectId}::uuid)`);
    await this.db.execute(sql`delete from project_members where project_id = ${projectId}::uuid and user_id = ${userId}::uuid`);
    await this.touch(userId);
  }

  /** Every member of the tree rooted at `rootId`: their lists change (the tree is deleted or moved). */
  async touchMembers(rootId: string): Promise<void> {
    await this.db.execute(sql`
      insert into list_changes (user_id, weight) select user_id, 1 from project_members where project_id = ${rootId}::uuid`);
  }

  /** A membership change changes what the member's lists contain: their cached pages must go. */
  async touch(userId: string): Promise<void> {
    await this.db.execute(sql`insert into list_changes (user_id, weight) values (${userId}::uuid, 1)`);
  }

  /** A new invitation, or the pending one for the same address refreshed (role, inviter, expiry). */
  async upsertInvitation(row: InvitationUpsert): Promise<Invitation> {
    const [saved] = await this.rows<{ id: string }>(sql`
      insert into project_invitations (id, project_id, email, role, invited_by, created_at, expires_at)
      values (${row.id}::uuid, ${row.projectId}::uuid, ${row.email}, ${row.role}, ${row.invitedBy}::uuid,
        ${row.now.toISOString()}::timestamptz, ${row.expiresAt.toISOString()}::timestamptz)
      on conflict (project_id, email) do update set role = excluded.role, invited_by = excluded.invited_by,
        created_at = excluded.created_at, expires_at = excluded.expires_at
      returning id`);
    const [invitation] = await this.rows<InvitationRecord>(invitations(sql`i.id = ${saved!.id}::uuid`));
    return toInvitation(invitation!);
  }

  async pendingFor(projectId: string, now: Date): Promise<Invitation[]> {
    const rows = await this.rows<InvitationRecord>(
      invitations(
        sql`i.project_id = ${projectId}::uuid and i.expires_at > ${now.toISOString()}::timestamptz order by i.created_at, i.id`,
      ),
    );
    return rows.map(toInvitation);
  }

  /** The live invitations to the address of `userId` (whatever it is now: a confirmed new email brings its invitations). */
  async invitationsOf(userId: string, now: Date, id?: string): Promise<Invitation[]> {
    const rows = await this.rows<InvitationRecord>(
      invitations(sql`i.email = (select lower(email) from users where id = ${userId}::uuid)
        and i.expires_at > ${now.toISOString()}::timestamptz ${id ? sql`and i.id = ${id}::uuid` : sql``}
        order by i.created_at, i.id`),
    );
    return rows.map(toInvitation);
  }

  async deleteInvitation(id: string, projectId?: string): Promise<boolean> {
    const rows = await this.rows<{ id: string }>(
      sql`delete from project_invitations where id = ${id}::uuid ${projectId ? sql`and project_id = ${projectId}::uuid` : sql``} returning id`,
    );
    return rows.length > 0;
  }

  async deleteExpiredInvitations(now: Date): Promise<void> {
    await this.db.execute(sql`delete from project_invitations where expires_at <= ${now.toISOString()}::timestamptz`);
  }
}

/** Users and browser sessions (API tokens: token.repository.ts). */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { User } from '@todo/domain';
import type { Db } from '../db.js';
import { sessions, tasks, users } from '../schema.js';
import { taskColumns } from './task.mapper.js';

export type UserRow = typeof users.$inferSelect;

export const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  timeZone: r.timeZone,
  reminderHour: r.reminderHour,
  isAdmin: r.isAdmin,
  createdAt: r.createdAt.toISOString(),
});

export class UserRepository {
  /** Built on first use and kept: reads of the owner run for most requests and events. */
  private byId: ReturnType<UserRepository['prepareById']> | undefined;

  constructor(private readonly db: Db) {}

  private prepareById() {
    return this.db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('todo_user_by_id');
  }

  async insert(row: typeof users.$inferInsert): Promise<UserRow> {
    const [created] = await this.db.insert(users).values(row).returning();
    return created!;
  }

  async findById(id: string): Promise<UserRow | null> {
    const [row] = await (this.byId ??= this.prepareById()).execute({ id });
    return row ?? null;
  }

  async findByEmail(email: string): Promise<UserRow | null> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
    return row ?? null;
  }

  async update(
    id: string,
    changes: Partial<Pick<UserRow, 'email' | 'name' | 'passwordHash' | 'timeZone' | 'reminderHour' | 'isAdmin' | 'updatedAt'>>,
  ) {
    const [row] = await this.db.update(users).set(changes).where(eq(users.id, id)).returning();
    return row ?? null;
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(users);
    return row?.n ?? 0;
  }

  /** Floating dues follow the user's zone, so a zone change moves their instants. */
  async floatingDueRows(userId: string) {
    return this.db
      .select(taskColumns)
      .from(tasks)
      .where(and(eq(tasks.userId, userId), sql`${tasks.dueDate} is not null`, isNull(tasks.dueZone)));
  }
}

export class SessionRepository {
  constructor(private readonly db: Db) {}

  async insert(row: { id: string; userId: string; expiresAt: Date }): Promise<void> {
    await this.db.insert(sessions).values(row);
  }

  async isActive(id: string, userId: string, now: Date): Promise<boolean> {
    const [row] = await this.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.userId, userId), gt(sessions.expiresAt, now)));
    return Boolean(row);
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, id));
  }

  /** Ends every session of the user except `keep`; returns the ids ended (to evict caches). */
  async deleteAllOf(userId: string, keep?: string): Promise<string[]> {
    const rows = await this.db
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), keep ? sql`${sessions.id} <> ${keep}::uuid` : undefined))
      .returning({ id: sessions.id });
    return rows.map((r) => r.id);
  }
}

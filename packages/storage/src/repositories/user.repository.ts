/** Users, browser sessions and API tokens. */
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { ApiToken, TokenScope, User } from '@todo/domain';
import type { Db } from '../db.js';
import { apiTokens, sessions, tasks, users } from '../schema.js';

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
    changes: Partial<Pick<UserRow, 'email' | 'name' | 'timeZone' | 'reminderHour' | 'isAdmin' | 'updatedAt'>>,
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
      .select({ id: tasks.id, dueDate: tasks.dueDate, dueTime: tasks.dueTime })
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
}

type TokenRow = typeof apiTokens.$inferSelect;

const toApiToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as TokenScope[],
  expiresAt: r.expiresAt?.toISOString() ?? null,
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

export class TokenRepository {
  constructor(private readonly db: Db) {}

  async insert(row: typeof apiTokens.$inferInsert): Promise<ApiToken> {
    const [created] = await this.db.insert(apiTokens).values(row).returning();
    return toApiToken(created!);
  }

  async list(userId: string): Promise<ApiToken[]> {
    const rows = await this.db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
    return rows.map(toApiToken);
  }

  /** Revokes a token; returns its hash (to evict caches), or null when the user has no such token. */
  async delete(userId: string, id: string): Promise<string | null> {
    const [row] = await this.db
      .delete(apiTokens)
      .where(and(eq(apiTokens.userId, userId), eq(apiTokens.id, id)))
      .returning({ hash: apiTokens.tokenHash });
    return row?.hash ?? null;
  }

  /** The live token with this hash, and its owner; expired tokens are not found. */
  async findActiveByHash(tokenHash: string, now: Date): Promise<{ token: ApiToken; userId: string } | null> {
    const [row] = await this.db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenHash, tokenHash), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))));
    return row ? { token: toApiToken(row), userId: row.userId } : null;
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
  }
}

/** Personal API tokens, and the tree of tokens minted by other tokens. */
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { ApiToken, TokenScope } from '@todo/domain';
import type { Db } from '../db.js';
import { apiTokens } from '../schema.js';

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

const isForeignKeyViolation = (error: unknown): boolean => {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23503') return true;
  }
  return false;
};

export class TokenRepository {
  constructor(private readonly db: Db) {}

  /** Null when the parent token was revoked meanwhile (its row is gone, so the child may not exist). */
  async insert(row: typeof apiTokens.$inferInsert): Promise<ApiToken | null> {
    try {
      const [created] = await this.db.insert(apiTokens).values(row).returning();
      return toApiToken(created!);
    } catch (error) {
      if (row.parentId && isForeignKeyViolation(error)) return null;
      throw error;
    }
  }

  async list(userId: string): Promise<ApiToken[]> {
    const rows = await this.db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
    return rows.map(toApiToken);
  }

  /** The token's id and those of the tokens it descends from, itself first; empty when the user has no such token. */
  async lineage(userId: string, id: string): Promise<string[]> {
    const { rows } = (await this.db.execute(sql`
      with recursive up as (
        select id, parent_id from ${apiTokens} where id = ${id}::uuid and user_id = ${userId}::uuid
        union all
        select t.id, t.parent_id from ${apiTokens} t join up on t.id = up.parent_id)
      select id from up`)) as { rows: { id: string }[] };
    return rows.map((r) => r.id);
  }

  /** Revokes a token and every token minted from it, transitively; returns their hashes (to evict caches). */
  async deleteTree(userId: string, id: string): Promise<string[]> {
    const { rows } = (await this.db.execute(sql`
      with recursive down as (
        select id from ${apiTokens} where id = ${id}::uuid and user_id = ${userId}::uuid
        union all
        select t.id from ${apiTokens} t join down on t.parent_id = down.id)
      delete from ${apiTokens} where id in (select id from down) returning token_hash as "hash"`)) as {
      rows: { hash: string }[];
    };
    return rows.map((r) => r.hash);
  }

  /** Revokes all of the user's tokens; returns their hashes. */
  async deleteAllOf(userId: string): Promise<string[]> {
    const rows = await this.db.delete(apiTokens).where(eq(apiTokens.userId, userId)).returning({ hash: apiTokens.tokenHash });
    return rows.map((r) => r.hash);
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

/** Which email action links were used: each works once (schema.ts, `actionLinkUses`). */
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { actionLinkUses } from '../schema.js';

export class ActionLinkRepository {
  constructor(private readonly db: Db) {}

  /** Records the link as used; false when it was used before. */
  async claim(row: { id: string; userId: string; usedAt: Date; expiresAt: Date }): Promise<boolean> {
    const created = await this.db.insert(actionLinkUses).values(row).onConflictDoNothing().returning({ id: actionLinkUses.id });
    return created.length > 0;
  }

  /** Un-records a use whose action failed for a reason other than the task's state, so the link can be retried. */
  async release(id: string): Promise<void> {
    await this.db.delete(actionLinkUses).where(eq(actionLinkUses.id, id));
  }

  async isUsed(id: string): Promise<boolean> {
    const [row] = await this.db.select({ id: actionLinkUses.id }).from(actionLinkUses).where(eq(actionLinkUses.id, id));
    return Boolean(row);
  }

  /** Forgets uses of links whose signature has expired: such links are refused anyway. */
  async deleteExpired(now: Date): Promise<void> {
    await this.db.delete(actionLinkUses).where(lt(actionLinkUses.expiresAt, now));
  }
}

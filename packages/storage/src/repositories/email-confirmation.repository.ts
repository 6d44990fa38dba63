/** Sign-ups and email changes waiting for their link to be opened (schema.ts, `emailConfirmations`). */
import { and, eq, gt, lte } from 'drizzle-orm';
import type { Db } from '../db.js';
import { emailConfirmations } from '../schema.js';

export type EmailConfirmationRow = typeof emailConfirmations.$inferSelect;
export type NewEmailConfirmation = Omit<typeof emailConfirmations.$inferInsert, 'createdAt'>;

export class EmailConfirmationRepository {
  constructor(private readonly db: Db) {}

  async insert(row: NewEmailConfirmation): Promise<void> {
    await this.db.insert(emailConfirmations).values(row);
  }

  /** The live confirmation with this token hash, without using it (the link's page shows what it would do). */
  async find(tokenHash: string, now: Date): Promise<EmailConfirmationRow | null> {
    const [row] = await this.db
      .select()
      .from(emailConfirmations)
      .where(and(eq(emailConfirmations.tokenHash, tokenHash), gt(emailConfirmations.expiresAt, now)));
    return row ?? null;
  }

  /** Uses the confirmation: deleted and returned once; null when used, expired or unknown. */
  async take(tokenHash: string, now: Date): Promise<EmailConfirmationRow | null> {
    const [row] = await this.db
      .delete(emailConfirmations)
      .where(and(eq(emailConfirmations.tokenHash, tokenHash), gt(emailConfirmations.expiresAt, now)))
      .returning();
    return row ?? null;
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.db.delete(emailConfirmations).where(lte(emailConfirmations.expiresAt, now));
  }
}

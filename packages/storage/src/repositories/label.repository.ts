/** Categories and tags: named, coloured labels, unique per user case-insensitively. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Label } from '@todo/domain';
import type { Db } from '../db.js';
import { type categories, type tags } from '../schema.js';

type LabelTable = typeof categories | typeof tags;
type LabelRow = LabelTable['$inferSelect'];

const toLabel = (r: LabelRow): Label => ({
  id: r.id,
  name: r.name,
  color: r.color,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/**
 * PostgreSQL's unique_violation (SQLSTATE 23505); with
 * `constraint`, only a violation of that unique index counts.
 */
export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, constraint: violated } = e as { code?: unknown; constraint?: unknown };
    if (code === '23505') return constraint === undefined || violated === constraint;
  }
  return false;
};

/**
 * PostgreSQL refused a value as data (SQLSTATE class 22: a malformed uuid or timestamp, a number
 * out of range, a character it cannot store). The edges validate input first; when a value
 * still gets this far, the value is the cause, and the caller hears so instead of "try again".
 */
export const isDataException = (error: unknown): boolean => {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code } = e as { code?: unknown };
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
};

export class LabelRepository {
  constructor(
    private readonly db: Db,
    private readonly table: LabelTable,
  ) {}

  async list(userId: string): Promise<Label[]> {
    const rows = await this.db
      .select()
      .from(this.table)
      .where(eq(this.table.userId, userId))
      .orderBy(asc(sql`lower(${this.table.name})`));
    return rows.map(toLabel);
  }

  async find(userId: string, id: string): Promise<Label | null> {
    const [row] = await this.db
      .select()
      .from(this.table)
      .where(and(eq(this.table.userId, userId), eq(this.table.id, id)));
    return row ? toLabel(row) : null;
  }

  async insert(row: { id: string; userId: string; name: string; color: string | null; now: Date }): Promise<Label> {
    const [created] = await this.db
      .insert(this.table)
      .values({ id: row.id, userId: row.userId, name: row.name, color: row.color, createdAt: row.now, updatedAt: row.now })
      .returning();
    return toLabel(created!);
  }

  async update(userId: string, id: string, changes: { name?: string; color?: string | null; updatedAt: Date }) {
    const [row] = await this.db
      .update(this.table)
      .set(changes)
      .where(and(eq(this.table.userId, userId), eq(this.table.id, id)))
      .returning();
    return row ? toLabel(row) : null;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(this.table)
      .where(and(eq(this.table.userId, userId), eq(this.table.id, id)))
      .returning({ id: this.table.id });
    return rows.length > 0;
  }
}

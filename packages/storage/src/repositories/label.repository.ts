/** Tags: named, coloured labels, unique per user case-insensitively. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Label } from '@todo/domain';
import type { Db } from '../db.js';
import { type tags } from '../schema.js';

type LabelTable = typeof tags;
type LabelRow = LabelTable['$inferSelect'];

const toLabel = (r: LabelRow): Label => ({
  id: r.id,
  name: r.name,
  color: r.color,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

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

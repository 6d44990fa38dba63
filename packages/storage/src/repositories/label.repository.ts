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

  /**
   * Labels with these names (as stored), creating the missing ones (tags are given by name
   * on the wire) and, with `linkTo`, attaching them to that task. Two statements at most, and no
   * row locks on existing labels (`do nothing`, not `do update`), so concurrent creates that
   * use the same tag do not queue behind each other. A name another transaction is creating at
   * the same moment is waited for by the insert and found by the second statement.
   */
  async ensureNames(
    userId: string,
    names: readonly string[],
    newId: () => string,
    now: Date,
    linkTo?: string,
  ): Promise<{ id: string; name: string }[]> {
    const byKey = new Map<string, string>();
    for (const name of names) if (!byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
    const unique = [...byKey.values()];
    if (!unique.length) return [];
    const table = this.table;
    const link = (rows: string) =>
      linkTo
        ? sql`, linked as (insert into task_tags (task_id, tag_id) select ${linkTo}::uuid, id from ${sql.raw(rows)} on conflict do nothing)`
        : sql``;
    const created = (await this.db.execute(sql`
      with created as (
        insert into ${table} (id, user_id, name, created_at, updated_at)
        select id, ${userId}::uuid, name, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from unnest(${toPgArray(unique.map(() => newId()))}::uuid[], ${toPgArray(unique)}::text[]) as wanted(id, name)
        on conflict do nothing
        returning id, name)${link('created')}
      select id, name from created`)) as { rows: { id: string; name: string }[] };
    const found = new Set(created.rows.map((r) => r.name.toLowerCase()));
    const missing = unique.map((n) => n.toLowerCase()).filter((n) => !found.has(n));
    if (!missing.length) return created.rows;
    const existing = (await this.db.execute(sql`
      with existing as (
        select id, name from ${table} where user_id = ${userId}::uuid and lower(name) = any(${toPgArray(missing)}::text[]))${link('existing')}
      select id, name from existing`)) as { rows: { id: string; name: string }[] };
    return [...created.rows, ...existing.rows];
  }
}

/** A PostgreSQL array literal, so both drivers bind it the same way. */
function toPgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

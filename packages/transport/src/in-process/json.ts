import { sql, type SQL } from 'drizzle-orm';

/**
 * A JSON value for a not-null jsonb column. Passed bare, `null` would reach the driver as SQL
 * NULL, and JSON `null` is a legal job payload or state value.
 */
export const jsonb = (value: unknown): SQL => {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('value is not representable as JSON');
  return sql`${text}::jsonb`;
};

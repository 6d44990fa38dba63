/**
 * Raw SQL sent as a named (server-side prepared) statement. PostgreSQL then parses the text
 * once per connection and, after a few runs, reuses its plan: for the multi-table CTE writes
 * that every create and completion runs, parsing and planning cost more server CPU than
 * executing (docs/benchmarks.md). The text must be the same on every call for a given name —
 * only parameter values may vary — which is what a `sql` template without conditional parts
 * gives. PGlite ignores the name and runs the statement as before.
 */
import type { SQL } from 'drizzle-orm';
import type { Db } from './client.js';

interface Prepares {
  _: {
    session: {
      prepareQuery(query: unknown, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> };
    };
  };
  dialect: { sqlToQuery(query: SQL): unknown };
}

export async function executeNamed<Row>(db: Db, name: string, query: SQL): Promise<{ rows: Row[] }> {
  // Drizzle's own `execute` always sends an unnamed statement; this is the same call with a name.
  const { _, dialect } = db as unknown as Prepares;
  return (await _.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false).execute()) as { rows: Row[] };
}

/**
 * Raw SQL sent as a named (server-side prepared) statement. PostgreSQL then parses the text
 * once per connection and, after a few runs, reuses its plan: for the multi-table CTE writes
 * that every create and completion runs, and for the task list, parsing and planning cost more
 * server CPU than executing (docs/benchmarks.md).
 */
import { createHash } from 'node:crypto';
import { fillPlaceholders, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { Db } from './db.js';
import { tagStatement } from './database-errors.js';

// Drizzle's own `execute` always sends an unnamed statement; this sends it with a name.
function run<Row>(db: Db, query: SQL, nameOf: (text: string) => string): Promise<{ rows: Row[] }> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return executeRendered<Row>(db, { name: nameOf(text), text, params });
}

/**
 * For a statement whose text never varies — only parameter values do — which is what a `sql`
 * template without conditional parts gives.
 */
export const executeNamed = <Row>(db: Db, name: string, query: SQL): Promise<{ rows: Row[] }> => run<Row>(db, query, () => name);

/**
 * For a statement whose text varies with a bounded set of options (filters, sort): each text
 * gets its own name. Keep user data out of the text — values as parameters, lists as one array
 * parameter — or every call would prepare a new statement.
 */
export const executeByShape = <Row>(db: Db, prefix: string, query: SQL): Promise<{ rows: Row[] }> =>
  run<Row>(db, query, (text) => shapeNames.get(text) ?? nameShape(prefix, text));

/** Names of the shapes seen, so a repeated shape is not hashed again; bounded like the shapes. */
const shapeNames = new Map<string, string>();
function nameShape(prefix: string, text: string): string {
  const name = `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  if (shapeNames.size >= 1_000) shapeNames.clear();
  shapeNames.set(text, name);
  return name;
}

const dialect = new PgDialect();

/**
 * A statement rendered once, for one built per call whose text depends only on a few options:
 * rendering walks every fragment of the template, and for the batched task insert that was
 * more of Node's time than sending it. Values go in through `sql.placeholder(name)`.
 */
export interface RenderedStatement {
  name: string;
  text: string;
  params: unknown[];
}

export function renderStatement(name: string, query: SQL): RenderedStatement {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { name, text, params };
}

/** Runs a rendered statement with a value for each of its placeholders (`values`). */
export async function executeRendered<Row>(
  db: Db,
  statement: RenderedStatement,
  values?: Record<string, unknown>,
): Promise<{ rows: Row[] }> {
  const params = values ? fillPlaceholders(statement.params, values) : statement.params;
  // Drizzle's node-postgres database exposes its pool as `$client`; a transaction does not.
  const pool = (db as { $client?: pg.Pool }).$client;
  try {
    if (pool) return { rows: (await pool.query({ name: statement.name, text: statement.text, values: params })).rows as Row[] };
    // In a transaction: Drizzle does not expose its connection, so the statement goes unnamed.
    return (await db.execute(withValues(statement.text, params))) as unknown as { rows: Row[] };
  } catch (error) {
    throw tagStatement(error, statement.name);
  }
}

/** Rendered text and its values as a Drizzle `sql` fragment again (`$n` marks the n-th value). */
function withValues(text: string, params: readonly unknown[]): SQL {
  return sql.join(text.split(/\$(\d+)/).map((part, i) => (i % 2 ? sql`${params[Number(part) - 1]}` : sql.raw(part))));
}

/**
 * A fragment without parameters (a long column list, a JSON shape) rendered to text once, for
 * statements built per request: walking such fragments again on every list cost 70 of the
 * 115 µs it took to build the statement (bench:api, list).
 */
export function constantSql(fragment: SQL): SQL {
  const { sql: text, params } = dialect.sqlToQuery(fragment);
  if (params.length) throw new Error(`constantSql: the fragment has ${params.length} parameters: ${text}`);
  return sql.raw(text);
}

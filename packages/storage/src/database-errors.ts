/**
 * What a failed query may say in a log or to a caller. Drizzle's error carries the whole SQL
 * text and every parameter — for a task create that is the user's title and description, and
 * for a batched insert tens of kilobytes per failure — so logs get only the statement's name,
 * the SQLSTATE and the database's message with quoted values blanked out.
 */
import { createHash } from 'node:crypto';

export interface DatabaseFailure {
  /** SQLSTATE (`53100`), or the system error code (`ENOSPC`). */
  code: string;
  /** The named statement, or `sql_<hash>` of the statement's text: identifies it, says nothing of the data. */
  statement: string | undefined;
  table: string | undefined;
  constraint: string | undefined;
  /** The database's message, every quoted value replaced by "…". */
  message: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The named-statement helpers tag their errors with the statement's name (named-statement.ts). */
export function tagStatement(error: unknown, name: string): unknown {
  if (error && typeof error === 'object' && !('statement' in error)) Object.assign(error, { statement: name });
  return error;
}

const blanked = (message: unknown) => String(message ?? '').replace(/"[^"]*"/g, '"…"');

interface ErrorFields {
  code?: unknown;
  name?: unknown;
  statement?: unknown;
  query?: unknown;
  table?: unknown;
  constraint?: unknown;
  message?: unknown;
  cause?: unknown;
}

/**
 * The failure of a query, if `error` is one: an error with a SQLSTATE, or anything thrown from
 * a query (a lost connection has none).
 */
export function databaseFailureOf(error: unknown): DatabaseFailure | undefined {
  let statement: string | undefined;
  let innermost: ErrorFields | undefined;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as ErrorFields).cause, depth++) {
    const fields = e as ErrorFields;
    if (typeof fields.statement === 'string') statement ??= fields.statement;
    if (typeof fields.query === 'string')
      statement ??= `sql_${createHash('sha1').update(fields.query).digest('hex').slice(0, 12)}`;
    const code = typeof fields.code === 'string' ? fields.code : undefined;
    if (code && (SQLSTATE.test(code) || code === 'ENOSPC')) {
      return {
        code,
        statement,
        table: typeof fields.table === 'string' ? fields.table : undefined,
        constraint: typeof fields.constraint === 'string' ? fields.constraint : undefined,
        message: blanked(fields.message),
      };
    }
    if (statement && e !== error) innermost = fields;
  }
  if (!statement) return undefined;
  // Drizzle's own message is the SQL and its parameters: only the cause's first line is kept.
  return {
    code: typeof innermost?.name === 'string' ? innermost.name : 'unknown',
    statement,
    table: undefined,
    constraint: undefined,
    message: blanked(innermost?.message).split('\n')[0]!.slice(0, 200),
  };
}

/** A write refused for lack of space: PostgreSQL's disk_full, or the file system's ENOSPC. */
export const isStorageFull = (error: unknown): boolean => {
  const code = databaseFailureOf(error)?.code;
  return code === '53100' || code === 'ENOSPC';
};

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

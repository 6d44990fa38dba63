/**
 * Which text the application accepts at all. A NUL character cannot be stored in a PostgreSQL
 * `text` column, and a lone UTF-16 surrogate is not a character (it turns into U+FFFD or an
 * encoding error on the way to the database). Both are refused wherever input enters — REST
 * bodies, query strings and path parameters, MCP tool arguments — by walking the raw input
 * once, before any schema, so no string field can be forgotten.
 */
import { DomainError, type FieldIssue } from './errors.js';

// In a /u pattern a well-formed surrogate pair is one code point, so this range only matches
// surrogates that stand alone. Matching NUL is this pattern's purpose.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHAR = /[\u0000\uD800-\uDFFF]/u;

/** Why a string is refused, or null when it is acceptable text. */
export function unsafeTextReason(value: string): string | null {
  const match = UNSAFE_CHAR.exec(value);
  if (!match) return null;
  return match[0] === '\u0000'
    ? 'must not contain the NUL character (U+0000)'
    : 'must be valid Unicode text: it contains a lone UTF-16 surrogate';
}

const MAX_DEPTH = 64;

/**
 * Every string (and object key) in `value` that is not acceptable text, with its dotted path
 * below `prefix`. Input nested deeper than any schema allows is left to the schema to refuse.
 */
export function unsafeTextIssues(value: unknown, prefix = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const visit = (node: unknown, path: string, depth: number): void => {
    if (typeof node === 'string') {
      const reason = unsafeTextReason(node);
      if (reason) issues.push({ field: path || '(root)', message: reason });
      return;
    }
    if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, join(path, String(i)), depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      const keyReason = unsafeTextReason(key);
      if (keyReason) issues.push({ field: join(path, JSON.stringify(key)), message: `field name ${keyReason}` });
      else visit(item, join(path, key), depth + 1);
    }
  };
  visit(value, prefix, 0);
  return issues;
}

/** Throws INVALID_TEXT naming every offending field. */
export function assertSafeText(value: unknown, prefix = ''): void {
  const issues = unsafeTextIssues(value, prefix);
  if (issues.length > 0) {
    throw new DomainError('INVALID_TEXT', issues.map((i) => `${i.field} ${i.message}`).join('; '), issues);
  }
}

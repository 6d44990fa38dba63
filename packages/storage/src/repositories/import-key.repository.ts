/**
 * Import keys (`import_keys`): the task write stores a key together with its imported task
 * (task-write.statement.ts); this reads which of a file's items were imported before.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db.js';
import { importKeys } from '../schema-imports.js';
import { isUniqueViolation } from '../database-errors.js';

/** True when a task write failed because an import key was taken meanwhile (the same file imported twice at once). */
export const isImportKeyTaken = (error: unknown): boolean =>
  isUniqueViolation(error, 'import_keys_user_id_source_external_id_pk');

/** Ids looked up per query: a file's items are read in slices this big. */
const SLICE = 1000;

export class ImportKeyRepository {
  constructor(private readonly db: Db) {}

  /** The tasks already imported for these external ids of `source`, by external id. */
  async find(userId: string, source: string, externalIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < externalIds.length; i += SLICE) {
      const slice = externalIds.slice(i, i + SLICE);
      const rows = await this.db
        .select({ externalId: importKeys.externalId, taskId: importKeys.taskId })
        .from(importKeys)
        .where(and(eq(importKeys.userId, userId), eq(importKeys.source, source), inArray(importKeys.externalId, slice)));
      for (const row of rows) found.set(row.externalId, row.taskId);
    }
    return found;
  }
}

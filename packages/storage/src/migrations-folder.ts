import { fileURLToPath } from 'node:url';

/** The committed SQL migrations and drizzle's journal of them (`meta/_journal.json`). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

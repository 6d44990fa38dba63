/**
 * A write the database refuses for lack of disk space (SQLSTATE 53100, what PostgreSQL answers
 * when it cannot extend a file) reaches an assistant as STORAGE_FULL, saying not to retry blindly
 * — not as INTERNAL "try again later". The failure is the database's own: a trigger raises it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHarness, errorOf, type McpHarness } from './harness.js';

let h: McpHarness;
let client: Client;

beforeAll(async () => {
  h = await createMcpHarness();
  client = await h.client((await h.user('UTC')).token);
  await h.database.db.execute(
    sql.raw(`create function refuse_for_lack_of_space() returns trigger language plpgsql as $$
      begin
        raise exception 'could not extend file "base/5/16384": No space left on device' using errcode = 'disk_full';
      end $$`),
  );
  await h.database.db.execute(
    sql.raw('create trigger disk_full before insert on tasks for each row execute function refuse_for_lack_of_space()'),
  );
});
afterAll(() => h?.close());

it('answers STORAGE_FULL when the disk is full, and says the change may not be saved', async () => {
  const result = (await client.callTool({ name: 'add_task', arguments: { title: 'Book the dentist' } })) as CallToolResult;
  const error = errorOf(result);
  expect(error.code).toBe('STORAGE_FULL');
  expect(error.message).toContain('out of disk space');
  expect(error.message).not.toContain('try again later');
});

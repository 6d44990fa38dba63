/**
 * Issue #20, acceptance 3: a write refused for lack of space answers 507 problem+json (not
 * 500), `/readyz` turns not-ready until writes work again, and it recovers without a restart
 * with every acknowledged row intact. The failure is the database's own: a trigger on every
 * table raises SQLSTATE 53100 (disk_full) while a switch is on — what PostgreSQL answers when
 * it cannot extend a file — so the error travels the real path from the engine up.
 */
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

const SECRET_TITLE = 'Confidential: the surprise party for Robin';

describe('a full disk', () => {
  let p: Pipeline;
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        raw.push(chunk.toString('utf8'));
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    p = await createPipeline('2026-11-27T09:00:00Z', { logSink: sink });
    for (const statement of [
      'create table disk_full_switch (is_full boolean not null)',
      'insert into disk_full_switch values (false)',
      `create function refuse_when_disk_full() returns trigger language plpgsql as $$
       begin
         if (select is_full from disk_full_switch) then
           raise exception 'could not extend file "base/5/16384": No space left on device' using errcode = 'disk_full';
         end if;
         return new;
       end $$`,
      `do $$ declare t text; begin
         for t in select tablename from pg_tables where schemaname = 'public' and tablename <> 'disk_full_switch' loop
           execute format('create trigger disk_full before insert or update on %I for each row execute function refuse_when_disk_full()', t);
         end loop;
       end $$`,
    ]) {
      await p.runtime.database.db.execute(sql.raw(statement));
    }
  });
  afterAll(() => p?.close());

  const diskFull = (full: boolean) => p.runtime.database.db.execute(sql`update disk_full_switch set is_full = ${full}`);

  it('answers 507 STORAGE_FULL, is not ready while full, and recovers without a restart', async () => {
    const u = await p.user('UTC');
    const acknowledged: string[] = [];
    for (const title of ['before 1', 'before 2', 'before 3']) {
      const res = await p.call('POST', '/api/tasks', u.auth, { title });
      expect(res.status).toBe(201);
      acknowledged.push(res.body.id);
    }
    expect((await p.call('GET', '/readyz')).status).toBe(200);

    await diskFull(true);
    const refused = await p.call('POST', '/api/tasks', u.auth, { title: SECRET_TITLE, description: 'x'.repeat(5_000) });
    expect(refused.status).toBe(507);
    expect(refused.body).toMatchObject({ status: 507, code: 'STORAGE_FULL', title: 'Insufficient Storage' });
    expect(refused.body.detail).toContain('out of disk space');
    const completion = await p.call('POST', `/api/tasks/${acknowledged[0]}/complete`, u.auth);
    expect(completion.status).toBe(507);

    const notReady = await p.call('GET', '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.writes).toContain('out of disk space');
    expect(notReady.body.checks.database).toBe('ok');
    // Reads still work while writes do not.
    expect((await p.call('GET', '/api/tasks', u.auth)).body.items).toHaveLength(3);

    await diskFull(false);
    expect((await p.call('GET', '/readyz')).status).toBe(200);
    const after = await p.call('POST', '/api/tasks', u.auth, { title: 'after' });
    expect(after.status).toBe(201);
    acknowledged.push(after.body.id);

    const listed = (await p.call('GET', '/api/tasks?status=all', u.auth)).body.items.map((t: { id: string }) => t.id);
    expect(listed.sort()).toEqual([...acknowledged].sort());
    expect((await p.call('GET', `/api/tasks/${acknowledged[0]}`, u.auth)).body.status).toBe('open');
  });

  it('logs the refused write with its statement and SQLSTATE, never the SQL or the user text', () => {
    const refusals = lines.filter((l) => l.msg === 'write refused: out of disk space');
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    for (const line of refusals) {
      expect(line.err).toMatchObject({ code: '53100', message: expect.stringContaining('No space left on device') });
      expect((line.err as { statement?: string }).statement).toMatch(/^\w+$/);
    }
    const everything = raw.join('');
    expect(everything).not.toContain('Confidential');
    expect(everything).not.toContain('xxxxxxxxxx');
    expect(everything).not.toMatch(/insert into/i);
    expect(everything).not.toContain('base/5/16384');
    // One refusal is one short line, not the ~100 KB of SQL and parameters it used to be.
    expect(Math.max(...refusals.map((l) => JSON.stringify(l).length))).toBeLessThan(2_000);
  });
});

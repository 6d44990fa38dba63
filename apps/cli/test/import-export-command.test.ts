/** `todo import` and `todo export` against a listening server with the whole event pipeline. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todoistCsv } from '@todo/testing';
import { registerInteropCommands } from '../src/commands/interop.js';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('todo import / todo export', () => {
  let p: Pipeline;
  let server: string;
  const dir = mkdtempSync(join(tmpdir(), 'todo-import-cli-'));
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    server = await p.runtime.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await p?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function todo(token: string, ...args: string[]): Promise<string[]> {
    const lines: string[] = [];
    const program = new Command().option('--server <url>').option('--token <token>').exitOverride();
    registerInteropCommands(program, (line) => lines.push(line));
    await program.parseAsync(['node', 'todo', '--server', server, '--token', token, ...args]);
    return lines;
  }
  const tokenOf = async () => {
    const u = await p.user();
    return (await p.call('POST', '/api/tokens', u.auth, { name: 'cli', scopes: ['read', 'write'] })).body.secret as string;
  };

  it('previews, imports, re-imports nothing, exports, and imports the export into another account', async () => {
    const fixture = todoistCsv(120, 3);
    const csv = join(dir, 'Garden.csv');
    writeFileSync(csv, fixture.csv);
    const token = await tokenOf();
    const preview = await todo(token, 'import', csv, '--dry-run');
    expect(preview[0]).toBe(
      `todoist: would create ${fixture.tasks} tasks, ${1 + fixture.sections} projects, 8 tags; 0 already imported`,
    );
    expect(preview.some((l) => /Garden\.csv row \d+: a comment/.test(l))).toBe(fixture.notes > 0);
    expect((await todo(token, 'import', csv))[0]).toMatch(new RegExp(`^todoist: created ${fixture.tasks} tasks`));
    expect((await todo(token, 'import', csv))[0]).toMatch(
      new RegExp(`created 0 tasks, 0 projects, 0 tags; ${fixture.tasks} already imported`),
    );

    const archive = join(dir, 'account.zip');
    expect((await todo(token, 'export', archive))[0]).toMatch(/^exported to .*account\.zip \(\d+ bytes\)$/);
    const other = await tokenOf();
    const report = JSON.parse((await todo(other, 'import', archive, '--json')).join('\n')) as Record<string, unknown>;
    expect(report).toMatchObject({
      format: 'todo-app',
      tasks: fixture.tasks,
      projects: 1 + fixture.sections,
      duplicates: 0,
      unmappedCount: 0,
    });
  });

  it('says why a file cannot be imported', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'just some words');
    await expect(todo(await tokenOf(), 'import', file)).rejects.toThrow(/not a format this app imports/);
  });
});

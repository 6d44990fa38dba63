/** `todo project add | ls | rm` and `todo add --project`, `todo ls --project` against a listening server. */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProjectCommands } from '../src/commands/projects.js';
import { registerTaskCommands } from '../src/commands/tasks.js';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('todo project', () => {
  let p: Pipeline;
  let server: string;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    server = await p.runtime.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => p?.close());

  async function todo(token: string, ...args: string[]): Promise<string[]> {
    const lines: string[] = [];
    const program = new Command().option('--server <url>').option('--token <token>').exitOverride();
    registerTaskCommands(program, (line) => lines.push(line));
    registerProjectCommands(program, (line) => lines.push(line));
    await program.parseAsync(['node', 'todo', '--server', server, '--token', token, ...args]);
    return lines;
  }

  it('creates nested projects, files tasks in them by name, lists them, and deletes a project with its tasks', async () => {
    const u = await p.user();
    const token = (await p.call('POST', '/api/tokens', u.auth, { name: 'cli', scopes: ['read', 'write'] })).body.secret as string;
    await todo(token, 'project', 'add', 'Home');
    await todo(token, 'project', 'add', 'Garden', '--parent', 'home');
    expect((await todo(token, 'project', 'ls')).map((l) => l.replace(/ {2}[0-9a-f-]{36}$/, ''))).toEqual([
      'Inbox  (owner)',
      '  Garden  (owner)',
      'Home  (owner)',
    ]);
    await todo(token, 'add', 'Plant', 'tulips', '--project', 'Garden');
    await todo(token, 'add', 'Anywhere');
    expect(await todo(token, 'ls', '--project', 'garden')).toEqual([expect.stringContaining('Plant tulips')]);
    await todo(token, 'project', 'rm', 'Home');
    expect(await todo(token, 'ls')).toEqual([expect.stringContaining('Anywhere')]);
    await expect(todo(token, 'add', 'x', '--project', 'Nowhere')).rejects.toThrow(/no project "Nowhere"/);
  });
});

/** `todo comment`, `todo comments` and `todo activity` against a listening embedded server. */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCommentCommands } from '../src/commands/comments.js';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('todo comment', () => {
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
    registerCommentCommands(program, (line) => lines.push(line));
    await program.parseAsync(['node', 'todo', '--server', server, '--token', token, ...args]);
    return lines;
  }

  it('comments on a task by number, lists its comments and shows the task and project history', async () => {
    const u = await p.user();
    const token = (await p.call('POST', '/api/tokens', u.auth, { name: 'cli', scopes: ['read', 'write'] })).body.secret as string;
    const task = (await p.call('POST', '/api/tasks', u.auth, { title: 'Call the plumber' })).body;
    const said = await todo(token, 'comment', `#${task.number}`, 'Booked', 'for', 'Monday,', '@nobody');
    expect(said).toEqual([
      expect.stringMatching(/^commented {2}[0-9a-f-]{36}$/),
      'not members of the project, left as text: nobody',
    ]);
    expect((await todo(token, 'comments', String(task.number))).at(-1)).toBe('  Booked for Monday, @nobody');
    await p.settle();
    const history = await todo(token, 'activity', String(task.number));
    expect(history.map((l) => l.split('  ').at(-1))).toEqual(['commented on "Call the plumber"', 'created "Call the plumber"']);
    const projectHistory = await todo(token, 'activity', task.projectId);
    expect(projectHistory.map((l) => l.split('  ').at(-1))).toEqual([
      'commented on "Call the plumber"',
      'created "Call the plumber"',
    ]);
  });
});

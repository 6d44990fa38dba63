/** `todo share`, `todo invitations`, `todo members`, `todo assign` against a listening server. */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProjectCommands } from '../src/commands/projects.js';
import { registerSharingCommands } from '../src/commands/sharing.js';
import { registerTaskCommands } from '../src/commands/tasks.js';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('todo share / invitations / members / assign', () => {
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
    registerSharingCommands(program, (line) => lines.push(line));
    await program.parseAsync(['node', 'todo', '--server', server, '--token', token, ...args]);
    return lines;
  }
  const tokenOf = async (u: { auth: { authorization: string } }) =>
    (await p.call('POST', '/api/tokens', u.auth, { name: 'cli', scopes: ['read', 'write'] })).body.secret as string;

  it('invites, accepts, lists members and assigns by email, me and none', async () => {
    const ann = await p.user();
    const bob = await p.user();
    const [a, b] = [await tokenOf(ann), await tokenOf(bob)];
    await todo(a, 'project', 'add', 'Home');
    expect(await todo(a, 'share', 'home', bob.email, '--role', 'editor')).toEqual([
      expect.stringMatching(new RegExp(`^invited ${bob.email.toLowerCase()} to Home as editor \\(until 2026-12-11\\)$`)),
    ]);
    const [line] = await todo(b, 'invitations');
    expect(line).toMatch(/ {2}Home {2}as editor {2}from /);
    expect(await todo(b, 'invitations', 'accept', line!.split(' ')[0]!)).toEqual(['joined Home as editor']);
    expect(await todo(b, 'invitations')).toEqual(['no invitations']);
    expect(await todo(a, 'members', 'Home')).toEqual([`${ann.email}  owner  Pat`, `${bob.email}  editor  Pat`]);
    await todo(a, 'add', 'Fix', 'the', 'tap', '--project', 'Home');
    const task = (await p.call('GET', '/api/tasks', ann.auth)).body.items.find(
      (t: { title: string }) => t.title === 'Fix the tap',
    );
    expect(await todo(a, 'assign', String(task.number), bob.email)).toEqual([`assigned #${task.number} to ${bob.email}`]);
    expect((await p.call('GET', '/api/tasks?assigned=me', bob.auth)).body.items.map((t: { id: string }) => t.id)).toEqual([
      task.id,
    ]);
    expect(await todo(a, 'assign', String(task.number), 'me')).toEqual([`assigned #${task.number} to me`]);
    expect(await todo(a, 'assign', String(task.number), 'none')).toEqual([`#${task.number} is assigned to nobody`]);
    await expect(todo(a, 'assign', String(task.number), 'nobody@example.test')).rejects.toThrow(/not a member/);
  });
});

/**
 * Issue 21 over the CLI: `todo token create` run with an API token as its credential is held
 * to the server's rule (no more scope, no later expiry than the token), and what it mints
 * dies with the token. A real command against a listening server.
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAdminCommands } from '../src/commands/admin.js';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('todo token create with a token as credential', () => {
  let p: Pipeline;
  let server: string;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    server = await p.runtime.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => p?.close());

  async function todo(credential: string, ...args: string[]): Promise<string[]> {
    const lines: string[] = [];
    const program = new Command().option('--server <url>').option('--token <token>').exitOverride();
    registerAdminCommands(program, (line) => lines.push(line));
    await program.parseAsync(['node', 'todo', '--server', server, '--token', credential, ...args]);
    return lines;
  }

  it('refuses a token that would outlive its parent, and the tokens it mints die with the parent', async () => {
    const u = await p.user();
    const parent = (await p.call('POST', '/api/tokens', u.auth, { name: 'parent', expiresAt: '2026-11-27T10:00:00Z' })).body;

    await expect(todo(parent.secret, 'token', 'create', '--name', 'forever')).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('expiresAt'),
    });
    const minted = await todo(parent.secret, 'token', 'create', '--name', 'bounded', '--expires', '2026-11-27T09:30:00Z');
    const secret = minted[1]!;
    expect(secret).toMatch(/^todo_/);
    expect((await p.call('GET', '/api/me', { authorization: `Bearer ${secret}` })).status).toBe(200);

    expect((await p.call('DELETE', `/api/tokens/${parent.token.id}`, u.auth)).status).toBe(204);
    expect((await p.call('GET', '/api/me', { authorization: `Bearer ${secret}` })).status).toBe(401);
  });
});

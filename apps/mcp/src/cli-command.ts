/**
 * `todo mcp --stdio` for the CLI (apps/cli): register with
 *   import { registerMcpCommand } from '@todo/mcp/cli';
 *   registerMcpCommand(program, resolveCredentials);
 * The server URL and token come from --server/--token, TODO_URL/TODO_TOKEN or `todo login`,
 * exactly like the other commands; stdout is left to the protocol.
 */
import type { Command } from 'commander';

export type ResolveCredentials = (
  env: NodeJS.ProcessEnv,
  flags: { server?: string; token?: string },
) => { server?: string | undefined; token?: string | undefined };

export function mcpUrlFrom(base: string): string {
  const url = new URL(base);
  if (!url.pathname.endsWith('/mcp')) url.pathname = `${url.pathname.replace(/\/$/, '')}/mcp`;
  return url.toString();
}

export function registerMcpCommand(program: Command, resolveCredentials: ResolveCredentials): void {
  program
    .command('mcp')
    .description('Serve MCP on stdin/stdout for an AI client, forwarding to the todo-app server (needs an API token)')
    .option('--stdio', 'use the stdio transport (the only one this command offers; HTTP is served at /mcp by `todo start`)')
    .action(async (_opts: { stdio?: boolean }, command: Command) => {
      const flags = command.optsWithGlobals<{ server?: string; token?: string }>();
      const { server, token } = resolveCredentials(process.env, flags);
      if (!token) throw new Error('no token: run `todo login`, or set TODO_TOKEN to an API token (`POST /api/tokens`)');
      // Loaded here, not with the CLI: the SDK's client and stdio server are ~9 MiB of heap that
      // every other command, `todo start` included, would otherwise keep.
      const { runStdioProxy } = await import('./transports/stdio.js');
      const proxy = await runStdioProxy({ url: mcpUrlFrom(server ?? 'http://localhost:8080'), token });
      await new Promise<void>((resolve) => {
        process.stdin.on('close', resolve);
        process.stdin.on('end', resolve);
      });
      await proxy.close();
    });
}

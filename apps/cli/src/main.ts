#!/usr/bin/env node
/** The `todo` command: runs the server roles, administers the database, and drives the API. */
import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { ConfigError, loadConfig, ROLES } from '@todo/config';
import { registerMcpCommand } from '@todo/mcp/cli';
import { ApiError, resolveCredentials } from './client.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerBackupCommands } from './commands/backup.js';
import { startCommand } from './commands/start.js';
import { withDaprSecrets } from './secrets.js';
import { registerTaskCommands } from './commands/tasks.js';
import { registerProjectCommands } from './commands/projects.js';
import { registerCommentCommands } from './commands/comments.js';
import { registerInteropCommands } from './commands/interop.js';
import { registerSharingCommands } from './commands/sharing.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

const program = new Command()
  .name('todo')
  .description('todo-app: an event-driven task manager')
  .option('--server <url>', 'server URL (default TODO_URL or http://localhost:8080)')
  .option('--token <token>', 'API token or session (default TODO_TOKEN or the saved login)')
  .exitOverride();

program
  .command('start')
  .description('Start todo-app (all roles in one process unless --roles is given)')
  .option('--roles <list>', `comma-separated: all | ${ROLES.join(' | ')}`)
  .action(async (opts: { roles?: string }) => {
    const env = { ...process.env, ...(opts.roles ? { ROLES: opts.roles } : {}) };
    await startCommand(loadConfig(await withDaprSecrets(env, (line) => process.stderr.write(`${line}\n`))));
  });

registerAdminCommands(program, out);
registerBackupCommands(program, out);
registerTaskCommands(program, out);
registerProjectCommands(program, out);
registerCommentCommands(program, out);
registerInteropCommands(program, out);
registerSharingCommands(program, out);
registerMcpCommand(program, resolveCredentials);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const message =
    error instanceof ApiError || error instanceof ConfigError
      ? error.message
      : error instanceof ZodError
        ? error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('\n')
        : error instanceof Error
          ? error.message
          : String(error);
  process.stderr.write(`todo: ${message}\n`);
  process.exit(1);
}

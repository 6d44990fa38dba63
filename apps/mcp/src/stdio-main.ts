#!/usr/bin/env node
/**
 * Entry of `todo mcp --stdio` (and of `node apps/mcp/dist/stdio-main.js`):
 *   TODO_TOKEN=<API token> TODO_URL=http://localhost:8080 node apps/mcp/dist/stdio-main.js
 * Logs go to stderr only: stdout carries the protocol.
 */
import { mcpUrlFrom } from './cli-command.js';
import { runStdioProxy } from './transports/stdio.js';

const token = process.env['TODO_TOKEN'];
const base = process.env['TODO_URL'] ?? 'http://localhost:8080';
if (!token) {
  process.stderr.write('todo mcp --stdio: set TODO_TOKEN to an API token (todo token create, or POST /api/tokens)\n');
  process.exit(2);
}
runStdioProxy({ url: mcpUrlFrom(base), token }).catch((error: unknown) => {
  process.stderr.write(`todo mcp --stdio: cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

#!/usr/bin/env node
// The MCP stdio entry. Committed so that npm links it on the first install, before dist/ is built.
try {
  await import('../dist/stdio-main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/stdio-main.js')) {
    process.stderr.write('todo-mcp-stdio: not built yet; run `npm run build` in the repository first\n');
    process.exit(1);
  }
  throw error;
}

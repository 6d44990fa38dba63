#!/usr/bin/env node
// The `todo` command. This file is committed (the build output is not), so npm links the
// command on the very first `npm install`, before the root `prepare` script has built dist/.
try {
  await import('../dist/main.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    process.stderr.write('todo: the CLI is not built yet; run `npm run build` in the repository first\n');
    process.exit(1);
  }
  throw error;
}

/** Data folders for tests that start todo-app in embedded mode. */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new, empty folder. mkdtemp makes it private to its owner; when the tests run as root the
 * embedded database runs as an unprivileged account, which must be able to enter it.
 */
export function tempDataDir(prefix = 'todo-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveBackup } from '../src/backup.js';

const pbkdf2Async = promisify(pbkdf2);

describe('saveBackup', () => {
  it('leaves no file when the copy fails before the file has even been opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'todo-backup-file-'));
    // Files are opened on libuv's thread pool. Keeping every pool thread busy makes the open
    // come after the failure, as it does by chance on a loaded machine; the file it creates
    // then must not stay behind.
    const busy = Array.from({ length: 8 }, () => pbkdf2Async('x', 'salt', 200_000, 32, 'sha256'));
    await expect(
      saveBackup(join(dir, 'cut.todo-backup'), () => Promise.reject(new Error('the database is not reachable'))),
    ).rejects.toThrow('the database is not reachable');
    await Promise.all(busy);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes a whole file under the name given, readable by its owner only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'todo-backup-file-'));
    await saveBackup(join(dir, 'whole.todo-backup'), async (output) => {
      output.end('contents');
    });
    expect(readdirSync(dir)).toEqual(['whole.todo-backup']);
  });
});

/**
 * The data-folder checks and lock that run before the embedded engine opens a folder: a full
 * disk (the file system's answer injected: a real one needs a mount), and a lock left by a
 * process that died (kill -9) or that still runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDataDir, DataDirError, MIN_FREE_BYTES } from '../src/data-dir-check.js';
import { DataDirBusyError, LOCK_FILE, lockDataDir } from '../src/data-dir-lock.js';

const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'todo-check-'));
  folders.push(dir);
  return dir;
};
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('checkDataDir', () => {
  it('refuses a full disk, naming the folder and the space left', () => {
    const dir = folder();
    const full = () => checkDataDir(dir, { statfs: () => ({ bavail: 3 * 256, bsize: 4096 }) });
    expect(full).toThrow(DataDirError);
    expect(full).toThrow(
      `the disk holding ${dir} is full (3 MiB free, at least 64 MiB needed); free some space, then start again`,
    );
  });

  it('accepts a folder with room, and one that does not exist yet', () => {
    expect(() => checkDataDir(folder(), { statfs: () => ({ bavail: MIN_FREE_BYTES / 4096, bsize: 4096 }) })).not.toThrow();
    expect(() => checkDataDir(join(folder(), 'new'))).not.toThrow();
  });

  it('refuses a file given as the folder', () => {
    const file = join(folder(), 'data');
    writeFileSync(file, 'x');
    expect(() => checkDataDir(file)).toThrow(`${file} is a file, not a folder; set DATA_DIR to a folder`);
  });
});

describe('lockDataDir', () => {
  it('takes over the lock of a process that no longer exists', async () => {
    const dir = folder();
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid, command: 'start', since: '2026-01-01T00:00:00Z' }));
    const lock = lockDataDir(dir, 'start', 'stop it');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'start' });
    lock.release();
    expect(() => readFileSync(join(dir, LOCK_FILE))).toThrow();
  });

  it('refuses while the holder lives, naming it and the next step', async () => {
    const dir = folder();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, command: 'start', since: '2026-01-01T00:00:00Z' }));
      const take = () => lockDataDir(dir, 'user create', 'stop the server first');
      expect(take).toThrow(DataDirBusyError);
      expect(take).toThrow(
        `${dir} is in use by todo-app process ${child.pid} (todo start, since 2026-01-01T00:00:00Z); stop the server first`,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});

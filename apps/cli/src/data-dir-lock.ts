/**
 * One writer per data folder. The embedded database is a set of files that exactly one process
 * may have open: a second process writing the same folder hands out the same `#N`, and what
 * either acknowledged can vanish at the next start. So whoever opens the folder first holds
 * `DATA_DIR/todo.lock`, a file naming its PID, until it exits; everyone else refuses.
 *
 * Why a PID file and not a lock library: the well-known one (proper-lockfile) judges a lock
 * stale by its age, so after a `kill -9` the next start would wait out the staleness period
 * (seconds) and still could not say *which* process holds the folder. A PID answers both: the
 * lock of a process that no longer exists is taken over at once, and the refusal names the
 * holder. The file is created complete (written aside, then hard-linked into place, which fails
 * if the name exists), so nobody ever reads a half-written lock. The PID is only checked on this
 * machine: processes in other PID namespaces (two containers sharing one volume) cannot see
 * each other, so give each container its own volume.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'todo.lock';

export interface LockHolder {
  pid: number;
  /** What the holder runs, e.g. `start` or `user create`. */
  command: string;
  since: string;
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/** The folder is held by another live process. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    nextStep: string,
  ) {
    super(`${dataDir} is in use by todo-app process ${holder.pid} (todo ${holder.command}, since ${holder.since}); ${nextStep}`);
    this.name = 'DataDirBusyError';
  }
}

const alive = (pid: number): boolean => {
  // Our own PID in the file is a previous life of this container or machine, not us.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function readLockHolder(dataDir: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && holder.pid > 0 ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** The live process holding the folder, if any. */
export function liveLockHolder(dataDir: string): LockHolder | undefined {
  const holder = readLockHolder(dataDir);
  return holder && alive(holder.pid) ? holder : undefined;
}

/**
 * Takes the folder's lock for `command`, or throws `DataDirBusyError` with `nextStep` (what the
 * person should do instead) when a live process holds it. A dead holder's lock is taken over.
 */
export function lockDataDir(dataDir: string, command: string, nextStep: string): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, command, since: new Date().toISOString() };
  const draft = join(dir, `${LOCK_FILE}.${process.pid}.${hostname()}.new`);
  writeFileSync(draft, `${JSON.stringify(mine)}\n`, { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(draft, file);
        return { file, release: () => releaseIfMine(file) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLockHolder(dir);
      if (holder && alive(holder.pid)) throw new DataDirBusyError(dataDir, holder, nextStep);
      takeOverStale(file, holder);
    }
    throw new Error(`could not take ${file}: other processes keep taking it; try again`);
  } finally {
    rmSync(draft, { force: true });
  }
}

/**
 * Moves a dead holder's lock out of the way. Renaming is atomic, so of two processes taking
 * over at once only one moves the stale file; if what was moved turns out to be a fresh lock
 * (the other one won in between), it is put back.
 */
function takeOverStale(file: string, seen: LockHolder | undefined): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let moved: LockHolder | undefined;
  try {
    moved = JSON.parse(readFileSync(aside, 'utf8')) as LockHolder;
  } catch {
    moved = undefined;
  }
  if (moved && seen && moved.pid !== seen.pid && alive(moved.pid)) {
    try {
      linkSync(aside, file);
    } catch {
      // Someone holds the name again; the next attempt reads who.
    }
  }
  unlinkSync(aside);
}

function releaseIfMine(file: string): void {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    if (holder.pid === process.pid) unlinkSync(file);
  } catch {
    // Already gone.
  }
}

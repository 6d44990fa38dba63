/**
 * What a failed query may say in a log, and when writes count as healthy again after a full
 * disk: the errors are the classes the drivers throw; the free space is the caller's answer.
 */
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { databaseFailureOf, WriteHealth } from '../src/index.js';

const diskFull = () =>
  new DrizzleQueryError(
    'insert into tasks (title) values ($1)',
    ['my secret title'],
    Object.assign(new Error('could not extend file "base/5/1": No space left on device'), { code: '53100' }),
  );

const aborted = () => {
  const abort = new Error('Aborted(). Build with -sASSERTIONS for more info.');
  abort.name = 'RuntimeError';
  return new DrizzleQueryError('insert into tasks (title) values ($1)', ['my secret title'], abort);
};

describe('databaseFailureOf', () => {
  it('keeps the SQLSTATE and the message with its quoted values blanked', () => {
    expect(databaseFailureOf(diskFull())).toEqual({
      code: '53100',
      statement: expect.stringMatching(/^sql_[0-9a-f]{12}$/),
      table: undefined,
      constraint: undefined,
      message: 'could not extend file "…": No space left on device',
    });
  });

  it('describes a query that failed without a SQLSTATE by its cause, never by the SQL or parameters', () => {
    const failure = databaseFailureOf(aborted());
    expect(failure).toMatchObject({ code: 'RuntimeError', message: 'Aborted(). Build with -sASSERTIONS for more info.' });
    expect(JSON.stringify(failure)).not.toMatch(/secret|insert/);
  });

  it('is undefined for errors that are not queries', () => {
    expect(databaseFailureOf(new Error('boom'))).toBeUndefined();
  });
});

describe('WriteHealth', () => {
  it('stays not ready after a disk-full write until a probe write works and, with a room check, there is room', async () => {
    let probeFails = true;
    let free = 1024;
    const health = new WriteHealth(
      async () => {
        if (probeFails) throw diskFull();
      },
      { freeBytes: () => free, needed: 64 * 1024 * 1024 },
    );
    await health.check();
    expect(health.noteFailure(new Error('not a database error'))).toBe(false);
    expect(health.noteFailure(diskFull())).toBe(true);
    await expect(health.check()).rejects.toThrow('out of disk space: writes are refused until space is freed');
    probeFails = false;
    await expect(health.check()).rejects.toThrow('out of disk space: 0 MiB free, 64 MiB needed before writes are trusted again');
    free = 65 * 1024 * 1024;
    await health.check();
    await health.check();
  });

  it('counts any failed query as a lack of space while the disk is nearly full, and none while there is room', () => {
    let free = 1024;
    const health = new WriteHealth(() => Promise.resolve(), { freeBytes: () => free, needed: 64 * 1024 * 1024 });
    expect(health.noteFailure(aborted())).toBe(true);
    free = 1024 * 1024 * 1024;
    expect(health.noteFailure(aborted())).toBe(false);
    expect(new WriteHealth(() => Promise.resolve()).noteFailure(aborted())).toBe(false);
  });
});

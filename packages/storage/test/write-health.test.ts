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

/** What node-postgres throws when the server goes away mid-query: no SQLSTATE. */
const connectionLost = () =>
  new DrizzleQueryError(
    'insert into tasks (title) values ($1)',
    ['my secret title'],
    new Error('Connection terminated unexpectedly'),
  );

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
    const failure = databaseFailureOf(connectionLost());
    expect(failure).toMatchObject({ code: 'Error', message: 'Connection terminated unexpectedly' });
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
    expect(health.noteFailure(connectionLost())).toBe(true);
    free = 1024 * 1024 * 1024;
    expect(health.noteFailure(connectionLost())).toBe(false);
    expect(new WriteHealth(() => Promise.resolve()).noteFailure(connectionLost())).toBe(false);
  });
});

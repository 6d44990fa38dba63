/** What only the embedded scheduler promises beyond the contract: leases, replicas, logs, lifecycle. */
import { afterEach, describe, expect, it } from 'vitest';
import { schema, type Database } from '@todo/storage';
import { TestClock } from '@todo/testing';
import { DbJobScheduler, type Logger } from '../src/index.js';
import { backoff, MAX_ATTEMPTS } from './in-process.harness.js';
import { deferred, recordingLogger, uniqueName } from './support.js';

const LEASE_MS = 30_000;

export function runSchedulerInternals(db: () => Database): void {
  describe('DbJobScheduler beyond the contract', () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0)) await fn();
      await db().db.delete(schema.jobs);
    });
    const scheduler = (clock: TestClock, logger: Logger = recordingLogger()) => {
      const s = new DbJobScheduler({
        db: db().db,
        clock,
        logger,
        maxAttempts: MAX_ATTEMPTS,
        backoff,
        leaseMs: LEASE_MS,
      });
      cleanup.push(() => s.stop());
      return s;
    };

    it('fires a job claimed by a process that died, once its lease expires', async () => {
      const clock = new TestClock();
      const claimed = deferred();
      const dead = scheduler(clock);
      dead.onJob(() => {
        claimed.resolve();
        return new Promise(() => undefined); // the process is gone: this never settles
      });
      const alive = scheduler(clock);
      const seen: string[] = [];
      alive.onJob(async (name) => (seen.push(name), 'ack'));
      const job = uniqueName('job');
      await alive.schedule(job, { dueTime: clock.now(), data: {} });
      void dead.drain();
      await claimed.promise;
      await alive.drain();
      clock.advance(LEASE_MS - 1);
      await alive.drain();
      expect(seen).toEqual([]);
      clock.advance(1);
      await alive.drain();
      expect(seen).toEqual([job]);
    });

    it('fires each due job once across replicas draining at the same time', async () => {
      const clock = new TestClock();
      const seen: string[] = [];
      const replicas = [scheduler(clock), scheduler(clock), scheduler(clock)];
      for (const r of replicas) r.onJob(async (name) => (seen.push(name), 'ack'));
      const names = Array.from({ length: 40 }, (_, i) => `${uniqueName('job')}-${i}`);
      for (const name of names) await replicas[0]!.schedule(name, { dueTime: clock.now(), data: name });
      await Promise.all(replicas.map((r) => r.drain()));
      expect(seen.sort()).toEqual([...names].sort());
    });

    it('logs the job name and last error when it gives up', async () => {
      const clock = new TestClock();
      const logger = recordingLogger();
      const s = scheduler(clock, logger);
      s.onJob(async () => {
        throw new Error('no such user');
      });
      const job = uniqueName('job');
      await s.schedule(job, { dueTime: clock.now(), data: {} });
      await s.drain();
      for (let failed = 1; failed < MAX_ATTEMPTS; failed++) {
        clock.advance(backoff(failed));
        await s.drain();
      }
      expect(logger.records.filter((r) => r.level === 'error').map((r) => r.obj)).toEqual([
        { job, attempts: MAX_ATTEMPTS, lastError: 'no such user' },
      ]);
      expect(await db().db.select().from(schema.jobs)).toEqual([]);
    });

    it('fires in the background after start(), woken by schedule', async () => {
      const clock = new TestClock();
      const logger = recordingLogger();
      const s = scheduler(clock, logger);
      const got = deferred<unknown>();
      s.onJob(async (_name, data) => (got.resolve(data), 'ack'));
      await s.start();
      await s.schedule(uniqueName('job'), { dueTime: clock.now(), data: { live: true } });
      expect(await got.promise).toEqual({ live: true });
      await s.stop();
      expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
    });

    it('refuses to start without a handler', async () => {
      await expect(scheduler(new TestClock()).start()).rejects.toThrow(/onJob/);
    });

    it('keeps JSON null and absent data as null', async () => {
      const clock = new TestClock();
      const s = scheduler(clock);
      const seen: unknown[] = [];
      s.onJob(async (_name, data) => (seen.push(data), 'ack'));
      await s.schedule(uniqueName('job'), { dueTime: clock.now(), data: null });
      await s.schedule(uniqueName('job'), { dueTime: clock.now(), data: undefined });
      await s.drain();
      expect(seen).toEqual([null, null]);
    });
  });
}

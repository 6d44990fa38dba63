/** What only the embedded scheduler promises beyond the contract: leases, replicas, logs, lifecycle. */
import { eq } from 'drizzle-orm';
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
    const scheduler = (
      clock: TestClock,
      logger: Logger = recordingLogger(),
      sizes: { batchSize?: number; concurrency?: number } = {},
    ) => {
      const s = new DbJobScheduler({
        db: db().db,
        clock,
        logger,
        maxAttempts: MAX_ATTEMPTS,
        backoff,
        leaseMs: LEASE_MS,
        ...sizes,
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

    it('fires a storm of due jobs in batches, each once, at most `concurrency` at a time, and deletes them', async () => {
      const clock = new TestClock();
      const s = scheduler(clock, recordingLogger(), { batchSize: 100, concurrency: 8 });
      const seen: string[] = [];
      let running = 0;
      let most = 0;
      s.onJob(async (name) => {
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => setImmediate(resolve)); // let the others of the batch start
        running--;
        seen.push(name);
        return 'ack';
      });
      const names = Array.from({ length: 250 }, (_, i) => `${uniqueName('storm')}-${i}`);
      for (const name of names) await s.schedule(name, { dueTime: clock.now(), data: null });
      await s.drain();
      expect(seen.sort()).toEqual([...names].sort());
      expect(most).toBe(8);
      expect(await db().db.select().from(schema.jobs)).toEqual([]);
      await s.drain();
      expect(seen).toHaveLength(250);
    });

    it('hands back the jobs of a batch whose lease is half gone, and fires them in the next pass, once', async () => {
      const clock = new TestClock();
      const s = scheduler(clock, recordingLogger(), { batchSize: 10, concurrency: 1 });
      const seen: string[] = [];
      const leaseLeft: number[] = [];
      s.onJob(async (name) => {
        const [row] = await db().db.select().from(schema.jobs).where(eq(schema.jobs.name, name));
        leaseLeft.push(row!.lockedUntil!.getTime() - clock.now().getTime());
        // The first job of the batch takes half the lease: the rest must not start under a lease about to lapse.
        if (!seen.length) clock.advance(LEASE_MS / 2);
        seen.push(name);
        return 'ack';
      });
      const names = Array.from({ length: 5 }, (_, i) => `${uniqueName('slow')}-${i}`);
      for (const name of names) await s.schedule(name, { dueTime: clock.now(), data: null });
      await s.drain();
      expect(seen.sort()).toEqual([...names].sort());
      expect(leaseLeft).toEqual(names.map(() => LEASE_MS));
      expect(await db().db.select().from(schema.jobs)).toEqual([]);
    });

    it('keeps a job rescheduled by someone else while its batch runs; deletes the others', async () => {
      const clock = new TestClock();
      const s = scheduler(clock, recordingLogger(), { batchSize: 10, concurrency: 2 });
      const [moved, ...rest] = Array.from({ length: 4 }, (_, i) => `${uniqueName('batch')}-${i}`);
      const seen: string[] = [];
      const other = scheduler(clock);
      other.onJob(async () => 'ack');
      s.onJob(async (name) => {
        // The user moves the reminder while the batch is firing: the new version must survive.
        if (name === moved) await other.schedule(moved, { dueTime: new Date(clock.now().getTime() + 60_000), data: 'later' });
        seen.push(name);
        return 'ack';
      });
      for (const name of [moved!, ...rest]) await s.schedule(name, { dueTime: clock.now(), data: null });
      await s.drain();
      expect(seen.sort()).toEqual([moved!, ...rest].sort());
      expect((await db().db.select().from(schema.jobs)).map((j) => [j.name, j.data])).toEqual([[moved, 'later']]);
      clock.advance(60_000);
      await s.drain();
      expect(seen.filter((n) => n === moved)).toHaveLength(2);
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

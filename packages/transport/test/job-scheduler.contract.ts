/**
 * The JobScheduler contract: one-shot jobs by name, fired when due and not
 * before, at-least-once, surviving restarts. Run by the embedded scheduler and by the Dapr
 * scheduler. Job names are fresh per test; handlers ignore jobs of others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PoisonEventError, type HandlerOutcome, type JobScheduler } from '../src/index.js';
import { uniqueName } from './support.js';

export interface JobSchedulerHarness {
  /** The current scheduler; replaced by `restart()`. Not started: tests call onJob, then start. */
  readonly scheduler: JobScheduler;
  /** The time due jobs are judged by. */
  now(): Date;
  advance(ms: number): Promise<void>;
  settle(): Promise<void>;
  maxAttempts: number;
  backoffMs(failedAttempts: number): number;
  /** Stops the scheduler and puts a new one over the same storage in its place, as a process restart would. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const MINUTE = 60_000;

export function runJobSchedulerContract(name: string, createHarness: () => Promise<JobSchedulerHarness>): void {
  describe(`JobScheduler contract: ${name}`, () => {
    let h: JobSchedulerHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    /** Starts `scheduler` with a handler recording the jobs named with `prefix`. */
    async function fired(
      scheduler: JobScheduler,
      prefix: string,
      decide: (name: string, n: number) => Promise<HandlerOutcome> | HandlerOutcome = () => 'ack',
    ) {
      const seen: { name: string; data: unknown }[] = [];
      scheduler.onJob(async (jobName, data) => {
        if (!jobName.startsWith(prefix)) return 'ack';
        seen.push({ name: jobName, data });
        return decide(jobName, seen.filter((s) => s.name === jobName).length);
      });
      await scheduler.start();
      return seen;
    }
    const at = (harness: JobSchedulerHarness, ms: number) => new Date(harness.now().getTime() + ms);

    it('fires a job when it is due and not before, once', async () => {
      const harness = (h = await createHarness());
      const job = uniqueName('job');
      const seen = await fired(harness.scheduler, job);
      await harness.scheduler.schedule(job, { dueTime: at(harness, MINUTE), data: { reminderId: 'r1' } });
      await harness.settle();
      await harness.advance(MINUTE - 1);
      expect(seen).toEqual([]);
      await harness.advance(1);
      expect(seen).toEqual([{ name: job, data: { reminderId: 'r1' } }]);
      await harness.advance(10 * MINUTE);
      expect(seen).toHaveLength(1);
    });

    it('replaces a job scheduled again under the same name: new time, new data', async () => {
      const harness = (h = await createHarness());
      const later = uniqueName('later');
      const sooner = uniqueName('sooner');
      const seen = await fired(harness.scheduler, '');
      await harness.scheduler.schedule(later, { dueTime: at(harness, MINUTE), data: 'first' });
      await harness.scheduler.schedule(later, { dueTime: at(harness, 2 * MINUTE), data: 'second' });
      await harness.scheduler.schedule(sooner, { dueTime: at(harness, 10 * MINUTE), data: 1 });
      await harness.scheduler.schedule(sooner, { dueTime: at(harness, 30_000), data: 2 });
      await harness.advance(30_000);
      expect(seen.filter((s) => [later, sooner].includes(s.name))).toEqual([{ name: sooner, data: 2 }]);
      await harness.advance(30_000);
      expect(seen.filter((s) => s.name === later)).toEqual([]);
      await harness.advance(MINUTE);
      expect(seen.filter((s) => s.name === later)).toEqual([{ name: later, data: 'second' }]);
      await harness.advance(10 * MINUTE);
      expect(seen.filter((s) => [later, sooner].includes(s.name))).toHaveLength(2);
    });

    it('does not fire a cancelled job; cancelling a missing job is fine', async () => {
      const harness = (h = await createHarness());
      const job = uniqueName('job');
      const seen = await fired(harness.scheduler, job);
      await harness.scheduler.schedule(job, { dueTime: at(harness, MINUTE), data: null });
      await harness.scheduler.cancel(job);
      await harness.scheduler.cancel(uniqueName('never-scheduled'));
      await harness.advance(2 * MINUTE);
      expect(seen).toEqual([]);
    });

    it("retries after a throw and after 'retry', each after its backoff", async () => {
      const harness = (h = await createHarness());
      const job = uniqueName('job');
      const seen = await fired(harness.scheduler, job, (_name, n) => {
        if (n === 1) throw new Error('mail server down');
        return n === 2 ? 'retry' : 'ack';
      });
      await harness.scheduler.schedule(job, { dueTime: at(harness, MINUTE), data: { n: 1 } });
      await harness.advance(MINUTE);
      expect(seen).toHaveLength(1);
      await harness.advance(harness.backoffMs(1) - 1);
      expect(seen).toHaveLength(1);
      await harness.advance(1);
      expect(seen).toHaveLength(2);
      await harness.advance(harness.backoffMs(2));
      expect(seen).toEqual([1, 2, 3].map(() => ({ name: job, data: { n: 1 } })));
      await harness.advance(10 * MINUTE);
      expect(seen).toHaveLength(3);
    });

    it('gives a job up after the retry budget', async () => {
      const harness = (h = await createHarness());
      const job = uniqueName('job');
      const seen = await fired(harness.scheduler, job, () => 'retry');
      await harness.scheduler.schedule(job, { dueTime: harness.now(), data: {} });
      await harness.settle();
      for (let failed = 1; failed < harness.maxAttempts; failed++) await harness.advance(harness.backoffMs(failed));
      expect(seen).toHaveLength(harness.maxAttempts);
      await harness.advance(harness.backoffMs(harness.maxAttempts) * 2);
      expect(seen).toHaveLength(harness.maxAttempts);
    });

    it('gives a poison job up at once', async () => {
      const harness = (h = await createHarness());
      const job = uniqueName('job');
      const seen = await fired(harness.scheduler, job, () => {
        throw new PoisonEventError('not a reminder');
      });
      await harness.scheduler.schedule(job, { dueTime: harness.now(), data: {} });
      await harness.settle();
      await harness.advance(harness.backoffMs(harness.maxAttempts) * 2);
      expect(seen).toHaveLength(1);
    });

    it("removes a job its handler answers 'drop' for", async () => {
      const harness = (h = await createHarness());
      const job = uniqueName('job');
      const seen = await fired(harness.scheduler, job, () => 'drop');
      await harness.scheduler.schedule(job, { dueTime: harness.now(), data: {} });
      await harness.settle();
      await harness.advance(10 * MINUTE);
      expect(seen).toHaveLength(1);
    });

    it('keeps a job that its own handler schedules again while running', async () => {
      const harness = (h = await createHarness());
      const job = uniqueName('snooze');
      const seen = await fired(harness.scheduler, job, async (name, n): Promise<HandlerOutcome> => {
        if (n === 1) await harness.scheduler.schedule(name, { dueTime: at(harness, MINUTE), data: 'snoozed' });
        return 'ack';
      });
      await harness.scheduler.schedule(job, { dueTime: harness.now(), data: 'first' });
      await harness.settle();
      expect(seen).toEqual([{ name: job, data: 'first' }]);
      await harness.advance(MINUTE);
      expect(seen).toEqual([
        { name: job, data: 'first' },
        { name: job, data: 'snoozed' },
      ]);
    });

    it('fires many jobs due at once, each once', async () => {
      const harness = (h = await createHarness());
      const prefix = uniqueName('batch');
      const seen = await fired(harness.scheduler, prefix);
      const names = Array.from({ length: 30 }, (_, i) => `${prefix}-${i}`);
      for (const [i, job] of names.entries()) await harness.scheduler.schedule(job, { dueTime: at(harness, 1_000 + i), data: i });
      await harness.advance(2_000);
      expect(seen.map((s) => s.name).sort()).toEqual([...names].sort());
    });

    it('fires a job scheduled before a restart', async () => {
      const harness = (h = await createHarness());
      const job = uniqueName('job');
      const before = await fired(harness.scheduler, job);
      await harness.scheduler.schedule(job, { dueTime: at(harness, MINUTE), data: { survives: true } });
      await harness.restart();
      const after = await fired(harness.scheduler, job);
      await harness.advance(MINUTE);
      expect(before).toEqual([]);
      expect(after).toEqual([{ name: job, data: { survives: true } }]);
    });

    it('has a single job handler', async () => {
      const harness = (h = await createHarness());
      harness.scheduler.onJob(async () => 'ack');
      expect(() => harness.scheduler.onJob(async () => 'ack')).toThrow();
    });
  });
}

/**
 * The JobScheduler contract against a real daprd and the real Dapr scheduler (Jobs API,
 * schedule, fire, cancel), plus what only the wall clock can show.
 */
import { describe, expect, it, vi } from 'vitest';
import { runJobSchedulerContract } from './job-scheduler.contract.js';
import { daprJobHarness, SPEED } from './dapr.harness.js';
import { JOB_LIMITS, notForDapr } from './dapr.limits.js';
import { sleep } from './dapr.sidecar.js';
import { uniqueName } from './support.js';

vi.setConfig({ testTimeout: 60_000 });

describe('Dapr job scheduler (daprd + scheduler)', () => {
  notForDapr(JOB_LIMITS);
  runJobSchedulerContract('DaprJobScheduler', daprJobHarness());
});

describe('Dapr job scheduler on the wall clock', () => {
  it('fires a job at its due time, not well before, once', async () => {
    const harness = await daprJobHarness()();
    try {
      const job = uniqueName('job');
      const seen: { name: string; data: unknown; at: number }[] = [];
      harness.scheduler.onJob(async (name, data) => {
        if (name === job) seen.push({ name, data, at: Date.now() });
        return 'ack';
      });
      await harness.scheduler.start();
      // Scheduled through the wrapped harness clock: 2 s of wall time ahead.
      const due = harness.now().getTime() + 2_000 * SPEED;
      const dueWall = Date.now() + 2_000;
      await harness.scheduler.schedule(job, { dueTime: new Date(due), data: { reminderId: 'r1' } });
      await sleep(1_500);
      expect(seen).toEqual([]);
      await harness.advance(1_000 * SPEED);
      expect(seen.map(({ name, data }) => ({ name, data }))).toEqual([{ name: job, data: { reminderId: 'r1' } }]);
      expect(seen[0]!.at).toBeGreaterThanOrEqual(dueWall - 50);
      await sleep(1_500);
      expect(seen).toHaveLength(1);
    } finally {
      await harness.close();
    }
  });
});

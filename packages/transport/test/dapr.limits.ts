/**
 * The contract tests that cannot hold against a real sidecar, each with the reason; the
 * contracts themselves stay as strict as they are for the embedded runtime. A name that no
 * longer matches a contract test fails the suite rather than silently running nothing.
 */
import { afterAll, beforeEach, expect, type RunnerTask } from 'vitest';

export const PRECISE_TIMING =
  'needs a test clock: it checks the exact millisecond a retry becomes due (backoff - 1 ms vs backoff), ' +
  'while Dapr retries on the wall clock (resiliency policy / job failure policy) and delivery latency is several ms';

export const BUS_LIMITS: Record<string, string> = {
  'retries a handler that throws, only once the backoff has elapsed': PRECISE_TIMING,
  "retries when the handler answers 'retry', with growing backoff": PRECISE_TIMING,
};

export const KAFKA_BUS_LIMITS: Record<string, string> = {
  ...BUS_LIMITS,
  'keeps delivering other events and other subscriptions while one handler keeps failing':
    'Kafka delivers a partition in order: an event whose handler keeps failing holds back the later ' +
    'events of its partition until the inbound retries end and Dapr dead-letters it; whether the other keys of the test share its partition is up to the partitioner',
};

export const JOB_LIMITS: Record<string, string> = {
  'fires a job when it is due and not before, once': `${PRECISE_TIMING}; the "not before" check is 1 ms before the due time (covered with a coarse margin in dapr.jobs.test.ts)`,
  "retries after a throw and after 'retry', each after its backoff": PRECISE_TIMING,
};

/**
 * Skips the listed tests of the enclosing describe with their reason; fails if a name is unknown.
 * `DAPR_TEST_RUN_LIMITED=1` runs them anyway, to re-check that a limit still holds.
 */
export function notForDapr(limits: Record<string, string>): void {
  beforeEach((ctx) => {
    const reason = limits[ctx.task.name];
    if (reason === undefined) return;
    if (process.env.DAPR_TEST_RUN_LIMITED === '1') return;
    ctx.skip(`not run against Dapr: ${reason}`);
  });
  // Vitest parses hook arguments as fixtures: the context must be a destructuring pattern.
  // eslint-disable-next-line no-empty-pattern
  afterAll(({}, suite) => {
    const names = new Set<string>();
    const walk = (tasks: readonly RunnerTask[]): void => {
      for (const task of tasks) {
        if (task.type === 'suite') walk(task.tasks);
        else names.add(task.name);
      }
    };
    walk(suite.tasks);
    expect(
      Object.keys(limits).filter((name) => !names.has(name)),
      'listed Dapr limits that match no contract test',
    ).toEqual([]);
  });
}

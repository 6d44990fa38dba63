/**
 * Harnesses that run the three contracts against the embedded implementations. Time is a
 * TestClock: `advance` moves it and drains, so nothing here sleeps.
 */
import { and, eq } from 'drizzle-orm';
import { schema, type Database } from '@todo/storage';
import { TestClock } from '@todo/testing';
import { DbEventBus, DbJobScheduler, DbStateStore, exponentialBackoff, type Logger } from '../src/index.js';
import type { EventBusHarness } from './event-bus.contract.js';
import type { JobSchedulerHarness } from './job-scheduler.contract.js';
import type { StateStoreHarness } from './state-store.contract.js';
import { recordingLogger, testEvent } from './support.js';

export const MAX_ATTEMPTS = 4;
export const backoff = exponentialBackoff(1_000, 60_000);

export function inProcessBusHarness(
  database: Database,
  logger: Logger = recordingLogger(),
): EventBusHarness & { clock: TestClock; bus: DbEventBus } {
  const clock = new TestClock();
  const bus = new DbEventBus({
    db: database.db,
    clock,
    logger,
    maxAttempts: MAX_ATTEMPTS,
    backoff,
    batchSize: 3,
  });
  return {
    bus,
    clock,
    maxAttempts: MAX_ATTEMPTS,
    backoffMs: backoff,
    async publishEvent(topic, init = {}) {
      const event = testEvent(clock.now(), init);
      await bus.publish(topic, event, init.key ? { key: init.key } : {});
      return event;
    },
    async advance(ms) {
      clock.advance(ms);
      await bus.drain();
    },
    settle: () => bus.drain(),
    deadLetters: {
      async find(eventId, subscription) {
        const { deadLetters } = schema;
        const [row] = await database.db
          .select()
          .from(deadLetters)
          .where(and(eq(deadLetters.eventId, eventId), eq(deadLetters.subscription, subscription)));
        return row ? { id: row.id, reason: row.reason, attempts: row.attempts } : null;
      },
      replay: (id) => bus.replayDeadLetter(id),
    },
    close: () => bus.stop(),
  };
}

export function inProcessJobHarness(database: Database): JobSchedulerHarness {
  const clock = new TestClock();
  const create = () =>
    new DbJobScheduler({
      db: database.db,
      clock,
      logger: recordingLogger(),
      maxAttempts: MAX_ATTEMPTS,
      backoff,
    });
  let scheduler = create();
  return {
    get scheduler() {
      return scheduler;
    },
    now: () => clock.now(),
    maxAttempts: MAX_ATTEMPTS,
    backoffMs: backoff,
    async advance(ms) {
      clock.advance(ms);
      await scheduler.drain();
    },
    settle: () => scheduler.drain(),
    async restart() {
      await scheduler.stop();
      scheduler = create();
    },
    async close() {
      await scheduler.stop();
      // Tests share the database; jobs left behind would fire in the next test's scheduler.
      await database.db.delete(schema.jobs);
    },
  };
}

export function inProcessStateHarness(database: Database): StateStoreHarness {
  return { store: new DbStateStore({ db: database.db }), close: async () => undefined };
}

/** Everything the embedded transports must pass; a fresh database per suite. */
import { afterAll, beforeAll, describe } from 'vitest';
import type { Database } from '@todo/storage';
import { createTestDatabase } from '@todo/testing';
import { runEventBusContract } from './event-bus.contract.js';
import { runJobSchedulerContract } from './job-scheduler.contract.js';
import { runStateStoreContract } from './state-store.contract.js';
import { inProcessBusHarness, inProcessJobHarness, inProcessStateHarness } from './in-process.harness.js';
import { runBusInternals } from './in-process.bus-internals.js';
import { runSchedulerInternals } from './in-process.scheduler-internals.js';

/** Registers a database for the enclosing describe block; the getter is valid inside tests. */
export function useDatabase(): () => Database {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });
  return () => {
    if (!database) throw new Error('the test database is not ready');
    return database;
  };
}

export function runInProcessSuites(): void {
  describe('embedded transports', () => {
    describe('event bus', () => {
      const db = useDatabase();
      runEventBusContract('DbEventBus', async () => inProcessBusHarness(db()));
      runBusInternals(db);
    });
    describe('job scheduler', () => {
      const db = useDatabase();
      runJobSchedulerContract('DbJobScheduler', async () => inProcessJobHarness(db()));
      runSchedulerInternals(db);
    });
    describe('state store', () => {
      const db = useDatabase();
      runStateStoreContract('DbStateStore', async () => inProcessStateHarness(db()));
    });
  });
}

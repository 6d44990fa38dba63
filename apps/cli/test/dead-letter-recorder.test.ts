/**
 * The Dapr runtime's dead-letter recorder: what reaches `<topic>-dlq` becomes a row operators
 * can read, with the reason the bus attached, once, however often Dapr redelivers it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '@todo/domain';
import { EventLogService } from '@todo/services';
import { Store, type Database } from '@todo/storage';
import { TestClock, createTestDatabase } from '@todo/testing';
import { silentLogger } from '@todo/transport';
import { EXHAUSTED_RETRIES_REASON, deadLetterRecorder, deadLetterRowId } from '../src/dead-letter-recorder.js';

const event = (id: string, extensions: Record<string, string> = {}) =>
  ({
    specversion: '1.0',
    id,
    source: 'test',
    type: 'todo.task.completed.v1',
    time: '2026-11-27T09:00:00Z',
    datacontenttype: 'application/json',
    data: { userId: 'not-a-uuid' },
    partitionkey: 'task-1',
    ...extensions,
  }) as unknown as CloudEvent;

const poison = (subscription: string) => ({
  deadletterreason: `invalid payload (${subscription})`,
  deadlettersubscription: subscription,
  deadlettertopic: 'task-events',
});

describe('dead-letter recorder', () => {
  let database: Database;
  let store: Store;
  let record: ReturnType<typeof deadLetterRecorder>;
  const clock = new TestClock('2026-11-27T09:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new Store(database.db);
    record = deadLetterRecorder({
      topic: 'task-events',
      events: new EventLogService({ store, clock }),
      clock,
      logger: silentLogger,
    });
  });
  afterAll(() => database?.close());

  const rows = async (eventId: string) =>
    (await store.repos.deadLetters.list({ limit: 100, includeReplayed: true })).filter((r) => r.eventId === eventId);

  it('records a poison event with the reason, subscription and topic its extensions carry, once per subscription', async () => {
    const id = randomUUID();
    expect(await record(event(id, poison('recurring')))).toBe('ack');
    expect(await record(event(id, poison('recurring')))).toBe('ack'); // Dapr redelivered it
    expect(await record(event(id, poison('notifier')))).toBe('ack');
    const letters = await rows(id);
    expect(letters.map((r) => r.subscription).sort()).toEqual(['notifier', 'recurring']);
    expect(letters.find((r) => r.subscription === 'recurring')).toMatchObject({
      topic: 'task-events',
      eventType: 'todo.task.completed.v1',
      reason: 'invalid payload (recurring)',
      attempts: 1,
      event: event(id), // without the extensions: a replay publishes the event as it first was
    });
  });

  it('records what Dapr dead-lettered after its retries under the event id, with a generic reason', async () => {
    const id = randomUUID();
    await record(event(id));
    await record(event(id));
    expect(await rows(id)).toEqual([
      expect.objectContaining({ id, topic: 'task-events', subscription: null, reason: EXHAUSTED_RETRIES_REASON, attempts: 0 }),
    ]);
    expect(EXHAUSTED_RETRIES_REASON).toMatch(/^Dapr exhausted the delivery retries \(resiliency policy\)/);
  });

  it('gives an event whose id is no UUID a stable UUID row id rather than failing on it', async () => {
    await record(event('poison-1'));
    await record(event('poison-1', poison('recurring')));
    const letters = await rows('poison-1');
    expect(letters).toHaveLength(2);
    for (const letter of letters)
      expect(letter.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deadLetterRowId('task-events', 'poison-1', null)).toBe(deadLetterRowId('task-events', 'poison-1', null));
    expect(deadLetterRowId('task-events', 'poison-1', null)).not.toBe(deadLetterRowId('task-reminders', 'poison-1', null));
  });
});

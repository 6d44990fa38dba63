/**
 * Issue #4, acceptance 5: a poison event lands on `task-events-dlq` with its reason; nothing else
 * stalls. The api and recurring roles run as their own processes with their own daprd, on Redis
 * Streams and on Kafka. A malformed completion is published straight through the sidecar, as a
 * foreign producer would; the recurring role refuses it, its bus dead-letters it with the reason
 * as CloudEvent extensions, and the api role records it where operators look. A real completion
 * published after it still yields its next occurrence.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '@todo/testing';
import type { Broker } from '../packages/transport/test/dapr.sidecar.js';
import { api, eventually } from './support/process.js';
import { roleEnv, startRole, stopAll, type RoleProcess } from './support/roles.js';

describe.each<Broker>(['redis', 'kafka'])('a poison event on %s', (broker) => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  const roles: RoleProcess[] = [];
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    db = await createPostgresDatabase('todo_poison');
    const env = roleEnv(db.url);
    // The api role first: it migrates the database the other shares.
    roles.push(await startRole('api', `backend-${suffix}`, broker, env));
    roles.push(await startRole('recurring', `recurring-task-service-${suffix}`, broker, env));
  }, 180_000);

  afterAll(async () => {
    await stopAll(roles);
    await db?.drop();
  });

  it('lands on task-events-dlq with its subscription and reason, and the next completion still recurs', async () => {
    const [{ server: backend, sidecar }] = roles as [RoleProcess];
    // The first user is the administrator who may read the dead letters.
    const { token } = await api(backend.url, 'POST', '/api/auth/signup', undefined, {
      email: `poison-${broker}@example.test`,
      password: 'correct horse battery',
    });
    const task = await api(backend.url, 'POST', '/api/tasks', token, {
      title: `Still recurring on ${broker}`,
      due: { date: '2026-12-01' },
      recurrence: { rule: 'daily' },
    });

    const poison = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'e2e/foreign-producer',
      type: 'todo.task.completed.v1',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { userId: 'not-a-uuid' },
    };
    const published = await fetch(`${sidecar.client.baseUrl}/v1.0/publish/pubsub/task-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(poison),
    });
    expect(published.status).toBe(204);
    await api(backend.url, 'POST', `/api/tasks/${task.id}/complete`, token);

    const letter = await eventually(
      async () =>
        (await api(backend.url, 'GET', '/api/admin/dead-letters', token)).items.find((d: any) => d.eventId === poison.id),
      45_000,
      'the dead letter of the poison event',
    );
    expect(letter).toMatchObject({
      topic: 'task-events',
      subscription: 'recurring',
      eventType: 'todo.task.completed.v1',
      attempts: 1,
      replayedAt: null,
    });
    expect(letter.reason).toMatch(/^invalid todo\.task\.completed\.v1 payload: /);
    // The event as it was published, not the dead-letter wrapping.
    expect(letter.event).toMatchObject({ id: poison.id, data: poison.data });
    expect(letter.event).not.toHaveProperty('deadletterreason');

    const next = await eventually(
      async () =>
        (await api(backend.url, 'GET', '/api/tasks?q=recurring', token)).items.find((x: any) => x.occurrenceIndex === 1),
      45_000,
      'the next occurrence',
    );
    expect(next.due).toEqual({ date: '2026-12-02' });
    const letters = (await api(backend.url, 'GET', '/api/admin/dead-letters', token)).items;
    expect(letters.filter((d: any) => d.eventId === poison.id)).toHaveLength(1);
  }, 120_000);
});

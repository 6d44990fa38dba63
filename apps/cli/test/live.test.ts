/** The SSE stream delivers a user's own changes live — and nobody else's. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

async function openStream(url: string, auth: { authorization: string }) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: auth, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    /** Reads frames until one of this event type arrives. */
    async next(type: string): Promise<any> {
      for (;;) {
        const frame = /event: (\S+)\ndata: (.*)\n\n/.exec(buffer);
        if (frame) {
          buffer = buffer.slice(frame.index + frame[0].length);
          if (frame[1] === type) return JSON.parse(frame[2]!);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value);
      }
    },
    close: () => controller.abort(),
  };
}

// The update goes out as a NOTIFY and comes back to this replica's streams.
describe('live updates (SSE)', () => {
  let p: Pipeline;
  let base: string;
  beforeAll(async () => {
    p = await createPipeline();
    base = await p.runtime.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => p?.close());

  it("streams the user's task changes and notifications, not other users'", async () => {
    const u = await p.user('UTC');
    const other = await p.user('UTC');
    const stream = await openStream(`${base}/api/events/stream`, u.auth);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/text\/event-stream/);
      await p.call('POST', '/api/tasks', other.auth, { title: 'not yours' });
      const mine = (
        await p.call('POST', '/api/tasks', u.auth, {
          title: 'live one',
          reminders: [{ type: 'absolute', at: '2026-11-27T09:05:00Z' }],
        })
      ).body;
      await p.settle();
      const created = await stream.next('todo.task.created.v1');
      expect(created.task.title).toBe('live one');
      await p.call('POST', `/api/tasks/${mine.id}/complete`, u.auth);
      await p.settle();
      expect((await stream.next('todo.task.completed.v1')).task.id).toBe(mine.id);
      await p.call('POST', `/api/tasks/${mine.id}/reopen`, u.auth);
      await p.advanceTo('2026-11-27T09:05:00Z');
      const notification = await stream.next('todo.notification.created.v1');
      expect(notification.notification.taskId).toBe(mine.id);
    } finally {
      stream.close();
    }
  });

  it('refuses the stream without credentials', async () => {
    const res = await fetch(`${base}/api/events/stream`);
    expect(res.status).toBe(401);
  });
});

describe('metrics', () => {
  it('counts published and handled events per topic, dead letters, and reminder lateness', async () => {
    const p = await createPipeline();
    try {
      const u = await p.user('UTC');
      await p.call('POST', '/api/tasks', u.auth, {
        title: 'measured',
        reminders: [{ type: 'absolute', at: '2026-11-27T09:05:00Z' }],
      });
      await p.advanceTo('2026-11-27T09:05:02Z');
      const res = await p.runtime.metricsApp.inject({ method: 'GET', url: '/metrics' });
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      // Only on the metrics listener: the API port, which the Ingress exposes, does not serve
      // them (with the web UI built, the path is one of its client-side routes).
      const leaked = await p.runtime.app.inject({ method: 'GET', url: '/metrics' });
      expect(leaked.headers['content-type']).not.toMatch(/text\/plain/);
      expect(leaked.body).not.toMatch(/todo_|# TYPE/);
      const text = res.body;
      expect(text).toMatch(/todo_events_published_total\{topic="task-events",type="todo.task.created.v1"\} 1/);
      expect(text).toMatch(/todo_events_handled_total\{topic="task-events",subscription="notifier",outcome="ack"\} 1/);
      expect(text).toMatch(/todo_events_handled_total\{topic="task-reminders",subscription="mailer",outcome="ack"\} 1/);
      expect(text).toMatch(/todo_reminder_lateness_seconds_bucket\{le="5"\} 1/);
      expect(text).toMatch(/todo_reminder_lateness_seconds_bucket\{le="1"\} 0/);
      expect(text).toContain('# TYPE todo_dead_letters gauge');
      // Everything went out: nothing waits.
      expect(text).toMatch(/^todo_outbox_pending 0$/m);
      expect(text).toMatch(/^todo_outbox_oldest_pending_seconds 0$/m);
      expect(text).not.toMatch(/^todo_event_deliveries_pending\{/m);
    } finally {
      await p.close();
    }
  });

  it('counts how task lists were answered: read, sent again from the page cache, or 304', async () => {
    const p = await createPipeline();
    try {
      const u = await p.user('UTC');
      await p.call('POST', '/api/tasks', u.auth, { title: 'listed' });
      const list = (headers: Record<string, string> = {}) =>
        p.runtime.app.inject({ method: 'GET', url: '/api/tasks', headers: { ...u.auth, ...headers } });
      const { etag } = (await list()).headers;
      expect((await list()).statusCode).toBe(200);
      expect((await list({ 'if-none-match': String(etag) })).statusCode).toBe(304);
      const { body } = await p.runtime.metricsApp.inject({ method: 'GET', url: '/metrics' });
      for (const outcome of ['read', 'kept', 'not_modified']) {
        expect(body).toMatch(new RegExp(`^todo_task_list_pages_total\\{outcome="${outcome}"\\} 1$`, 'm'));
      }
    } finally {
      await p.close();
    }
  });

  it('shows what waits: events the relay has not published, deliveries not yet handled', async () => {
    const p = await createPipeline();
    try {
      // Held back, as after failed publishes and handler retries: written ten minutes ago, due in an hour.
      const now = p.clock.now().getTime();
      const [written, due] = [new Date(now - 600_000).toISOString(), new Date(now + 3_600_000).toISOString()];
      // Written as a writer that leaves events to the relay does (this runtime delivers in place).
      await p.runtime.database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('todo.outbox_mode', 'relay', true)`);
        await tx.execute(sql`
          insert into outbox (id, topic, type, event, created_at, available_at)
          values (gen_random_uuid(), 'task-events', 'todo.task.updated.v1', '{}', ${written}::timestamptz, ${due}::timestamptz)`);
      });
      await p.runtime.database.db.execute(sql`
        insert into event_deliveries (event_id, topic, subscription, event, available_at)
        values ('held', 'task-events', 'notifier', '{}', ${due}::timestamptz)`);
      const { body } = await p.runtime.metricsApp.inject({ method: 'GET', url: '/metrics' });
      expect(body).toMatch(/^todo_outbox_pending 1$/m);
      expect(body).toMatch(/^todo_outbox_oldest_pending_seconds 600$/m);
      expect(body).toMatch(/^todo_event_deliveries_pending\{topic="task-events",subscription="notifier"\} 1$/m);
    } finally {
      await p.close();
    }
  });
});

describe('trace context in logs', () => {
  it('carries the request traceparent into the event and into the log lines of its handlers', async () => {
    const lines: any[] = [];
    const { Writable } = await import('node:stream');
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const p = await createPipeline('2026-11-27T09:00:00Z', { logSink: sink });
    try {
      const u = await p.user('UTC');
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const res = await p.runtime.app.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: { ...u.auth, traceparent, 'content-type': 'application/json' },
        payload: JSON.stringify({ title: 'traced', due: { date: '2026-11-28' }, recurrence: { rule: 'daily' } }),
      });
      const task = JSON.parse(res.body);
      await p.runtime.app.inject({ method: 'POST', url: `/api/tasks/${task.id}/complete`, headers: { ...u.auth, traceparent } });
      await p.settle();
      const handled = lines.find((l) => l.msg === 'completed recurring task handled' && l.taskId === task.id);
      expect(handled).toMatchObject({ traceparent, eventType: 'todo.task.completed.v1', role: 'recurring' });
      expect(typeof handled.cloudEventId).toBe('string');
      expect(lines.some((l) => l.traceparent === traceparent && l.reqId)).toBe(true);
    } finally {
      await p.close();
    }
  });
});

import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, uuidV7Ids } from '@todo/services';
import { Store, type Database } from '@todo/storage';
import { TestClock, createTestDatabase } from '@todo/testing';
import { createApp, type App } from '../src/index.js';

describe('request log', () => {
  const lines: Array<Record<string, unknown>> = [];
  let database: Database;
  let app: App;

  beforeAll(async () => {
    database = await createTestDatabase();
    const store = new Store(database.db);
    const clock = new TestClock('2026-11-27T09:00:00Z');
    const services = createServices(
      { store, clock, ids: uuidV7Ids, eventSource: 'todo-app/test' },
      { jwtSecret: 'x'.repeat(40) },
    );
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    app = await createApp({ services, store, clock, logger: pino({ level: 'info' }, sink), readiness: [] });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('writes one line per request with method, route, status and time, and no query text', async () => {
    lines.length = 0;
    const response = await app.inject({
      method: 'GET',
      url: '/api/tasks?q=my%20secret%20plans',
      headers: { 'x-request-id': 'req-42' },
    });
    expect(response.statusCode).toBe(401);
    const forRequest = lines.filter((line) => line['reqId'] === 'req-42');
    expect(forRequest).toHaveLength(1);
    expect(forRequest[0]).toMatchObject({
      method: 'GET',
      path: '/api/tasks',
      statusCode: 401,
      msg: 'GET /api/tasks 401 ' + String(forRequest[0]?.['ms']) + ' ms',
    });
    expect(JSON.stringify(lines)).not.toContain('secret');
  });
});

/**
 * The tool list is read into a model's context on every conversation: it must stay small
 * (it was 90 kB before shared shapes were listed once). Measured as a client receives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpHarness, type McpHarness } from './harness.js';

const MAX_BYTES = 30_000;

describe('tools/list', () => {
  let h: McpHarness;
  beforeAll(async () => {
    h = await createMcpHarness();
  });
  afterAll(() => h?.close());

  it(`is at most ${MAX_BYTES / 1000} kB of JSON, and still spells out a task and a new task once`, async () => {
    const client = await h.client((await h.user()).token);
    const result = await client.listTools();
    const bytes = Buffer.byteLength(JSON.stringify(result));
    process.stderr.write(`tools/list: ${bytes} bytes for ${result.tools.length} tools\n`);
    expect(bytes).toBeLessThanOrEqual(MAX_BYTES);
    const byName = new Map(result.tools.map((t) => [t.name, t]));
    const taskFields = (byName.get('get_task')!.outputSchema!.properties!['task'] as { properties: object }).properties;
    expect(Object.keys(taskFields)).toEqual(expect.arrayContaining(['id', 'number', 'title', 'due', 'reminders', 'tags']));
    expect(Object.keys(byName.get('add_task')!.inputSchema.properties!)).toEqual(
      expect.arrayContaining(['title', 'due', 'recurrence', 'reminders', 'projectId', 'tags', 'idempotencyKey']),
    );
    // Elsewhere a task is an object that says where its fields are listed.
    expect(byName.get('complete_task')!.outputSchema!.properties!['task']).toMatchObject({
      type: 'object',
      description: expect.stringContaining('get_task'),
    });
  });
});

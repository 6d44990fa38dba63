import { describe, expect, it } from 'vitest';
import { TASK_EVENT_TYPES } from './event-types.js';
import { EVENT_SCHEMAS } from './events.js';

describe('TASK_EVENT_TYPES', () => {
  it('lists exactly the task events that have a payload schema', () => {
    const withSchema = Object.keys(EVENT_SCHEMAS).filter((type) => type.startsWith('todo.task.'));
    expect([...TASK_EVENT_TYPES].sort()).toEqual(withSchema.sort());
  });
});

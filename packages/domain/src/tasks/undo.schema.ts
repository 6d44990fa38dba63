/** What undoing a completion answers besides the task (the web's Undo, MCP and the CLI show it). */
import { z } from 'zod';
import { Task } from './task.schema.js';

/**
 * A reopened task, and what became of the next occurrence its completion made (null: it is not
 * an occurrence of a series, or no next occurrence exists): `removed` when nobody had touched
 * it, else kept — edited, completed or its subtasks changed — and the client should say so.
 */
export const ReopenedTask = Task.extend({
  nextOccurrence: z
    .object({ id: z.uuid(), number: z.int(), removed: z.boolean() })
    .nullable()
    .optional()
    .describe('The next occurrence the completion made: removed with the reopen, or kept because it was changed since'),
});
export type ReopenedTask = z.infer<typeof ReopenedTask>;

/**
 * List/search parameters for tasks. Query strings arrive as strings, so booleans and lists
 * are parsed from text here; the same schema serves REST, the CLI and MCP.
 */
import { z } from 'zod';
import { Instant, LocalDate, Priority, type TaskStatus } from './task.schema.js';

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item),
  );

const flag = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean());

const DateOrInstant = z.union([LocalDate, Instant]);

/**
 * Each key has a natural direction people expect (soonest due, most urgent, newest first,
 * A→Z); a leading `-` reverses it.
 */
export const SORT_KEYS = ['due', 'priority', 'created', 'updated', 'title', 'number', 'relevance'] as const;
export const TaskSort = z.enum([...SORT_KEYS, ...SORT_KEYS.map((k) => `-${k}` as const)]);
export type TaskSort = z.infer<typeof TaskSort>;

/**
 * An opaque page cursor. Long enough for a title sort's cursor, which carries a title of up to
 * 500 characters, base64-encoded.
 */
export const PageCursor = z.string().max(4000);

export const TaskListQuery = z.strictObject({
  status: z.enum(['open', 'completed', 'all']).default('open'),
  priority: csv(Priority).optional(),
  projectId: z.uuid().optional(),
  tags: csv(z.string().min(1).max(64)).optional(),
  tagMode: z.enum(['any', 'all']).default('any'),
  dueBefore: DateOrInstant.optional().describe('Due strictly before this date (local) or instant'),
  dueAfter: DateOrInstant.optional().describe('Due on/after this date (local) or instant'),
  overdue: flag.optional(),
  noDate: flag.optional().describe('Only tasks without a due date'),
  parentId: z.uuid().optional(),
  assigned: z.enum(['me', 'byMe']).optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Full-text search, ranked'),
  sort: TaskSort.optional().describe('Default: relevance when q is given, else due'),
  cursor: PageCursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;
export type TaskStatusFilter = TaskStatus | 'all';

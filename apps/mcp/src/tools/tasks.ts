/** Task tools: create (single, batch), read, list, search, update, complete, reopen, delete. */
import { z } from 'zod';
import { PageCursor, Priority, TaskCreate, TaskListQuery, TaskPatch, TaskSort } from '@todo/domain';
import {
  CHANGE,
  CREATE,
  READ,
  InvalidItem,
  SHARED_SHAPES,
  batchItem,
  defineTool,
  toolError,
  type ToolContext,
  type ToolDef,
} from '../tool.js';
import { Failure, ProjectRef, TaskOut, TaskPageOut, TaskRef, callOf, describeTask, projectIdOf } from './common.js';

const IdempotencyKey = z.string().trim().min(1).max(200).describe('A UUID; a retry returns the first task');

const AddTaskIn = TaskCreate.extend({
  projectId: ProjectRef.nullable().default(null),
  idempotencyKey: IdempotencyKey.optional(),
});
type AddTaskIn = z.output<typeof AddTaskIn>;
const NEW_TASK = { tool: 'add_task', description: 'A new task: the arguments of add_task' };
SHARED_SHAPES.set(AddTaskIn, NEW_TASK);
const AddTaskItem = batchItem(AddTaskIn);
SHARED_SHAPES.set(AddTaskItem, NEW_TASK);

/** With a key, a retry gets the first call's task back (stored with it, so on any replica). */
async function createOne(
  ctx: ToolContext,
  input: AddTaskIn,
): Promise<{ task: z.output<typeof TaskOut>['task']; replayed: boolean }> {
  const { idempotencyKey, projectId, ...rest } = input;
  const fields = { ...rest, projectId: projectId === null ? null : await projectIdOf(ctx, projectId) };
  if (!idempotencyKey) return { task: await ctx.services.tasks.create(callOf(ctx), fields), replayed: false };
  return ctx.services.tasks.createOnce(callOf(ctx), fields, idempotencyKey);
}

const addTask = defineTool({
  name: 'add_task',
  title: 'Add a task',
  description:
    'Creates a task; only `title` is required. parse_due turns words into `due`; preview_recurrence checks a `rule`. New tags are created.',
  input: AddTaskIn,
  output: TaskOut.extend({
    replayed: z.boolean().describe('True: an earlier call made it'),
  }),
  annotations: CREATE,
  run: (ctx, args) => createOne(ctx, args),
  summarize: (r) => `${r.replayed ? 'Already created' : 'Created'} ${describeTask(r.task)}`,
});

const addTasks = defineTool({
  name: 'add_tasks',
  title: 'Add several tasks',
  description:
    'Creates up to 25 tasks (each as add_task), independently: `created` and `failures`; re-send only the failed.',
  input: z.strictObject({ tasks: z.array(AddTaskItem).min(1).max(25) }),
  batchOf: 'tasks',
  output: z.object({
    created: z.array(z.object({ index: z.int(), task: TaskOut.shape.task, replayed: z.boolean() })),
    failures: z.array(Failure),
    successCount: z.int(),
    failureCount: z.int(),
  }),
  annotations: CREATE,
  run: async (ctx, { tasks }) => {
    const created = [];
    const failures = [];
    for (const [index, input] of tasks.entries()) {
      if (input instanceof InvalidItem) {
        failures.push({ index, ...input.error });
        continue;
      }
      try {
        created.push({ index, ...(await createOne(ctx, input)) });
      } catch (error) {
        failures.push({ index, ...toolError(error) });
      }
    }
    return { created, failures, successCount: created.length, failureCount: failures.length };
  },
  summarize: (r) =>
    `Created ${r.successCount} task(s)${r.failureCount ? `; ${r.failureCount} failed: ${r.failures.map((f) => `#${f.index} ${f.message}`).join('; ')}` : ''}`,
});

const getTask = defineTool({
  name: 'get_task',
  title: 'Get a task',
  description: 'One task by number ("#12") or id, with all its fields.',
  input: z.strictObject({ task: TaskRef }),
  output: TaskOut,
  annotations: READ,
  run: async (ctx, { task }) => ({ task: await ctx.services.tasks.get(ctx.principal, task) }),
  summarize: (r) => describeTask(r.task),
});

const LocalDateOrInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'must be YYYY-MM-DD or an ISO instant with offset',
  );

const ListIn = z.strictObject({
  status: z.enum(['open', 'completed', 'all']).default('open').describe('Default: open tasks only'),
  priority: z.array(Priority).max(5).optional().describe('Any of these priorities'),
  projectId: ProjectRef.optional(),
  tags: z.array(z.string().min(1).max(64)).max(20).optional().describe('Tag names'),
  tagMode: z.enum(['any', 'all']).default('any').describe('Whether a task needs any or all of `tags`'),
  dueBefore: LocalDateOrInstant.optional().describe('Due before this date (user zone) or instant'),
  dueAfter: LocalDateOrInstant.optional().describe('Due on or after this date (user zone) or instant'),
  overdue: z.boolean().optional().describe('Only open tasks whose due has passed'),
  noDate: z.boolean().optional().describe('Only tasks without a due date'),
  parentId: z.uuid().optional().describe('Only subtasks of this task'),
  sort: TaskSort.optional().describe('due (default), priority, created, updated, title or number; "-" reverses'),
  cursor: PageCursor.optional(),
  limit: z.int().min(1).max(100).default(25),
});

const listTasks = defineTool({
  name: 'list_tasks',
  title: 'List tasks',
  description:
    'Lists tasks by status, priority, project, tags, due range, overdue, no date, parent or assignee, 25 a page. Words: search_tasks; today: get_overview.',
  input: ListIn,
  output: TaskPageOut,
  annotations: READ,
  run: async (ctx, { projectId, ...args }) =>
    ctx.services.tasks.list(
      ctx.principal,
      TaskListQuery.parse({ ...args, ...(projectId ? { projectId: await projectIdOf(ctx, projectId) } : {}) }),
    ),
  summarize: (r) =>
    `${r.items.length} task(s)${r.nextCursor ? ' (more: pass nextCursor)' : ''}:\n${r.items.map((t) => describeTask(t)).join('\n')}`,
});

const searchTasks = defineTool({
  name: 'search_tasks',
  title: 'Search tasks',
  description:
    'Full-text search of task titles and descriptions, best first; open and completed unless `status` says.',
  input: z.strictObject({
    query: z.string().trim().min(1).max(200).describe('Words to look for'),
    status: z.enum(['open', 'completed', 'all']).default('all'),
    cursor: PageCursor.optional(),
    limit: z.int().min(1).max(100).default(25),
  }),
  output: TaskPageOut,
  annotations: READ,
  run: (ctx, { query, status, cursor, limit }) =>
    ctx.services.tasks.list(
      ctx.principal,
      TaskListQuery.parse({ q: query, status, limit, sort: 'relevance', ...(cursor ? { cursor } : {}) }),
    ),
  summarize: (r) => `${r.items.length} match(es):\n${r.items.map((t) => describeTask(t)).join('\n')}`,
});

const updateTask = defineTool({
  name: 'update_task',
  title: 'Update a task',
  description:
    'Changes the given fields of one task; `null` clears; projectId moves it; assigneeId: a member. `tags`/`reminders` replace the list. Dates: prefer reschedule_tasks.',
  input: TaskPatch.extend({ task: TaskRef, projectId: ProjectRef.optional() }),
  output: TaskOut,
  annotations: CHANGE,
  run: async (ctx, { task, projectId, ...patch }) => {
    const project = projectId ? { projectId: await projectIdOf(ctx, projectId) } : {};
    return { task: await ctx.services.tasks.update(callOf(ctx), task, { ...patch, ...project }) };
  },
  summarize: (r) => `Updated ${describeTask(r.task)}`,
});

const completeTask = defineTool({
  name: 'complete_task',
  title: 'Complete a task',
  description: 'Marks a task done (idempotent); a recurring one gets its next occurrence.',
  input: z.strictObject({ task: TaskRef }),
  output: TaskOut,
  annotations: { ...CHANGE, destructiveHint: false },
  run: async (ctx, { task }) => ({ task: await ctx.services.tasks.complete(callOf(ctx), task) }),
  summarize: (r) => `Completed ${describeTask(r.task)}`,
});

const reopenTask = defineTool({
  name: 'reopen_task',
  title: 'Reopen a task',
  description: 'Marks a completed task open again (idempotent).',
  input: z.strictObject({ task: TaskRef }),
  output: TaskOut,
  annotations: { ...CHANGE, destructiveHint: false },
  run: async (ctx, { task }) => ({ task: await ctx.services.tasks.reopen(callOf(ctx), task) }),
  summarize: (r) => `Reopened ${describeTask(r.task)}`,
});

const deleteTask = defineTool({
  name: 'delete_task',
  title: 'Delete a task',
  description: 'Deletes one task (number or id, never guessed from a title) with its subtasks. Confirm first.',
  input: z.strictObject({ task: TaskRef }),
  output: z.object({ deleted: z.object({ id: z.uuid(), number: z.int(), title: z.string() }) }),
  annotations: CHANGE,
  run: async (ctx, { task }) => {
    const found = await ctx.services.tasks.get(ctx.principal, task);
    await ctx.services.tasks.delete(callOf(ctx), found.id);
    return { deleted: { id: found.id, number: found.number, title: found.title } };
  },
  summarize: (r) => `Deleted #${r.deleted.number} ${r.deleted.title}`,
});

export const taskTools: ToolDef[] = [
  addTask,
  addTasks,
  getTask,
  listTasks,
  searchTasks,
  updateTask,
  completeTask,
  reopenTask,
  deleteTask,
];

/** Comments on tasks, and the activity history of a task or project (docs/projects-and-sharing.md). */
import { z } from 'zod';
import { DomainError, MAX_COMMENT_LENGTH } from '@todo/domain';
import { READ, defineTool, type ToolAnnotations, type ToolDef } from '../tool.js';

/** Adding is not idempotent, deleting is destructive. */
const WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false };
import { ProjectRef, TaskRef, callOf, projectIdOf } from './common.js';

// Outputs spelled plainly (no id formats): the tool list is read on every conversation.
const Written = z.object({ id: z.string(), unresolvedMentions: z.array(z.string()) });
const Entry = z.object({ at: z.string(), actorId: z.string().nullable(), taskId: z.string().nullable(), summary: z.string() });

export const commentTools: ToolDef[] = [
  defineTool({
    name: 'comment',
    title: 'Comment',
    description: 'add (task, body), edit or delete (commentId). @name mentions a member.',
    input: z.strictObject({
      action: z.enum(['add', 'edit', 'delete']),
      task: TaskRef.optional(),
      commentId: z.uuid().optional(),
      body: z.string().max(MAX_COMMENT_LENGTH).optional(),
    }),
    output: z.object({ comment: Written.optional(), deleted: z.string().optional() }),
    annotations: WRITE,
    run: async (ctx, { action, task, commentId, body }) => {
      const { comments } = ctx.services;
      if (action === 'add')
        return { comment: await comments.create(callOf(ctx), required(task, 'task'), required(body, 'body')) };
      const id = required(commentId, 'commentId');
      if (action === 'edit') return { comment: await comments.update(callOf(ctx), id, required(body, 'body')) };
      await comments.delete(callOf(ctx), id);
      return { deleted: id };
    },
    summarize: (r) =>
      r.deleted
        ? `Deleted comment ${r.deleted}`
        : `Comment ${r.comment!.id}${r.comment!.unresolvedMentions.length ? `; not members: ${r.comment!.unresolvedMentions.join(', ')}` : ''}`,
  }),
  defineTool({
    name: 'get_activity',
    title: 'Activity',
    description: 'Who did what to a task or project, newest first.',
    input: z.strictObject({
      task: TaskRef.optional(),
      project: ProjectRef.optional(),
      cursor: z.string().max(200).optional(),
    }),
    output: z.object({ items: z.array(Entry), nextCursor: z.string().nullable() }),
    annotations: READ,
    run: async (ctx, { task, project, cursor }) => {
      const page = { limit: 50, cursor };
      if (task) return ctx.services.activity.forTask(ctx.principal, task, page);
      const id = await projectIdOf(ctx, required(project, 'task'), 'project');
      return ctx.services.activity.forProject(ctx.principal, id, page);
    },
    summarize: (r) => r.items.map((e) => `${e.at} ${e.summary}`).join('\n'),
  }),
];

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw DomainError.field('VALIDATION_FAILED', field, `${field} is required for this action`);
  return value;
}

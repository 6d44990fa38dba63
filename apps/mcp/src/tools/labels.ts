/** Tag tools, and tagging a task (projects: projects.ts). */
import { z } from 'zod';
import { Color, Label, LabelName, TagName } from '@todo/domain';
import type { LabelService } from '@todo/services';
import { ADDITIVE, CHANGE, CREATE, READ, SHARED_SHAPES, defineTool, type ToolContext, type ToolDef } from '../tool.js';
import { TaskOut, TaskRef, callOf, describeTask, findLabel, pageOf } from './common.js';
import { projectTools } from './projects.js';

function labelTools(kind: 'tag'): ToolDef[] {
  const plural = 'tags';
  const service = (ctx: ToolContext): LabelService => ctx.services.tags;
  const Ref = z.string().trim().min(1).max(64).describe(`The ${kind}: its id or its name`);
  SHARED_SHAPES.set(Ref, { tool: `update_${kind}`, description: `The ${kind}: its id or its name` });
  const usage = 'tag_task creates unknown ones.';
  const one = z.object({ [kind]: Label }) as z.ZodObject<Record<string, typeof Label>>;
  const summarize = (r: Record<string, unknown>) => {
    const l = r[kind] as Label;
    return `${l.name} (${l.id})`;
  };
  return [
    defineTool({
      name: `create_${kind}`,
      title: `Create a ${kind}`,
      description: `Creates a ${kind} (names unique per user, any case). ${usage}`,
      input: z.strictObject({ name: LabelName, color: Color.nullable().default(null) }),
      output: one,
      annotations: CREATE,
      run: async (ctx, args) => ({ [kind]: await service(ctx).create(ctx.principal, args) }),
      summarize: (r) => `Created ${kind} ${summarize(r)}`,
    }),
    defineTool({
      name: `list_${plural}`,
      title: `List ${plural}`,
      description: `Lists the user's ${plural} by name, 100 a page; pass nextCursor as cursor.`,
      input: z.strictObject({ cursor: z.string().max(100).optional(), limit: z.int().min(1).max(200).default(100) }),
      output: z.object({ items: z.array(Label), nextCursor: z.string().nullable() }),
      annotations: READ,
      run: async (ctx, { cursor, limit }) => pageOf(await service(ctx).list(ctx.principal), cursor, limit),
      summarize: (r) => r.items.map((l) => `${l.name} (${l.id})`).join('\n') || `no ${plural}`,
    }),
    defineTool({
      name: `update_${kind}`,
      title: `Rename or recolour a ${kind}`,
      description: `Renames or recolours a ${kind}, found by id or name.`,
      input: z.strictObject({ [kind]: Ref, name: LabelName.optional(), color: Color.nullable().optional() }),
      output: one,
      annotations: CHANGE,
      run: async (ctx, args) => {
        const found = findLabel(await service(ctx).list(ctx.principal), String(args[kind]), kind, kind);
        const patch = {
          ...(args['name'] !== undefined ? { name: args['name'] as string } : {}),
          ...(args['color'] !== undefined ? { color: args['color'] as string | null } : {}),
        };
        return { [kind]: await service(ctx).update(ctx.principal, found.id, patch) };
      },
      summarize: (r) => `Updated ${kind} ${summarize(r)}`,
    }),
    defineTool({
      name: `delete_${kind}`,
      title: `Delete a ${kind}`,
      description: 'Deletes a tag (id or name) and removes it from every task. Cannot be undone.',
      input: z.strictObject({ [kind]: Ref }),
      output: z.object({ deleted: z.object({ id: z.uuid(), name: z.string() }) }),
      annotations: CHANGE,
      run: async (ctx, args) => {
        const found = findLabel(await service(ctx).list(ctx.principal), String(args[kind]), kind, kind);
        await service(ctx).delete(ctx.principal, found.id);
        return { deleted: { id: found.id, name: found.name } };
      },
      summarize: (r) => `Deleted ${kind} ${(r['deleted'] as { name: string }).name}`,
    }),
  ];
}

const tagTask = defineTool({
  name: 'tag_task',
  title: 'Add a tag to a task',
  description: 'Adds a tag (by name; created when new) to a task; idempotent.',
  input: z.strictObject({ task: TaskRef, tag: TagName }),
  output: TaskOut,
  annotations: ADDITIVE,
  run: async (ctx, { task, tag }) => ({ task: await ctx.services.tasks.addTag(callOf(ctx), task, tag) }),
  summarize: (r) => `Tagged ${describeTask(r.task)}: ${r.task.tags.join(', ')}`,
});

const untagTask = defineTool({
  name: 'untag_task',
  title: 'Remove a tag from a task',
  description: 'Removes a tag (by name) from a task; idempotent.',
  input: z.strictObject({ task: TaskRef, tag: TagName }),
  output: TaskOut,
  annotations: CHANGE,
  run: async (ctx, { task, tag }) => ({ task: await ctx.services.tasks.removeTag(callOf(ctx), task, tag) }),
  summarize: (r) => `Untagged ${describeTask(r.task)}: ${r.task.tags.join(', ') || 'no tags'}`,
});

export const labelToolList: ToolDef[] = [...projectTools, ...labelTools('tag'), tagTask, untagTask];

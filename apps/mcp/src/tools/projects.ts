/** Project tools: projects replaced categories (same ids); a task's `projectId` names its project. */
import { z } from 'zod';
import { DomainError } from '@todo/domain';
import { Color, LabelName, MemberRole, Project } from '@todo/domain';
import { CHANGE, CREATE, READ, defineTool, type ToolDef } from '../tool.js';
import { ProjectRef, callOf, pageOf, projectIdOf } from './common.js';

const One = z.object({ project: Project });
const summarize = (p: Project) => `${p.name} (${p.id})`;

export const projectTools: ToolDef[] = [
  defineTool({
    name: 'create_project',
    title: 'Create a project',
    description: 'Creates a project, optionally under a parent (3 levels).',
    input: z.strictObject({
      name: LabelName,
      color: Color.nullable().default(null),
      parent: ProjectRef.optional(),
    }),
    output: One,
    annotations: CREATE,
    run: async (ctx, { parent, ...fields }) => {
      const parentId = parent ? await projectIdOf(ctx, parent, 'parent') : null;
      return { project: await ctx.services.projects.create(callOf(ctx), { ...fields, parentId }) };
    },
    summarize: (r) => `Created project ${summarize(r.project)}`,
  }),
  defineTool({
    name: 'list_projects',
    title: 'List projects',
    description: "The user's projects, Inbox first, 100 a page.",
    input: z.strictObject({ cursor: z.string().max(100).optional(), limit: z.int().min(1).max(200).default(100) }),
    output: z.object({ items: z.array(Project), nextCursor: z.string().nullable() }),
    annotations: READ,
    run: async (ctx, { cursor, limit }) => pageOf(await ctx.services.projects.list(ctx.principal), cursor, limit),
    summarize: (r) => r.items.map(summarize).join('\n'),
  }),
  defineTool({
    name: 'update_project',
    title: 'Change a project',
    description: 'Renames, recolours, moves (parent null: top level) or archives a project.',
    input: z.strictObject({
      project: ProjectRef,
      name: LabelName.optional(),
      color: Color.nullable().optional(),
      parent: ProjectRef.nullable().optional(),
      archived: z.boolean().optional(),
    }),
    output: One,
    annotations: CHANGE,
    run: async (ctx, { project, parent, ...patch }) => {
      const id = await projectIdOf(ctx, project, 'project');
      const parentId =
        parent === undefined ? {} : { parentId: parent === null ? null : await projectIdOf(ctx, parent, 'parent') };
      return { project: await ctx.services.projects.update(callOf(ctx), id, { ...patch, ...parentId }) };
    },
    summarize: (r) => `Updated project ${summarize(r.project)}`,
  }),
  defineTool({
    name: 'delete_project',
    title: 'Delete a project',
    description: 'Deletes a project, its sub-projects and ALL their tasks. Cannot be undone.',
    input: z.strictObject({ project: ProjectRef }),
    output: z.object({ deleted: z.object({ id: z.uuid() }) }),
    annotations: CHANGE,
    run: async (ctx, { project }) => {
      const id = await projectIdOf(ctx, project, 'project');
      await ctx.services.projects.delete(callOf(ctx), id);
      return { deleted: { id } };
    },
    summarize: (r) => `Deleted project ${r.deleted.id}`,
  }),
  defineTool({
    name: 'share_project',
    title: 'Share',
    description:
      "A top-level project's members: list, invite (email, role), set_role (member, role), remove, leave, transfer (to member).",
    input: z.strictObject({
      project: ProjectRef,
      action: z.enum(['list', 'invite', 'set_role', 'remove', 'leave', 'transfer']),
      email: z.email().optional(),
      role: MemberRole.optional(),
      member: z.uuid().optional(),
    }),
    output: z.object({ members: z.array(z.string()) }),
    annotations: CHANGE,
    run: async (ctx, { project, action, email, role, member: userId }) => {
      const id = await projectIdOf(ctx, project, 'project');
      const { members, invitations } = ctx.services;
      const need = <T>(value: T | undefined, field: string): T => {
        if (value === undefined) throw DomainError.field('VALIDATION_FAILED', field, `${action} needs ${field}`);
        return value;
      };
      const call = callOf(ctx);
      if (action === 'invite') await invitations.invite(call, id, { email: need(email, 'email'), role: role ?? 'editor' });
      if (action === 'set_role') await members.setRole(call, id, need(userId, 'member'), need(role, 'role'));
      if (action === 'remove') await members.remove(call, id, need(userId, 'member'));
      if (action === 'transfer') await members.transfer(call, id, need(userId, 'member'));
      if (action === 'leave') {
        await members.remove(call, id, 'me');
        return { members: [] };
      }
      // "email role userId": what set_role, remove and transfer need, in few bytes.
      return { members: (await members.list(ctx.principal, id)).map((m) => `${m.email} ${m.role} ${m.userId}`) };
    },
    summarize: (r) => r.members.join('\n') || 'You left the project',
  }),
];

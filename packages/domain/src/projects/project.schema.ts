/**
 * Projects: the groups tasks live in and the unit of access (docs/decisions/0009-projects-and-sharing.md).
 * They replace categories (same ids, same name rules). Every user has one Inbox.
 */
import { z } from 'zod';
import { Color, LabelName } from '../schemas.js';

/** Nesting depth: a top-level project, its sub-projects and theirs. */
export const MAX_PROJECT_DEPTH = 3;

export const PROJECT_ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export const ProjectRole = z.enum(PROJECT_ROLES);
export type ProjectRole = z.infer<typeof ProjectRole>;

export const ProjectCreate = z.strictObject({
  name: LabelName,
  color: Color.nullable().default(null),
  parentId: z.uuid().nullable().default(null).describe('A project of yours to nest under (3 levels at most)'),
});
export type ProjectCreate = z.infer<typeof ProjectCreate>;

export const ProjectPatch = z.strictObject({
  name: LabelName.optional(),
  color: Color.nullable().optional(),
  parentId: z.uuid().nullable().optional().describe('Move under another project; null: to the top level'),
  archived: z.boolean().optional(),
  favorite: z.boolean().optional().describe('Your own sidebar only'),
  position: z.int().min(0).max(1_000_000).optional().describe('Your own sidebar order'),
});
export type ProjectPatch = z.infer<typeof ProjectPatch>;

export const Project = z.object({
  id: z.uuid(),
  name: z.string(),
  color: z.string().nullable(),
  inbox: z.boolean().describe("The owner's default project: never shared, nested or deleted"),
  parentId: z.uuid().nullable(),
  rootId: z.uuid().describe('The top-level project whose members share this one'),
  archivedAt: z.iso.datetime().nullable(),
  role: ProjectRole.describe('Your role in it'),
  favorite: z.boolean(),
  position: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Project = z.infer<typeof Project>;

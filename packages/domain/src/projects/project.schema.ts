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
  /** A project to nest under (3 levels at most). */
  parentId: z.uuid().nullable().default(null),
});
export type ProjectCreate = z.infer<typeof ProjectCreate>;

export const ProjectPatch = z.strictObject({
  name: LabelName.optional(),
  color: Color.nullable().optional(),
  /** Move under another project; null: to the top level. */
  parentId: z.uuid().nullable().optional(),
  archived: z.boolean().optional(),
  /** Whether viewers may comment (owner and admins set it). */
  commentsByViewers: z.boolean().optional(),
  /** The caller's own sidebar: favourite and order. */
  favorite: z.boolean().optional(),
  position: z.int().min(0).max(1_000_000).optional(),
});
export type ProjectPatch = z.infer<typeof ProjectPatch>;

export const Project = z.object({
  id: z.uuid(),
  name: z.string(),
  color: z.string().nullable(),
  /** The owner's default project: never shared, nested or deleted. */
  inbox: z.boolean(),
  parentId: z.uuid().nullable(),
  /** The top-level project whose members share this one. */
  rootId: z.uuid(),
  archivedAt: z.iso.datetime().nullable(),
  /** Whether viewers may comment on its tasks (owners, admins and editors always may). */
  commentsByViewers: z.boolean(),
  /** The caller's role in it. */
  role: ProjectRole,
  favorite: z.boolean(),
  position: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Project = z.infer<typeof Project>;

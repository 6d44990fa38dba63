/**
 * Sharing a project tree: invitations by email and the members with their roles
 * (docs/projects-and-sharing.md). Invitations and members belong to top-level projects.
 */
import { z } from 'zod';
import { ProjectRole } from './project.schema.js';

/** Members plus pending invitations one project may have: each member is read on every event of the project. */
export const MAX_PROJECT_MEMBERS = 500;
/** How long an invitation waits for an answer. */
export const INVITATION_TTL_MS = 14 * 24 * 3600_000;

/** The roles an invitation or a role change may give: ownership changes hands only by a transfer. */
export const MemberRole = z.enum(['admin', 'editor', 'viewer']);
export type MemberRole = z.infer<typeof MemberRole>;

export const InvitationCreate = z.strictObject({
  email: z.email().max(254),
  role: MemberRole.default('editor'),
});
export type InvitationCreate = z.infer<typeof InvitationCreate>;

export const Invitation = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  projectName: z.string(),
  email: z.string(),
  role: MemberRole,
  /** Who invited (their name, or their email when they gave no name). */
  invitedBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Invitation = z.infer<typeof Invitation>;

export const Member = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: ProjectRole,
  joinedAt: z.iso.datetime(),
});
export type Member = z.infer<typeof Member>;

export const MemberPatch = z.strictObject({ role: MemberRole });
export type MemberPatch = z.infer<typeof MemberPatch>;

export const Transfer = z.strictObject({ userId: z.uuid() });
export type Transfer = z.infer<typeof Transfer>;

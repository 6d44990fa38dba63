/**
 * Comments on tasks and the activity history (docs/projects-and-sharing.md). Comments are
 * Markdown; `@name` / `@local-part` mentions are resolved among the project's members when a
 * comment is written (`resolveMentions`), so a mention never looks outside the project.
 */
import { z } from 'zod';

export const MAX_COMMENT_LENGTH = 10_000;

const Body = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_COMMENT_LENGTH, `at most ${MAX_COMMENT_LENGTH} characters`)
  .describe('Markdown; @name mentions members');

export const CommentInput = z.strictObject({ body: Body });
export type CommentInput = z.infer<typeof CommentInput>;

export const Comment = z.object({
  id: z.uuid(),
  taskId: z.uuid(),
  authorId: z.uuid(),
  body: z.string(),
  /** The members it mentions (user ids), resolved when it was written. */
  mentions: z.array(z.uuid()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Comment = z.infer<typeof Comment>;

/** A written comment, with the mentions that named nobody in the project (left as plain text). */
export const CommentWritten = Comment.extend({ unresolvedMentions: z.array(z.string()) });
export type CommentWritten = z.infer<typeof CommentWritten>;

export const ActivityEntry = z.object({
  /** The event's id: one entry per event. */
  id: z.uuid(),
  type: z.string(),
  summary: z.string(),
  actorId: z.uuid().nullable(),
  taskId: z.uuid().nullable(),
  projectId: z.uuid(),
  at: z.iso.datetime(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

/** `@word` not preceded by a word character (so `me@example.com` mentions nobody). */
const MENTION = /(?<![\w.+-])@([\p{L}\p{N}][\p{L}\p{N}._+-]*)/gu;

/** The distinct mention tokens of a body, in order, without a trailing dot (end of sentence). */
export function mentionTokens(body: string): string[] {
  const seen = new Set<string>();
  for (const match of body.matchAll(MENTION)) seen.add(match[1]!.replace(/[.]+$/, ''));
  return [...seen];
}

export interface MentionCandidate {
  readonly id: string;
  readonly name: string | null;
  readonly email: string;
}

const squash = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/**
 * Resolves tokens among `members` only: a token names a member whose name (without spaces) or
 * email local part it equals, case-insensitively. Tokens naming nobody come back unresolved.
 */
export function resolveMentions(
  tokens: readonly string[],
  members: readonly MentionCandidate[],
): { ids: string[]; unresolved: string[] } {
  const ids = new Set<string>();
  const unresolved: string[] = [];
  for (const token of tokens) {
    const wanted = token.toLowerCase();
    const member = members.find(
      (m) =>
        (m.name !== null && squash(m.name) === wanted) || m.email.slice(0, m.email.lastIndexOf('@')).toLowerCase() === wanted,
    );
    if (member) ids.add(member.id);
    else unresolved.push(token);
  }
  return { ids: [...ids], unresolved };
}

/**
 * A task's version as an HTTP entity tag, and the error a stale one gets. Every task write moves
 * `updatedAt` forward (at least a millisecond past what it read), so id + `updatedAt` names
 * one version; the tag is a hash of them so that clients treat it as opaque.
 */
import { DomainError } from '../errors.js';
import type { Task } from './task.schema.js';

/** FNV-1a, 64 bits as two 32-bit halves: short, stable, and the same in every runtime. */
function fnv1a64(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 ^ 0x5bd1e995) >>> 0;
  }
  return h1.toString(36).padStart(7, '0') + h2.toString(36).padStart(7, '0');
}

/** The strong ETag of this version of the task, quotes included. */
export function taskEtag(task: Pick<Task, 'id' | 'updatedAt'>): string {
  return `"t${fnv1a64(`${task.id}@${Date.parse(task.updatedAt)}`)}"`;
}

/**
 * Whether an If-Match header names `etag` (RFC 9110 §13.1.1: strong comparison, so a weak tag
 * never matches; `*` matches any current version).
 */
export function ifMatchAccepts(header: string, etag: string): boolean {
  return header.split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate === etag;
  });
}

/** The task changed since the version the client named (If-Match): `current` is how it is now, so the client can resolve. */
export class TaskVersionMismatch extends DomainError {
  constructor(readonly current: Task) {
    super('PRECONDITION_FAILED', 'the task changed since you read it: `current` is how it is now; resolve and send again');
  }
}

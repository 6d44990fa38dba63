/**
 * CalDAV's use cases: calendars are the projects a user can see, resources their tasks as VTODOs
 * (`@todo/ical`). Every change goes through TaskService and ProjectService — the same
 * validation, events, reminders, recurrence and live updates as REST (docs/caldav.md).
 */
import { createHash } from 'node:crypto';
import { DomainError, enforce, projectRule, type Project, type Task, type TaskPatch } from '@todo/domain';
import { parseVtodo, taskIdOfUid, taskToVtodo, taskUid, type ParsedVtodo } from '@todo/ical';
import type { DavTask } from '@todo/storage';
import type { AuthService } from '../auth.service.js';
import type { CallContext, Principal, ServiceDeps } from '../deps.js';
import type { ProjectService } from '../project.service.js';
import type { TaskService } from '../task.service.js';
import { TRASH_KEPT_MS } from '../task-undo.js';
import { ctagOf, SYNC_OVERLAP_MS, syncTokenAt, syncTokenMoment } from './sync-token.js';

export interface DavCalendar {
  project: Project;
  writable: boolean;
  ctag: string;
  syncToken: string;
}

export interface DavResource {
  /** The resource's name in its calendar, without `.ics`: the one its client chose, else the VTODO's UID. */
  name: string;
  etag: string;
  ics: string;
  task: Task;
}

export interface DavChanges {
  syncToken: string;
  changed: DavResource[];
  /** Names of resources deleted since the token. */
  deleted: string[];
}

/** `If-Match` / `If-None-Match: *` of a write. */
export interface DavPreconditions {
  ifMatch?: string | undefined;
  ifNoneMatchAny?: boolean | undefined;
}

export class CaldavService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock'>,
    private readonly tasks: TaskService,
    private readonly projects: ProjectService,
    private readonly auth: Pick<AuthService, 'authenticateAppPassword'>,
  ) {}

  /** HTTP Basic: the account's email and an app password (an API token), never the account password. */
  authenticate(email: string, password: string, client: string): Promise<Principal> {
    return this.auth.authenticateAppPassword(email, password, client);
  }

  async calendars(principal: Principal): Promise<DavCalendar[]> {
    const projects = (await this.projects.list(principal)).filter((p) => !p.archivedAt);
    return Promise.all(projects.map((p) => this.describe(p)));
  }

  async calendar(principal: Principal, projectId: string): Promise<DavCalendar> {
    return this.describe(await this.projects.get(principal, projectId));
  }

  /** MKCALENDAR: a new top-level project, its id the one in the URL the client chose, named as it asks. */
  async createCalendar(ctx: CallContext, id: string, name: string): Promise<Project> {
    return this.projects.create(ctx, { name, color: null, parentId: null }, id);
  }

  async resources(principal: Principal, projectId: string, names?: readonly string[]): Promise<DavResource[]> {
    await this.projects.get(principal, projectId);
    const only = names ? selectorOf(names) : {};
    const found = await this.deps.store.repos.caldav.tasks(principal.userId, projectId, only);
    return found.map(resourceOf);
  }

  async resource(principal: Principal, projectId: string, name: string): Promise<DavResource | null> {
    const [found] = await this.resources(principal, projectId, [name]);
    return found ?? null;
  }

  /** sync-collection: what changed since `token` (null: everything); INVALID_SYNC_TOKEN when it is too old. */
  async changes(principal: Principal, projectId: string, token: string | null): Promise<DavChanges> {
    const calendar = await this.calendar(principal, projectId);
    const now = this.deps.clock.now();
    if (!token) return { syncToken: calendar.syncToken, changed: await this.resources(principal, projectId), deleted: [] };
    const since = syncTokenMoment(token, now, TRASH_KEPT_MS);
    if (!since) throw new DomainError('INVALID_SYNC_TOKEN', 'this sync token is unknown or too old: sync again without one');
    const after = new Date(since.getTime() - SYNC_OVERLAP_MS);
    const { caldav } = this.deps.store.repos;
    const changed = (await caldav.tasks(principal.userId, projectId, { changedAfter: after })).map(resourceOf);
    const present = new Set(changed.map((r) => r.task.id));
    const deleted = (await caldav.deletedAfter(projectId, after))
      .filter((d) => !present.has(d.id))
      .map((d) => d.icalName ?? taskUid(d.id));
    return { syncToken: calendar.syncToken, changed, deleted };
  }

  /** PUT: creates or replaces the VTODO `name`; answers whether it was created and its new ETag. */
  async put(
    ctx: CallContext,
    projectId: string,
    name: string,
    ics: string,
    conditions: DavPreconditions,
  ): Promise<{ created: boolean; etag: string }> {
    const calendar = await this.calendar(ctx.principal, projectId);
    enforce(projectRule(calendar.project.role, 'writeTasks'));
    const zone = await this.userZone(ctx.principal.userId);
    const parsed = parseVtodo(ics, { timeZone: zone });
    const existing = await this.resource(ctx.principal, projectId, name);
    checkPreconditions(existing, conditions);
    const parentId = await this.parentOf(ctx.principal, projectId, parsed);
    const extras = parsed.extras || null;
    let task: Task;
    if (!existing) {
      if (parsed.taskId)
        throw DomainError.field('VALIDATION_FAILED', 'UID', 'this UID names a task that is not in this calendar');
      task = await this.tasks.create(ctx, { ...parsed.fields, projectId, parentId, assigneeId: null }, undefined, {
        uid: parsed.uid,
        name,
        extras,
      });
    } else {
      task = await this.tasks.update(ctx, existing.task.id, patchOf(existing, parsed, parentId), {}, { extras });
    }
    if (parsed.status === 'completed' && task.status !== 'completed') await this.tasks.complete(ctx, task.id);
    if (parsed.status === 'open' && task.status === 'completed') await this.tasks.reopen(ctx, task.id);
    const written = await this.resource(ctx.principal, projectId, name);
    if (!written) throw new DomainError('CONFLICT', 'the task was changed meanwhile; try again');
    return { created: !existing, etag: written.etag };
  }

  async remove(ctx: CallContext, projectId: string, name: string, conditions: DavPreconditions): Promise<void> {
    const existing = await this.resource(ctx.principal, projectId, name);
    if (!existing) throw new DomainError('TASK_NOT_FOUND', `no ${name}.ics in this calendar`);
    checkPreconditions(existing, conditions);
    await this.tasks.delete(ctx, existing.task.id);
  }

  private async describe(project: Project): Promise<DavCalendar> {
    const lastChange = await this.deps.store.repos.caldav.lastChange(project.id);
    return {
      project,
      writable: projectRule(project.role, 'writeTasks').allowed,
      ctag: ctagOf(lastChange),
      syncToken: syncTokenAt(lastChange, this.deps.clock.now(), TRASH_KEPT_MS),
    };
  }

  /** RELATED-TO;RELTYPE=PARENT: our UID names the task, a client's UID a task of this calendar. */
  private async parentOf(principal: Principal, projectId: string, parsed: ParsedVtodo): Promise<string | null> {
    if (parsed.parentId) return parsed.parentId;
    if (!parsed.parentUid) return null;
    return (await this.resource(principal, projectId, parsed.parentUid))?.task.id ?? null;
  }

  private async userZone(userId: string): Promise<string> {
    return (await this.deps.store.repos.users.findById(userId))?.timeZone ?? 'UTC';
  }
}

const etagOf = (ics: string): string => `"${createHash('sha256').update(ics).digest('base64url').slice(0, 27)}"`;

function resourceOf({ task, row }: DavTask): DavResource {
  const name = row.icalName ?? taskUid(task.id);
  const ics = taskToVtodo(task, { uid: row.icalUid ?? taskUid(task.id), ...(row.icalExtras ? { extras: row.icalExtras } : {}) });
  return { name, etag: etagOf(ics), ics, task };
}

function selectorOf(names: readonly string[]): { ids: string[]; icalNames: string[] } {
  const ids = names.map(taskIdOfUid).filter((id): id is string => id !== null);
  return { ids, icalNames: names.filter((n) => taskIdOfUid(n) === null) };
}

function checkPreconditions(existing: DavResource | null, conditions: DavPreconditions): void {
  if (conditions.ifNoneMatchAny && existing)
    throw new DomainError('PRECONDITION_FAILED', 'the resource exists (If-None-Match: *)');
  if (conditions.ifMatch !== undefined) {
    const wanted = conditions.ifMatch.split(',').map((t) => t.trim());
    if (!existing || !(wanted.includes('*') || wanted.includes(existing.etag))) {
      throw new DomainError('PRECONDITION_FAILED', 'the resource changed since you read it (If-Match)');
    }
  }
}

/** Only what differs: compared in the mapping's own terms, so an unchanged field is no change (and no event). */
function patchOf(existing: DavResource, parsed: ParsedVtodo, parentId: string | null): TaskPatch {
  const current = parseVtodo(existing.ics).fields;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(parsed.fields) as (keyof typeof parsed.fields)[]) {
    if (JSON.stringify(parsed.fields[key]) !== JSON.stringify(current[key])) patch[key] = parsed.fields[key];
  }
  if (parentId !== existing.task.parentId) patch['parentId'] = parentId;
  return patch as TaskPatch;
}

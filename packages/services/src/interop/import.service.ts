/**
 * Imports a file (docs/import-export.md): read into a plan (read-file.ts), checked against the
 * account — which projects exist, which items were imported before (`import_keys`) — and, unless
 * it is a dry run, written: projects through the ProjectService, tasks in batches through the
 * one task write (each batch one statement, its import keys and events with it).
 */
import { setImmediate } from 'node:timers/promises';
import { DomainError, MAX_PROJECT_DEPTH, enforce, isDomainError, policy, projectRule, type Project } from '@todo/domain';
import { isImportKeyTaken } from '@todo/storage';
import type { CallContext, ServiceDeps } from '../deps.js';
import type { ProjectService } from '../project.service.js';
import { UnitOfWork, type PendingTaskWrite } from '../unit-of-work.js';
import { importWrite, type RowContext } from './import-rows.js';
import { uniqueProjectNames, type ImportFormat, type ImportPlan, type PlannedTask, type Unmapped } from './plan.js';
import { readUpload, type UploadedFile } from './read-file.js';

/** Tasks per statement: large enough to amortise the round trip, small enough not to hold the write path long. */
export const IMPORT_BATCH = 500;
/** Unmapped items listed in a report; the count says how many there were. */
const MAX_LISTED = 1000;

export interface ImportReport {
  format: ImportFormat;
  dryRun: boolean;
  /** Created (or, in a dry run, to be created). */
  projects: number;
  tasks: number;
  tags: number;
  /** Items imported before (by an earlier run of this or an overlapping file): not created again. */
  duplicates: number;
  unmappedCount: number;
  unmapped: Unmapped[];
}

export type ImportProgress = (done: number, total: number) => void;

export class ImportService {
  private readonly unitOfWork: UnitOfWork;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly projects: ProjectService,
  ) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  async run(
    ctx: CallContext,
    file: UploadedFile,
    options: { dryRun: boolean; onProgress?: ImportProgress },
  ): Promise<ImportReport> {
    const { repos } = this.deps.store;
    const userId = ctx.principal.userId;
    const user = await repos.users.findById(userId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'the account no longer exists');
    const now = this.deps.clock.now();
    const plan = readUpload(file, { now, timeZone: user.timeZone });
    enforce(policy.importFile({ tasks: plan.tasks.length }));
    uniqueProjectNames(plan.projects);

    const known = await repos.importKeys.find(
      userId,
      plan.format,
      plan.tasks.map((t) => t.externalId),
    );
    const seen = new Set<string>();
    const fresh: PlannedTask[] = [];
    let duplicates = 0;
    for (const task of plan.tasks) {
      if (known.has(task.externalId)) duplicates++;
      else if (seen.has(task.externalId))
        plan.unmapped.push({ where: task.where, reason: 'the same item appears twice: imported once' });
      else fresh.push(task);
      seen.add(task.externalId);
    }
    const existing = await this.projects.list(ctx.principal);
    const needed = neededProjects(plan, fresh);
    const byName = new Map(existing.filter((p) => !p.inbox).map((p) => [p.name.toLowerCase(), p]));
    const toCreate = plan.projects.filter((p) => needed.has(p.key) && !byName.has(p.name.toLowerCase()));
    const tagNames = new Set((await repos.tags.list(userId)).map((t) => t.name.toLowerCase()));
    const newTags = new Set(fresh.flatMap((t) => t.tags.map((n) => n.toLowerCase())).filter((n) => !tagNames.has(n)));
    const report: ImportReport = {
      format: plan.format,
      dryRun: options.dryRun,
      projects: toCreate.length,
      tasks: fresh.length,
      tags: newTags.size,
      duplicates,
      unmappedCount: 0,
      unmapped: [],
    };
    if (!options.dryRun) {
      const projectIds = await this.placeProjects(ctx, plan, needed, byName, existing);
      report.tasks = await this.writeTasks(
        ctx,
        fresh,
        known,
        projectIds,
        { userId, timeZone: user.timeZone, now, format: plan.format },
        plan.unmapped,
        options.onProgress,
      );
    } else {
      const rowCtx: RowContext = { userId, timeZone: user.timeZone, now, newId: () => '', format: plan.format };
      report.tasks = fresh.filter((task) => this.check(task, rowCtx, plan.unmapped)).length;
    }
    report.unmappedCount = plan.unmapped.length;
    report.unmapped = plan.unmapped.slice(0, MAX_LISTED);
    return report;
  }

  /** Whether the task's fields are ones the app takes; if not, why is reported and it is skipped. */
  private check(task: PlannedTask, ctx: RowContext, unmapped: Unmapped[]): boolean {
    try {
      importWrite(task, { id: '', projectId: '', parentId: null }, ctx);
      return true;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      unmapped.push({ where: task.where, reason: `${error.message}: not imported` });
      return false;
    }
  }

  /** The project id for each plan project: an existing one of that name the caller may write to, else a new one. */
  private async placeProjects(
    ctx: CallContext,
    plan: ImportPlan,
    needed: Set<string>,
    byName: Map<string, Project>,
    existing: Project[],
  ): Promise<Map<string | null, string>> {
    const ids = new Map<string | null, string>([[null, existing.find((p) => p.inbox && p.role === 'owner')!.id]]);
    const depth = new Map<string, number>();
    for (const project of depthOrder(plan)) {
      if (!needed.has(project.key)) continue;
      const found = byName.get(project.name.toLowerCase());
      if (found) {
        if (projectRule(found.role, 'writeTasks').allowed) ids.set(project.key, found.id);
        else
          plan.unmapped.push({
            where: `project "${project.name}"`,
            reason: 'a project of that name is shared with you read-only: its tasks go to the Inbox',
          });
        continue;
      }
      const parentId = project.parentKey ? ids.get(project.parentKey) : undefined;
      const level = parentId && project.parentKey ? (depth.get(project.parentKey) ?? 1) + 1 : 1;
      const nested = parentId && level <= MAX_PROJECT_DEPTH;
      if (parentId && !nested)
        plan.unmapped.push({
          where: `project "${project.name}"`,
          reason: `projects nest ${MAX_PROJECT_DEPTH} deep at most: made top-level`,
        });
      const created = await this.projects.create(ctx, {
        name: project.name,
        color: project.color,
        parentId: nested ? parentId : null,
      });
      ids.set(project.key, created.id);
      depth.set(project.key, nested ? level : 1);
    }
    return ids;
  }

  private async writeTasks(
    ctx: CallContext,
    fresh: PlannedTask[],
    known: Map<string, string>,
    projectIds: Map<string | null, string>,
    row: Omit<RowContext, 'newId'>,
    unmapped: Unmapped[],
    onProgress?: ImportProgress,
  ): Promise<number> {
    const rowCtx: RowContext = { ...row, newId: () => this.deps.ids.next() };
    const newIds = new Map(fresh.map((t) => [t.externalId, this.deps.ids.next()]));
    const placed = new Map<string, { id: string; projectId: string }>();
    const earlierParents = await this.existingParents(ctx, fresh, known);
    const ordered = parentsFirst(fresh);
    let written = 0;
    for (let i = 0; i < ordered.length; i += IMPORT_BATCH) {
      // Each batch is built just before it is written, after other requests had their turn:
      // building 500 writes is CPU work that would otherwise hold the event loop in one piece.
      await setImmediate();
      const writes: PendingTaskWrite[] = [];
      for (const task of ordered.slice(i, i + IMPORT_BATCH)) {
        const id = newIds.get(task.externalId)!;
        const parent = task.parentExternalId
          ? (placed.get(task.parentExternalId) ?? earlierParents.get(task.parentExternalId) ?? null)
          : null;
        if (task.parentExternalId && !parent)
          unmapped.push({ where: task.where, reason: 'its parent task is not imported: made a top-level task' });
        const projectId = parent?.projectId ?? projectIds.get(task.projectKey) ?? projectIds.get(null)!;
        try {
          writes.push(importWrite(task, { id, projectId, parentId: parent?.id ?? null }, rowCtx));
          placed.set(task.externalId, { id, projectId });
        } catch (error) {
          if (!isDomainError(error)) throw error;
          unmapped.push({ where: task.where, reason: `${error.message}: not imported` });
        }
      }
      if (writes.length) await this.write(ctx, writes);
      written += writes.length;
      onProgress?.(Math.min(i + IMPORT_BATCH, ordered.length), ordered.length);
    }
    return written;
  }

  private async write(ctx: CallContext, writes: PendingTaskWrite[]): Promise<void> {
    try {
      await this.unitOfWork.writeTasks(ctx, writes);
    } catch (error) {
      if (!isImportKeyTaken(error)) throw error;
      throw new DomainError(
        'CONFLICT',
        'the same file is being imported at the same time; run the import again when it is done: it picks up where it stopped',
      );
    }
  }

  /** Parents imported by an earlier run that new subtasks hang under, if they still exist. */
  private async existingParents(ctx: CallContext, fresh: PlannedTask[], known: Map<string, string>) {
    const found = new Map<string, { id: string; projectId: string }>();
    for (const external of new Set(fresh.map((t) => t.parentExternalId).filter((p): p is string => !!p && known.has(p)))) {
      const row = await this.deps.store.repos.tasks.findRow(ctx.principal.userId, known.get(external)!);
      if (row && projectRule(row.role, 'writeTasks').allowed) found.set(external, { id: row.id, projectId: row.projectId });
    }
    return found;
  }
}

/** The plan projects that new tasks land in, with their ancestors. */
function neededProjects(plan: ImportPlan, fresh: PlannedTask[]): Set<string> {
  const parentOf = new Map(plan.projects.map((p) => [p.key, p.parentKey]));
  const needed = new Set<string>();
  for (const task of fresh) {
    for (let key = task.projectKey; key && !needed.has(key); key = parentOf.get(key) ?? null) needed.add(key);
  }
  return needed;
}

/** Projects with each parent before its children (a parent missing from the plan counts as none). */
function depthOrder(plan: ImportPlan) {
  const byKey = new Map(plan.projects.map((p) => [p.key, p]));
  const level = (key: string, guard = 0): number => {
    const parent = byKey.get(key)?.parentKey;
    return parent && byKey.has(parent) && guard < 10 ? level(parent, guard + 1) + 1 : 0;
  };
  return [...plan.projects].sort((a, b) => level(a.key) - level(b.key));
}

/** Tasks with each parent before its subtasks; a cycle (a broken file) is cut where it closes. */
function parentsFirst(tasks: PlannedTask[]): PlannedTask[] {
  const byId = new Map(tasks.map((t) => [t.externalId, t]));
  const depth = new Map<string, number>();
  const depthOf = (task: PlannedTask, trail = new Set<string>()): number => {
    const known = depth.get(task.externalId);
    if (known !== undefined) return known;
    const parent = task.parentExternalId ? byId.get(task.parentExternalId) : undefined;
    trail.add(task.externalId);
    const d = parent && !trail.has(parent.externalId) ? depthOf(parent, trail) + 1 : 0;
    depth.set(task.externalId, d);
    return d;
  };
  return tasks
    .map((t, i) => ({ t, i, d: depthOf(t) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.t);
}

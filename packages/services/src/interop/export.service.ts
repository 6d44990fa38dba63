/**
 * The whole account as one zip (docs/import-export.md): `todo-app.json` — every project the
 * caller can see and every task in them, all fields — and one `<project>.ics` per project for
 * calendar apps. Streamed: tasks are read a page at a time and compressed as they come, so
 * memory stays bounded however large the account.
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import ICAL from 'ical.js';
import { Zip, ZipDeflate } from 'fflate';
import { TaskListQuery, type Project, type Task } from '@todo/domain';
import { taskToVtodoComponent } from '@todo/ical';
import type { Principal, ServiceDeps } from '../deps.js';
import type { ProjectService } from '../project.service.js';
import type { TaskService } from '../task.service.js';
import {
  DOCUMENT_TAIL,
  EXPORT_DOCUMENT_NAME,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  documentHead,
  type ExportedProject,
  type ExportedTask,
} from './todo-app-format.js';

const PAGE = 200;

export class ExportService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly projects: ProjectService,
    private readonly tasks: TaskService,
  ) {}

  /** The archive as a stream; a failure midway ends it with the error (the client sees a broken download, never a short one as whole). */
  async archive(principal: Principal): Promise<Readable> {
    const user = await this.deps.store.repos.users.findById(principal.userId);
    const projects = await this.projects.list(principal);
    const out = new PassThrough();
    const zip = new Zip((error, chunk, final) => {
      if (error) return void out.destroy(error);
      out.write(chunk);
      if (final) out.end();
    });
    void this.fill(zip, out, principal, projects, user?.timeZone ?? 'UTC').catch((error: unknown) => out.destroy(error as Error));
    return out;
  }

  private async fill(zip: Zip, out: PassThrough, principal: Principal, projects: Project[], timeZone: string): Promise<void> {
    const encoder = new TextEncoder();
    const doc = new ZipDeflate(EXPORT_DOCUMENT_NAME, { level: 6 });
    zip.add(doc);
    doc.push(
      encoder.encode(
        documentHead({
          format: EXPORT_FORMAT,
          version: EXPORT_VERSION,
          exportedAt: this.deps.clock.now().toISOString(),
          account: { timeZone },
          projects: projects.map(exportedProject),
        }),
      ),
    );
    let first = true;
    for (const project of projects) {
      for await (const page of this.pages(principal, project.id)) {
        const text = page.map((t) => JSON.stringify(exportedTask(t))).join(',');
        doc.push(encoder.encode(`${first ? '' : ','}${text}`));
        first = false;
        await drained(out);
      }
    }
    doc.push(encoder.encode(DOCUMENT_TAIL), true);
    const used = new Set<string>();
    for (const project of projects) {
      const file = new ZipDeflate(icsName(project.name, used), { level: 6 });
      zip.add(file);
      file.push(encoder.encode(calendarHead(project.name)));
      for await (const page of this.pages(principal, project.id)) {
        file.push(encoder.encode(page.map((t) => `${taskToVtodoComponent(t).vtodo.toString()}\r\n`).join('')));
        await drained(out);
      }
      file.push(encoder.encode('END:VCALENDAR\r\n'), true);
    }
    zip.end();
  }

  /** The project's tasks, open and completed, subtasks included, in number order, a page at a time. */
  private async *pages(principal: Principal, projectId: string): AsyncGenerator<Task[]> {
    let cursor: string | undefined;
    do {
      const query = TaskListQuery.parse({ status: 'all', projectId, sort: 'number', limit: PAGE, ...(cursor ? { cursor } : {}) });
      const page = await this.tasks.list(principal, query);
      if (page.items.length) yield page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}

/** Waits while the client reads slower than the archive is made: what waits is one page, not the account. */
const drained = (out: PassThrough): Promise<unknown> => (out.writableNeedDrain ? once(out, 'drain') : Promise.resolve());

const exportedProject = (p: Project): ExportedProject => ({
  id: p.id,
  name: p.name,
  color: p.color,
  parentId: p.parentId,
  inbox: p.inbox,
  archived: p.archivedAt !== null,
});

function exportedTask(t: Task): ExportedTask {
  return {
    id: t.id,
    number: t.number,
    projectId: t.projectId,
    parentId: t.parentId,
    title: t.title,
    description: t.description,
    priority: t.priority,
    status: t.status,
    completedAt: t.completedAt,
    due: t.due,
    recurrence: t.recurrence ? { rule: t.recurrence.rule, repeatFrom: t.recurrence.repeatFrom } : null,
    reminders: t.reminders.map((r) =>
      r.type === 'relative' ? { type: r.type, minutesBefore: r.minutesBefore } : { type: r.type, at: r.at },
    ),
    tags: t.tags,
    seriesId: t.seriesId,
    occurrenceIndex: t.occurrenceIndex,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

/** VCALENDAR's opening lines, escaped as iCalendar wants (the name may hold any character). */
function calendarHead(name: string): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//todo-app//todo-app//EN');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('x-wr-calname', name);
  return `${calendar.toString().replace(/END:VCALENDAR\s*$/, '')}`;
}

/** A file name per project, distinct within the archive. */
function icsName(name: string, used: Set<string>): string {
  const base = name.replace(/[^\p{L}\p{N} ._-]/gu, '_').trim() || 'project';
  let file = `${base}.ics`;
  for (let n = 2; used.has(file.toLowerCase()); n++) file = `${base} ${n}.ics`;
  used.add(file.toLowerCase());
  return file;
}

/**
 * todo-app's own export document (`todo-app.json` in the export archive), version 1: the
 * account's projects with their nesting and every task with all its fields. Written a task at
 * a time by the export (export.service.ts) and read back whole by the import, which checks it
 * against this schema. docs/import-export.md describes it.
 */
import { z } from 'zod';
import { Due, Priority, RepeatFrom, ReminderInput } from '@todo/domain';
import { cleanName, importInvalid, type ImportPlan } from './plan.js';

export const EXPORT_FORMAT = 'todo-app';
export const EXPORT_VERSION = 1;
export const EXPORT_DOCUMENT_NAME = 'todo-app.json';

export const ExportedProject = z.object({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  color: z.string().nullable(),
  parentId: z.string().nullable(),
  inbox: z.boolean(),
  archived: z.boolean(),
});
export type ExportedProject = z.infer<typeof ExportedProject>;

export const ExportedTask = z.object({
  id: z.string().min(1).max(100),
  number: z.int(),
  projectId: z.string(),
  parentId: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  priority: Priority,
  status: z.enum(['open', 'completed']),
  completedAt: z.string().nullable(),
  due: Due.nullable(),
  recurrence: z.object({ rule: z.string(), repeatFrom: RepeatFrom }).nullable(),
  reminders: z.array(ReminderInput),
  tags: z.array(z.string()),
  seriesId: z.string().nullable(),
  occurrenceIndex: z.int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ExportedTask = z.infer<typeof ExportedTask>;

export const ExportDocument = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  account: z.object({ timeZone: z.string() }),
  projects: z.array(ExportedProject),
  tasks: z.array(ExportedTask),
});
export type ExportDocument = z.infer<typeof ExportDocument>;

/** The document's opening, up to where its tasks follow one by one. */
export function documentHead(head: Omit<ExportDocument, 'tasks'>): string {
  return `${JSON.stringify(head).slice(0, -1)},"tasks":[`;
}
export const DOCUMENT_TAIL = ']}\n';

export function readTodoAppDocument(text: string, name: string): ImportPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw importInvalid(name, `not JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  const parsed = ExportDocument.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw importInvalid(`${name} ${issue.path.join('.') || '(document)'}`, issue.message);
  }
  return planOf(parsed.data);
}

function planOf(doc: ExportDocument): ImportPlan {
  const plan: ImportPlan = { format: 'todo-app', projects: [], tasks: [], unmapped: [] };
  const inboxes = new Set(doc.projects.filter((p) => p.inbox).map((p) => p.id));
  const keyOf = (id: string | null) => (id === null || inboxes.has(id) ? null : `todo-app:${id}`);
  const known = new Set(doc.projects.map((p) => p.id));
  for (const project of doc.projects) {
    if (project.inbox) continue;
    plan.projects.push({
      key: keyOf(project.id)!,
      name: cleanName(project.name, 'Project'),
      parentKey: keyOf(project.parentId),
      color: project.color,
    });
  }
  const taskIds = new Set(doc.tasks.map((t) => t.id));
  doc.tasks.forEach((task, i) => {
    const where = `task ${i + 1} (#${task.number})`;
    if (!known.has(task.projectId))
      plan.unmapped.push({ where, reason: 'its project is not in the document: imported into the Inbox' });
    plan.tasks.push({
      externalId: task.id,
      projectKey: known.has(task.projectId) ? keyOf(task.projectId) : null,
      parentExternalId: task.parentId && taskIds.has(task.parentId) ? task.parentId : null,
      title: task.title,
      description: task.description,
      priority: task.priority,
      due: task.due,
      recurrence: task.recurrence,
      reminders: task.reminders,
      tags: task.tags,
      completed: task.status === 'completed',
      completedAt: task.completedAt,
      where,
    });
  });
  return plan;
}

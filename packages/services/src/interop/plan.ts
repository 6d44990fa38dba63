/**
 * What a file to import says, whatever its format: the projects it needs and the tasks to put
 * in them, each with a stable id in its source (for idempotent re-runs), plus what cannot be
 * mapped, each with where it is and why. Format readers (todoist-csv.ts, ical-file.ts,
 * todo-app-format.ts) build it; the import service checks it against the account and writes it.
 */
import { DomainError, type Due, type Priority, type RecurrenceInput, type ReminderInput } from '@todo/domain';

export const IMPORT_FORMATS = ['todo-app', 'todoist', 'ical'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface PlannedProject {
  /** Unique within the plan; tasks and sub-projects refer to it. */
  key: string;
  name: string;
  parentKey: string | null;
  color: string | null;
}

export interface PlannedTask {
  externalId: string;
  /** Null: the Inbox. */
  projectKey: string | null;
  parentExternalId: string | null;
  title: string;
  description: string;
  priority: Priority;
  due: Due | null;
  recurrence: RecurrenceInput | null;
  reminders: ReminderInput[];
  tags: string[];
  completed: boolean;
  /** When it was completed, if the file says (else: when imported). */
  completedAt: string | null;
  /** Where in the file, for reports: "row 12", "VTODO 3". */
  where: string;
}

export interface Unmapped {
  where: string;
  reason: string;
}

export interface ImportPlan {
  format: ImportFormat;
  projects: PlannedProject[];
  tasks: PlannedTask[];
  unmapped: Unmapped[];
}

/** A file that cannot be read: refused as a whole, so nothing is half imported. */
export const importInvalid = (where: string, reason: string): DomainError =>
  DomainError.field('IMPORT_INVALID', where, `${where}: ${reason}`);

/** A name as projects and tags take it: no "," or "#", at most 64 characters. */
export function cleanName(name: string, fallback: string): string {
  const cleaned = name
    .replace(/[,#]|\p{Cc}|\p{Cs}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 64)
    .trim();
  return cleaned || fallback;
}

/** Tags as tasks take them: cleaned, distinct case-insensitively, at most 20 (the rest reported). */
export function cleanTags(names: readonly string[], where: string, unmapped: Unmapped[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) {
    const tag = name.replace(/[,#]/g, '').trim().slice(0, 64);
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  const tags = [...seen.values()];
  if (tags.length > 20) unmapped.push({ where, reason: `only 20 tags per task are kept; dropped: ${tags.slice(20).join(' ')}` });
  return tags.slice(0, 20);
}

/** A title as tasks take it (1–500 characters); the rest of a longer one goes to the description. */
export function cleanTitle(title: string, description: string): { title: string; description: string } {
  const trimmed = title.trim();
  if (trimmed.length <= 500) return { title: trimmed || '(untitled)', description };
  return { title: trimmed.slice(0, 500), description: `…${trimmed.slice(500)}${description ? `\n\n${description}` : ''}` };
}

/** Projects of the plan made unique by name (the app's project names are, per owner): a clash gets its parent's name. */
export function uniqueProjectNames(projects: PlannedProject[]): void {
  const byKey = new Map(projects.map((p) => [p.key, p]));
  const used = new Set<string>();
  for (const project of projects) {
    let name = project.name;
    if (used.has(name.toLowerCase()) && project.parentKey) {
      name = cleanName(`${byKey.get(project.parentKey)?.name ?? ''} ${project.name}`, project.name);
    }
    for (let n = 2; used.has(name.toLowerCase()); n++) name = cleanName(`${project.name} ${n}`, project.name);
    used.add(name.toLowerCase());
    project.name = name;
  }
}

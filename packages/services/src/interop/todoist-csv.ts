/**
 * Todoist's CSV (a project's export or template; its backup zip holds one per project):
 * rows of TYPE (`task`, `section`, `note`, `meta`, or empty between groups), CONTENT,
 * DESCRIPTION, PRIORITY (4 = the UI's p1), INDENT (1 = top level, 2+ = sub-task), AUTHOR,
 * RESPONSIBLE, DATE (Todoist's own words, e.g. "every monday"), DATE_LANG, TIMEZONE, and on
 * newer exports DURATION, DEADLINE…. Labels are `@name` words in CONTENT. Mapping table:
 * docs/import-export.md.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import {
  firstOccurrenceOnOrAfter,
  parseDuePhrase,
  parseTaskPhrase,
  todayIn,
  type Due,
  type Priority,
  type RecurrenceInput,
} from '@todo/domain';
import { cleanName, cleanTags, cleanTitle, importInvalid, type ImportPlan, type PlannedTask, type Unmapped } from './plan.js';

/** Todoist's PRIORITY column: 4 is its most urgent (shown as p1), 1 is no priority (p4). */
const PRIORITY: Record<string, Priority> = { '4': 'urgent', '3': 'high', '2': 'medium', '1': 'none', '': 'none' };
const REQUIRED = ['TYPE', 'CONTENT'];
/** Columns read, or knowingly left (who wrote it, the language of DATE). */
const KNOWN = new Set(['TYPE', 'CONTENT', 'DESCRIPTION', 'PRIORITY', 'INDENT', 'AUTHOR', 'DATE', 'DATE_LANG', 'TIMEZONE']);

export interface TodoistFile {
  /** The project: the file's name without `.csv` (and Todoist's ` [id]` suffix). */
  name: string;
  text: string;
}

export interface PhraseContext {
  now: Date;
  timeZone: string;
  /** Dates read so far in this import, by zone and words. */
  read?: Map<string, DateRead>;
}

const LABEL = /(^|\s)@([^\s@,#]+)/g;

/** Reads the files into one plan: each file a project, each section a sub-project of it. */
export function readTodoist(files: readonly TodoistFile[], clock: PhraseContext): ImportPlan {
  const plan: ImportPlan = { format: 'todoist', projects: [], tasks: [], unmapped: [] };
  const withCache = { ...clock, read: new Map<string, DateRead>() };
  for (const file of files) readFile(file, withCache, plan);
  return plan;
}

function rowsOf(file: TodoistFile): Record<string, string>[] {
  try {
    return parse(file.text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map((h) => h.trim().toUpperCase()),
      skip_empty_lines: true,
      relax_column_count: true,
    }) as Record<string, string>[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw importInvalid(`${file.name}${line ? ` line ${line}` : ''}`, `not CSV: ${(error as Error).message.slice(0, 200)}`);
  }
}

function readFile(file: TodoistFile, clock: PhraseContext, plan: ImportPlan): void {
  const rows = rowsOf(file);
  const first = rows[0];
  const columns = first ? Object.keys(first) : [];
  if (first && REQUIRED.some((c) => !columns.includes(c))) {
    throw importInvalid(`${file.name} line 1`, `a Todoist CSV starts with the columns ${REQUIRED.join(', ')}`);
  }
  const projectName = cleanName(file.name.replace(/\.csv$/i, '').replace(/\s*\[\d+\]$/, ''), 'Todoist');
  const projectKey = `todoist:${projectName.toLowerCase()}`;
  if (!plan.projects.some((p) => p.key === projectKey))
    plan.projects.push({ key: projectKey, name: projectName, parentKey: null, color: null });
  const unused = columns.filter((c) => !KNOWN.has(c));
  let sectionKey: string | null = null;
  let section = '';
  // The open ancestors by INDENT, and how often each path was seen (a repeated title gets its own id).
  const stack: { id: string; path: string }[] = [];
  const seen = new Map<string, number>();
  let last: PlannedTask | null = null;
  rows.forEach((row, i) => {
    const where = `${file.name} row ${i + 2}`;
    const type = (row.TYPE ?? '').trim().toLowerCase();
    const content = row.CONTENT ?? '';
    if (type === '' || type === 'meta') return;
    if (type === 'section') {
      section = cleanName(content, 'Section');
      sectionKey = `${projectKey}/${section.toLowerCase()}`;
      plan.projects.push({ key: sectionKey, name: section, parentKey: projectKey, color: null });
      stack.length = 0;
      return;
    }
    if (type === 'note') {
      plan.unmapped.push({
        where,
        reason: `a comment${last ? ` on "${last.title.slice(0, 60)}"` : ''}: comments are not imported yet`,
      });
      return;
    }
    if (type !== 'task') {
      plan.unmapped.push({ where, reason: `TYPE "${type.slice(0, 20)}" is not a task, section or note` });
      return;
    }
    const indent = Number.parseInt(row.INDENT || '1', 10);
    const depth = Number.isInteger(indent) && indent >= 1 ? indent : 1;
    stack.length = Math.min(stack.length, depth - 1);
    const parent = stack.at(-1) ?? null;
    const labels = [...content.matchAll(LABEL)].map((m) => m[2]!);
    const text = content.replace(LABEL, '$1').replace(/\s+/g, ' ').trim();
    const { title, description } = cleanTitle(text, row.DESCRIPTION ?? '');
    const path = `${projectName}/${section}/${parent?.path ?? ''}/${title}`.toLowerCase();
    const n = (seen.get(path) ?? 0) + 1;
    seen.set(path, n);
    const externalId = createHash('sha256').update(`${path}#${n}`).digest('base64url');
    const task: PlannedTask = {
      externalId,
      projectKey: sectionKey ?? projectKey,
      parentExternalId: parent?.id ?? null,
      title,
      description,
      priority: PRIORITY[(row.PRIORITY ?? '').trim()] ?? 'none',
      ...dateOf(row, clock, where, plan.unmapped),
      reminders: [],
      tags: cleanTags(labels, where, plan.unmapped),
      completed: false,
      completedAt: null,
      where,
    };
    if (!((row.PRIORITY ?? '').trim() in PRIORITY)) {
      plan.unmapped.push({ where, reason: `PRIORITY "${row.PRIORITY!.slice(0, 10)}" is not 1–4: imported without one` });
    }
    if ((row.RESPONSIBLE ?? '').trim()) plan.unmapped.push({ where, reason: 'RESPONSIBLE: assignees are not imported' });
    for (const column of unused) {
      if ((row[column] ?? '').trim()) plan.unmapped.push({ where, reason: `${column} is not imported` });
    }
    if (depth > 1 && !parent)
      plan.unmapped.push({ where, reason: `INDENT ${depth} without a task above it: imported at the top` });
    plan.tasks.push(task);
    stack.push({ id: externalId, path: `${parent?.path ?? ''}/${title}`.toLowerCase() });
    last = task;
  });
}

/** DATE in Todoist's words through the app's own phrase readers: "every monday", "tomorrow 9am", "2026-12-01". */
function dateOf(
  row: Record<string, string>,
  clock: PhraseContext,
  where: string,
  unmapped: Unmapped[],
): { due: Due | null; recurrence: RecurrenceInput | null } {
  const words = (row.DATE ?? '').trim();
  if (!words) return { due: null, recurrence: null };
  const timeZone = (row.TIMEZONE ?? '').trim() || clock.timeZone;
  // The same words in the same zone read the same (a file repeats "every monday" often).
  const key = `${timeZone}\n${words}`;
  let read = clock.read?.get(key);
  if (!read) {
    read = readDate(words, timeZone, clock);
    clock.read?.set(key, read);
  }
  if (!read.understood) unmapped.push({ where, reason: `DATE "${words.slice(0, 60)}" is not understood: imported without a due date` });
  return { due: read.due, recurrence: read.recurrence };
}

type DateRead = { due: Due | null; recurrence: RecurrenceInput | null; understood: boolean };

function readDate(words: string, timeZone: string, clock: PhraseContext): DateRead {
  const phraseClock = { now: clock.now, timeZone: validZone(timeZone) ? timeZone : clock.timeZone };
  try {
    // "every!" is Todoist's repeat from completion.
    const phrase = parseTaskPhrase(`task ${words.replace(/\bevery!/i, 'every')}`, phraseClock);
    if (phrase.title.trim().toLowerCase() === 'task' && (phrase.due || phrase.recurrence)) {
      const repeatFrom: RecurrenceInput['repeatFrom'] = /\bevery!/i.test(words) ? 'completion' : 'due';
      const recurrence = phrase.recurrence ? { rule: phrase.recurrence.rule, repeatFrom } : null;
      if (phrase.due) return { due: phrase.due, recurrence, understood: true };
      // A series named without a date starts on its first date from today, as quick add does.
      const first =
        recurrence &&
        firstOccurrenceOnOrAfter(recurrence.rule, phrase.date ?? todayIn(phraseClock.timeZone, clock.now.toISOString()));
      if (recurrence && first) {
        const due: Due = phrase.time
          ? { dateTime: `${first}T${phrase.time}:00`, timeZone: phraseClock.timeZone }
          : { date: first };
        return { due, recurrence, understood: true };
      }
    }
  } catch {
    // Not a task phrase: tried as a date alone below.
  }
  try {
    return { due: parseDuePhrase(words, phraseClock, 'DATE').due, recurrence: null, understood: true };
  } catch {
    return { due: null, recurrence: null, understood: false };
  }
}

/** Zones checked so far: making a formatter per row costs more than reading the whole row. */
const zones = new Map<string, boolean>();
function validZone(zone: string): boolean {
  let valid = zones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    if (zones.size < 1000) zones.set(zone, valid);
  }
  return valid;
}

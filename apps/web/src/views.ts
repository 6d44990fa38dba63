/**
 * Views, filters and dates: which `GET /api/tasks` query a screen sends, and the time-zone
 * arithmetic the editor needs. Pure (Intl only), unit-tested.
 */
import type { Project } from '@todo/domain';
import { addCalendarDays as addDays } from '@todo/domain/browser';

export type View =
  | { kind: 'today' }
  | { kind: 'upcoming' }
  | { kind: 'overdue' }
  | { kind: 'all' }
  | { kind: 'completed' }
  | { kind: 'project'; id: string }
  | { kind: 'tag'; name: string };

export interface Filters {
  q: string;
  priorities: string[];
  tags: string[];
  projectId: string;
  dueAfter: string;
  dueBefore: string;
  sort: string;
}

export const EMPTY_FILTERS: Filters = { q: '', priorities: [], tags: [], projectId: '', dueAfter: '', dueBefore: '', sort: '' };

export const VIEW_TITLES: Record<View['kind'], string> = {
  today: 'Today',
  upcoming: 'Upcoming',
  overdue: 'Overdue',
  all: 'All tasks',
  completed: 'Completed',
  project: 'Project',
  tag: 'Tag',
};

/** A view's heading; `projects` maps id → name (an unknown id, e.g. still loading, says "Project"). */
export function viewTitle(view: View, projects: ReadonlyMap<string, string>): string {
  if (view.kind === 'project') return projects.get(view.id) ?? 'Project';
  if (view.kind === 'tag') return `#${view.name}`;
  return VIEW_TITLES[view.kind];
}

/** The query string of a view with its filters; `today` is the user's local date. */
export function taskQuery(view: View, filters: Filters, today: string, limit = 100): URLSearchParams {
  const p = new URLSearchParams();
  switch (view.kind) {
    case 'today':
      p.set('dueBefore', addDays(today, 1));
      break;
    case 'upcoming':
      p.set('dueAfter', addDays(today, 1));
      break;
    case 'overdue':
      p.set('overdue', 'true');
      break;
    case 'all':
      break;
    case 'completed':
      p.set('status', 'completed');
      p.set('sort', '-updated');
      break;
    case 'project':
      p.set('projectId', view.id);
      break;
    case 'tag':
      p.set('tags', view.name);
      break;
  }
  if (filters.q.trim()) p.set('q', filters.q.trim());
  if (filters.priorities.length) p.set('priority', filters.priorities.join(','));
  const tags = [
    ...(view.kind === 'tag' ? [view.name] : []),
    ...filters.tags.filter((t) => !(view.kind === 'tag' && t === view.name)),
  ];
  if (tags.length) {
    p.set('tags', tags.join(','));
    if (tags.length > 1) p.set('tagMode', 'all');
  }
  if (filters.projectId && view.kind !== 'project') p.set('projectId', filters.projectId);
  if (filters.dueAfter) p.set('dueAfter', filters.dueAfter);
  if (filters.dueBefore) p.set('dueBefore', addDays(filters.dueBefore, 1)); // inclusive in the UI
  if (filters.sort) p.set('sort', filters.sort);
  p.set('limit', String(limit));
  return p;
}

/** Path ↔ view, for client-side routing. */
export function viewPath(view: View): string {
  if (view.kind === 'project') return `/project/${encodeURIComponent(view.id)}`;
  if (view.kind === 'tag') return `/tag/${encodeURIComponent(view.name)}`;
  return view.kind === 'today' ? '/' : `/${view.kind}`;
}

export function viewFromPath(path: string): View | null {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { kind: 'today' };
  const [head, arg] = parts as [string, string | undefined];
  if (parts.length === 1 && (['today', 'upcoming', 'overdue', 'all', 'completed'] as const).includes(head as 'today')) {
    return { kind: head as 'today' | 'upcoming' | 'overdue' | 'all' | 'completed' };
  }
  // `/category/…`: links from before categories became projects (same ids).
  if ((head === 'project' || head === 'category') && arg) return { kind: 'project', id: decodeURIComponent(arg) };
  if (head === 'tag' && arg) return { kind: 'tag', name: decodeURIComponent(arg) };
  return null;
}

/** Today's date (YYYY-MM-DD) in an IANA zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return localParts(now, timeZone).slice(0, 10);
}

/** The wall time "YYYY-MM-DDTHH:mm:ss" of an instant in a zone. */
export function localParts(instant: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const get = (type: string) => f.formatToParts(instant).find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}

/**
 * The instant of a wall time in a zone (ISO, UTC). A wall time skipped by a DST gap resolves
 * forward, as clocks do.
 */
export function zonedToInstant(local: string, timeZone: string): string {
  const wall = Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const seen = Date.parse(`${localParts(new Date(guess), timeZone)}Z`);
    const diff = wall - seen;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

const dayNames = new Intl.DateTimeFormat('en', { weekday: 'short', timeZone: 'UTC' });
const monthDayFmt = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "Today", "Tomorrow", "Yesterday", "Fri", or "Dec 1" (+ year if not this year). */
export function friendlyDate(date: string, today: string): string {
  if (date === today) return 'Today';
  if (date === addDays(today, 1)) return 'Tomorrow';
  if (date === addDays(today, -1)) return 'Yesterday';
  const d = new Date(`${date}T00:00:00Z`);
  if (date > today && date < addDays(today, 7)) return dayNames.format(d);
  const md = monthDayFmt.format(d);
  return date.slice(0, 4) === today.slice(0, 4) ? md : `${md}, ${date.slice(0, 4)}`;
}

export interface DueLike {
  date?: string;
  dateTime?: string;
  timeZone?: string | null;
}

/** A task's due as people say it: "Tomorrow 09:00", "Dec 1", "Fri 14:30 (Asia/Tokyo)". */
export function formatDue(due: DueLike | null, today: string, userZone: string): string {
  if (!due) return '';
  if (due.date) return friendlyDate(due.date, today);
  if (!due.dateTime) return '';
  const text = `${friendlyDate(due.dateTime.slice(0, 10), today)} ${due.dateTime.slice(11, 16)}`;
  return due.timeZone && due.timeZone !== userZone ? `${text} (${due.timeZone})` : text;
}

/** Is this due (by its derived instant, or date) before now / today? */
export function isOverdue(dueAt: string | null, due: DueLike | null, today: string, now: Date = new Date()): boolean {
  if (!due) return false;
  if (due.date) return due.date < today;
  return dueAt !== null && Date.parse(dueAt) < now.getTime();
}

/** Projects as the sidebar shows them: each under its parent, indented; archived ones (and what is under them) left out. */
export function projectTree(projects: readonly Project[]): { project: Project; depth: number }[] {
  const shown = projects.filter((p) => !p.archivedAt);
  const ids = new Set(projects.map((p) => p.id));
  const out: { project: Project; depth: number }[] = [];
  const visit = (parentId: string | null, depth: number) => {
    for (const p of shown) {
      const parent = p.parentId !== null && ids.has(p.parentId) ? p.parentId : null;
      if (parent !== parentId) continue;
      out.push({ project: p, depth });
      if (depth < 3) visit(p.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

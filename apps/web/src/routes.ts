/**
 * Client-side routes: address → screen. Unknown paths fall back to Today. The filters and the
 * search of a task view are its query string, and a task's editor is `?task=<id or number>` on
 * the view behind it, so a link opens all of them and back/forward step through them. Pure,
 * unit-tested.
 */
import { EMPTY_FILTERS, viewFromPath, viewPath, type Filters, type View } from './views.js';

export type Route =
  | { page: 'login' }
  | { page: 'signup' }
  | { page: 'settings' }
  | { page: 'tasks'; view: View; filters: Filters; taskId?: string };

const list = (value: string | null): string[] => (value ? value.split(',').filter(Boolean) : []);

/** The filters a query string names; anything else in it is ignored. */
export function filtersFromSearch(search: string): Filters {
  const p = new URLSearchParams(search);
  return {
    q: p.get('q') ?? '',
    priorities: list(p.get('priority')),
    tags: list(p.get('tags')),
    projectId: p.get('projectId') ?? '',
    dueAfter: p.get('dueAfter') ?? '',
    dueBefore: p.get('dueBefore') ?? '',
    sort: p.get('sort') ?? '',
  };
}

/** The address of a view with its filters and, if open, a task's editor: only what is set is in it. */
export function tasksPath(view: View, filters: Filters = EMPTY_FILTERS, taskId?: string | null): string {
  const p = new URLSearchParams();
  if (filters.q) p.set('q', filters.q);
  if (filters.priorities.length) p.set('priority', filters.priorities.join(','));
  if (filters.tags.length) p.set('tags', filters.tags.join(','));
  if (filters.projectId) p.set('projectId', filters.projectId);
  if (filters.dueAfter) p.set('dueAfter', filters.dueAfter);
  if (filters.dueBefore) p.set('dueBefore', filters.dueBefore);
  if (filters.sort) p.set('sort', filters.sort);
  if (taskId) p.set('task', taskId);
  const query = p.toString();
  return query ? `${viewPath(view)}?${query}` : viewPath(view);
}

/** `path` may carry a query string ("/all?task=…"). */
export function routeFromPath(path: string): Route {
  const [pathname = '/', search = ''] = path.split('?', 2);
  if (pathname === '/login') return { page: 'login' };
  if (pathname === '/signup') return { page: 'signup' };
  if (pathname === '/settings') return { page: 'settings' };
  const taskId = new URLSearchParams(search).get('task');
  return {
    page: 'tasks',
    view: viewFromPath(pathname) ?? { kind: 'today' },
    filters: filtersFromSearch(search),
    ...(taskId ? { taskId } : {}),
  };
}

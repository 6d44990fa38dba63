/**
 * Client-side routes: address → screen. Unknown paths fall back to Today. A task's editor is
 * `?task=<id>` on the view behind it, so a link to it opens both. Pure, unit-tested.
 */
import { viewFromPath, type View } from './views.js';

export type Route =
  { page: 'login' } | { page: 'signup' } | { page: 'settings' } | { page: 'tasks'; view: View; taskId?: string };

/** `path` may carry a query string ("/all?task=…"). */
export function routeFromPath(path: string): Route {
  const [pathname = '/', search = ''] = path.split('?', 2);
  if (pathname === '/login') return { page: 'login' };
  if (pathname === '/signup') return { page: 'signup' };
  if (pathname === '/settings') return { page: 'settings' };
  const taskId = new URLSearchParams(search).get('task');
  return { page: 'tasks', view: viewFromPath(pathname) ?? { kind: 'today' }, ...(taskId ? { taskId } : {}) };
}

/** Client-side routes: path → screen. Unknown paths fall back to Today. Pure, unit-tested. */
import { viewFromPath, type View } from './views.js';

export type Route = { page: 'login' } | { page: 'signup' } | { page: 'settings' } | { page: 'tasks'; view: View };

export function routeFromPath(path: string): Route {
  if (path === '/login') return { page: 'login' };
  if (path === '/signup') return { page: 'signup' };
  if (path === '/settings') return { page: 'settings' };
  return { page: 'tasks', view: viewFromPath(path) ?? { kind: 'today' } };
}

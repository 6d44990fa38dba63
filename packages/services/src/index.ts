/**
 * @module @todo/services — the application's use cases, shared by REST, MCP, chat and the CLI.
 * @example
 *   const services = createServices({ store, clock: systemClock, ids: uuidV7Ids, eventSource: 'todo-app/api' }, { jwtSecret });
 *   await services.tasks.create({ principal }, TaskCreate.parse({ title: 'Pay rent' }));
 */
import { AuthService, type AuthOptions } from './auth.service.js';
import type { ServiceDeps } from './deps.js';
import { LabelService } from './label.service.js';
import { ProfileService } from './profile.service.js';
import { TaskService } from './task.service.js';
import { TokenService } from './token.service.js';

export { AuthService, type AuthOptions, type Session } from './auth.service.js';
export { TaskService } from './task.service.js';
export { LabelService, type LabelKind } from './label.service.js';
export { ProfileService } from './profile.service.js';
export { TokenService } from './token.service.js';
export { uuidV7Ids, type ServiceDeps, type Principal, type CallContext } from './deps.js';
export { parseTaskRef } from './task-fields.js';
export { hashPassword, verifyPassword } from './security/password.js';

export interface Services {
  auth: AuthService;
  tokens: TokenService;
  profile: ProfileService;
  tasks: TaskService;
  categories: LabelService;
  tags: LabelService;
}

export function createServices(deps: ServiceDeps, auth: AuthOptions): Services {
  const authService = new AuthService(deps, auth);
  return {
    auth: authService,
    tokens: new TokenService(deps, authService),
    profile: new ProfileService(deps),
    tasks: new TaskService(deps),
    categories: new LabelService(deps, 'categories'),
    tags: new LabelService(deps, 'tags'),
  };
}

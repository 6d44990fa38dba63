/**
 * The REST client. The session lives in the HttpOnly `todo_session` cookie set by sign-up and
 * log-in, so requests only need `credentials: 'same-origin'`; the browser sends the Origin
 * header the API checks on unsafe methods. Errors are problem+json (`code`, `detail`, `errors[]`).
 */

import type {
  ApiToken,
  Label,
  Notification,
  Priority,
  PushDevice,
  PushSubscriptionCreate,
  Project,
  Reminder,
  ReminderInput,
  Task,
  TaskPatch,
  User,
} from '@todo/domain';

// The wire types are the domain's (type-only imports: nothing of the server reaches the bundle).
export type { ApiToken, Due, Label, Notification, Priority, Project, PushDevice, Reminder, ReminderInput, Task, User } from '@todo/domain';
export type TaskInput = TaskPatch;
export const PRIORITIES: readonly Priority[] = ['none', 'low', 'medium', 'high', 'urgent'];

export interface Preview {
  rule: string;
  text: string;
  timeZone: string;
  occurrences: string[];
}

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldError[],
    /** A 412 (PRECONDITION_FAILED): the task as it is now and its version, to resolve against. */
    readonly current?: Versioned,
  ) {
    super(detail || code || `HTTP ${status}`);
  }

  /** The message for a form field (matching `field` or any `field.sub` path). */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`))
      ?.message;
  }
}

let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** A task with its version (the ETag), which a conditional write sends back as If-Match. */
export interface Versioned {
  task: Task;
  etag: string;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: { code?: string; detail?: string; title?: string; errors?: FieldError[]; current?: Task } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(
    res.status,
    body.code ?? `HTTP_${res.status}`,
    body.detail ?? body.title ?? res.statusText,
    body.errors ?? [],
    body.current && res.headers.get('etag') ? { task: body.current, etag: res.headers.get('etag')! } : undefined,
  );
}

interface SendOptions {
  quiet401?: boolean;
  headers?: Record<string, string>;
  /** Outlives the page (a save as the tab closes). */
  keepalive?: boolean;
}

async function send(method: string, path: string, body: unknown, opts: SendOptions): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      ...(opts.keepalive ? { keepalive: true } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached. Check your connection and try again.', []);
  }
  if (res.status === 401 && !opts.quiet401) onUnauthorized();
  if (!res.ok) throw await toApiError(res);
  return res;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: SendOptions = {}): Promise<T> {
  const res = await send(method, path, body, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function versioned(method: string, path: string, body?: unknown, opts: SendOptions = {}): Promise<Versioned> {
  const res = await send(method, path, body, opts);
  return { task: (await res.json()) as Task, etag: res.headers.get('etag') ?? '' };
}

export const api = {
  me: () => request<User>('GET', '/api/me', undefined, { quiet401: true }),
  /** With mail, a new email waits for the link sent to it: the answer then carries the profile as it still is. */
  updateMe: (patch: Partial<Pick<User, 'email' | 'name' | 'timeZone' | 'reminderHour'>> & { currentPassword?: string }) =>
    request<User | { status: 'confirmation-sent'; user: User }>('PATCH', '/api/me', patch),
  /** Signed in at once (the first account of a server without mail), or a confirmation link is on its way. */
  signUp: (body: { email: string; password: string; name?: string; timeZone?: string }) =>
    request<{ user: User } | { status: 'confirmation-sent' }>('POST', '/api/auth/signup', body, { quiet401: true }),
  logIn: (body: { email: string; password: string }) =>
    request<{ user: User }>('POST', '/api/auth/login', body, { quiet401: true }),
  logOut: () => request<void>('POST', '/api/auth/logout', undefined, { quiet401: true }),
  tasks: (query: URLSearchParams) =>
    request<{ items: Task[]; nextCursor: string | null }>('GET', `/api/tasks?${query.toString()}`),
  task: (id: string) => request<Task>('GET', `/api/tasks/${encodeURIComponent(id)}`),
  createTask: (body: TaskInput) => request<Task>('POST', '/api/tasks', body),
  updateTask: (id: string, patch: TaskInput) => request<Task>('PATCH', `/api/tasks/${encodeURIComponent(id)}`, patch),
  /** A task with its version, for `updateTaskIf`. */
  versionedTask: (id: string) => versioned('GET', `/api/tasks/${encodeURIComponent(id)}`),
  /** Writes only if the task is still the version `etag` names; else an ApiError 412 with `current`. */
  updateTaskIf: (id: string, patch: TaskInput, etag: string, opts: { keepalive?: boolean } = {}) =>
    versioned('PATCH', `/api/tasks/${encodeURIComponent(id)}`, patch, { ...opts, headers: { 'if-match': etag } }),
  deleteTask: (id: string) => request<void>('DELETE', `/api/tasks/${encodeURIComponent(id)}`),
  complete: (id: string) => request<Task>('POST', `/api/tasks/${encodeURIComponent(id)}/complete`),
  /** Undoes a completion; `nextOccurrence` says whether the next occurrence it made went too (kept when changed since). */
  reopen: (id: string) =>
    request<Task & { nextOccurrence?: { id: string; number: number; removed: boolean } | null }>(
      'POST',
      `/api/tasks/${encodeURIComponent(id)}/reopen`,
    ),
  /** Undoes a delete (within the hour): the task is back with its subtasks. */
  restore: (id: string) => request<Task>('POST', `/api/tasks/${encodeURIComponent(id)}/restore`),
  projects: () => request<{ items: Project[] }>('GET', '/api/projects'),
  createProject: (name: string) => request<Project>('POST', '/api/projects', { name }),
  tags: () => request<{ items: Label[] }>('GET', '/api/tags'),
  preview: (params: URLSearchParams) => request<Preview>('GET', `/api/recurrence/preview?${params.toString()}`),
  notifications: () => request<{ items: Notification[]; unread: number }>('GET', '/api/notifications?limit=50'),
  markRead: (id: string) => request<Notification>('POST', `/api/notifications/${encodeURIComponent(id)}/read`),
  /** Whether the assistant can answer; a server without the chat routes cannot (404 → false). */
  chatStatus: () =>
    request<{ available: boolean }>('GET', '/api/chat/status').then(
      (r) => r.available,
      () => false,
    ),
  tokens: () => request<{ items: ApiToken[] }>('GET', '/api/tokens'),
  createToken: (body: { name: string; scopes: ('read' | 'write')[]; expiresAt: string | null }) =>
    request<{ token: ApiToken; secret: string }>('POST', '/api/tokens', body),
  revokeToken: (id: string) => request<void>('DELETE', `/api/tokens/${encodeURIComponent(id)}`),
  pushKey: () => request<{ publicKey: string }>('GET', '/api/push/key'),
  pushDevices: () => request<{ items: PushDevice[] }>('GET', '/api/push/subscriptions'),
  addPushDevice: (subscription: PushSubscriptionCreate) => request<PushDevice>('POST', '/api/push/subscriptions', subscription),
  removePushDevice: (id: string) => request<void>('DELETE', `/api/push/subscriptions/${encodeURIComponent(id)}`),
};

/** A reminder as the API accepts it back (ids and snooze state are server-side). */
export function reminderInput(r: Reminder): ReminderInput {
  return r.type === 'relative' ? { type: 'relative', minutesBefore: r.minutesBefore } : { type: 'absolute', at: r.at };
}

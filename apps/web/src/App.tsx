/**
 * The shell: session, client-side routing, the task list with its data, live updates over
 * SSE, keyboard shortcuts, and the side panels (editor, notifications, assistant).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  api,
  ApiError,
  reminderInput,
  setUnauthorizedHandler,
  type Label,
  type Notification,
  type Task,
  type TaskInput,
  type User,
} from './api.js';
import { AuthScreen } from './Auth.js';
import { ChatPanel } from './Chat.js';
import { NotificationsPanel } from './Notifications.js';
import { addDays, parseQuickAdd } from './quickadd.js';
import { Settings } from './Settings.js';
import { TaskEditor } from './TaskEditor.js';
import { FilterBar, QuickAdd, TaskRow } from './TaskList.js';
import { EmptyState, ErrorState, Icon, Spinner } from './ui.js';
import { EMPTY_FILTERS, taskQuery, todayIn, viewFromPath, viewPath, VIEW_TITLES, type Filters, type View } from './views.js';

type Route = { page: 'login' } | { page: 'signup' } | { page: 'settings' } | { page: 'tasks'; view: View };

function routeFromPath(path: string): Route {
  if (path === '/login') return { page: 'login' };
  if (path === '/signup') return { page: 'signup' };
  if (path === '/settings') return { page: 'settings' };
  return { page: 'tasks', view: viewFromPath(path) ?? { kind: 'today' } };
}

const MAX_AUTO_ITEMS = 500;
const PAGE = 200;
const TASK_EVENTS = [
  'todo.task.created.v1',
  'todo.task.updated.v1',
  'todo.task.completed.v1',
  'todo.task.reopened.v1',
  'todo.task.deleted.v1',
];

interface Toast {
  id: number;
  text: string;
}
let toastId = 0;

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [route, setRoute] = useState<Route>(() => routeFromPath(location.pathname));

  const navigate = useCallback((path: string) => {
    if (path !== location.pathname) history.pushState(null, '', path);
    setRoute(routeFromPath(path));
  }, []);

  useEffect(() => {
    const onPop = () => setRoute(routeFromPath(location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    api
      .me()
      .then(setUser)
      .catch(() => setUser(null));
  }, []);

  if (user === undefined) {
    return (
      <main id="main" className="boot">
        <Spinner label="Loading todo-app" />
      </main>
    );
  }
  if (user === null) {
    return (
      <AuthScreen
        mode={route.page === 'signup' ? 'signup' : 'login'}
        navigate={navigate}
        onDone={(u) => {
          setUser(u);
          navigate('/');
        }}
      />
    );
  }
  return (
    <Shell
      user={user}
      route={route.page === 'login' || route.page === 'signup' ? { page: 'tasks', view: { kind: 'today' } } : route}
      navigate={navigate}
      onUser={setUser}
      onLoggedOut={() => {
        setUser(null);
        navigate('/login');
      }}
    />
  );
}

function Shell({
  user,
  route,
  navigate,
  onUser,
  onLoggedOut,
}: {
  user: User;
  route: Route;
  navigate: (path: string) => void;
  onUser: (u: User) => void;
  onLoggedOut: () => void;
}) {
  const view: View = route.page === 'tasks' ? route.view : { kind: 'today' };
  const [today, setToday] = useState(() => todayIn(user.timeZone));
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [searchText, setSearchText] = useState('');
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [categories, setCategories] = useState<Label[]>([]);
  const [tags, setTags] = useState<Label[]>([]);
  const [editing, setEditing] = useState<Task | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [panel, setPanel] = useState<'none' | 'notifications' | 'chat'>('none');
  const [navOpen, setNavOpen] = useState(false);
  const [notifications, setNotifications] = useState<Notification[] | null>(null);
  const [notifError, setNotifError] = useState<unknown>(null);
  const [unread, setUnread] = useState(0);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [live, setLive] = useState(false);
  const quickAddRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const toast = useCallback((text: string) => {
    const id = ++toastId;
    setToasts((ts) => [...ts.slice(-3), { id, text }]);
    setTimeout(() => setToasts((ts) => ts.filter((t) => t.id !== id)), 6000);
  }, []);

  const reload = useCallback(() => {
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => setReloadKey((k) => k + 1), 120);
  }, []);

  // Keep "today" right across midnight and zone changes.
  useEffect(() => {
    setToday(todayIn(user.timeZone));
    const timer = setInterval(() => setToday(todayIn(user.timeZone)), 60_000);
    return () => clearInterval(timer);
  }, [user.timeZone]);

  // Search as you type (debounced).
  useEffect(() => {
    const timer = setTimeout(() => setFilters((f) => (f.q === searchText ? f : { ...f, q: searchText })), 200);
    return () => clearTimeout(timer);
  }, [searchText]);

  const loadLabels = useCallback(() => {
    api
      .categories()
      .then((r) => setCategories(r.items))
      .catch(() => {});
    api
      .tags()
      .then((r) => setTags(r.items))
      .catch(() => {});
  }, []);
  useEffect(loadLabels, [loadLabels]);

  const loadNotifications = useCallback(() => {
    setNotifError(null);
    api
      .notifications()
      .then((r) => {
        setNotifications(r.items);
        setUnread(r.unread);
      })
      .catch(setNotifError);
  }, []);
  useEffect(loadNotifications, [loadNotifications]);

  // The list: the first pages (up to 500 tasks), re-fetched when the view, filters or data change.
  const query = useMemo(() => taskQuery(view, filters, today, PAGE), [view, filters, today]);
  const queryKey = query.toString();
  useEffect(() => {
    if (route.page !== 'tasks') return;
    let cancelled = false;
    setListError(null);
    (async () => {
      let items: Task[] = [];
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams(queryKey);
        if (cursor) q.set('cursor', cursor);
        const page = await api.tasks(q);
        if (cancelled) return;
        items = [...items, ...page.items];
        cursor = page.nextCursor;
        setTasks(items);
        setNextCursor(cursor);
      } while (cursor && items.length < MAX_AUTO_ITEMS);
    })().catch((e: unknown) => {
      if (!cancelled) setListError(e);
    });
    return () => {
      cancelled = true;
    };
  }, [queryKey, reloadKey, route.page]);

  // Reset to a loading state when the view changes (not on background refreshes).
  useEffect(() => {
    setTasks(null);
    setSelectedId(null);
    setNavOpen(false);
    setEditing(null);
  }, [route.page, view.kind, 'id' in view ? view.id : '', 'name' in view ? view.name : '']);

  async function loadMore() {
    if (!nextCursor) return;
    const q = new URLSearchParams(queryKey);
    q.set('cursor', nextCursor);
    try {
      const page = await api.tasks(q);
      setTasks((ts) => [...(ts ?? []), ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not load more tasks');
    }
  }

  // Live updates: a change made elsewhere (another tab, MCP, the assistant) shows up here.
  useEffect(() => {
    const source = new EventSource('/api/events/stream');
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    for (const type of TASK_EVENTS) source.addEventListener(type, () => reload());
    source.addEventListener('todo.notification.created.v1', (event) => {
      try {
        const { notification } = JSON.parse((event as MessageEvent<string>).data) as { notification: Notification };
        setNotifications((ns) => (ns?.some((n) => n.id === notification.id) ? ns : [notification, ...(ns ?? [])]));
        setUnread((n) => n + 1);
        toast(`⏰ Reminder: ${notification.title}`);
      } catch {
        loadNotifications();
      }
    });
    return () => source.close();
  }, [reload, toast, loadNotifications]);

  const categoryNames = useMemo(() => new Map(categories.map((c) => [c.id, c.name])), [categories]);

  async function resolveCategory(name: string): Promise<string> {
    const existing = categories.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (existing) return existing.id;
    const created = await api.createCategory(name);
    setCategories((cs) => [...cs, created]);
    return created.id;
  }

  async function quickAdd(text: string): Promise<boolean> {
    const parsed = parseQuickAdd(text, today);
    if (!parsed.title) {
      toast('Give the task a title.');
      return false;
    }
    const tempId = `tmp-${Date.now()}`;
    try {
      let date = parsed.date;
      if (parsed.recurrence && !date) {
        // A series starts at its first occurrence from today; the API normalises the phrase.
        // The anchor is always the first instance, so anchor on yesterday and take the next.
        const p = await api.preview(new URLSearchParams({ rule: parsed.recurrence, count: '2', start: addDays(today, -1) }));
        date = p.occurrences[1]?.slice(0, 10) ?? today;
      }
      if (parsed.time && !date) date = today;
      const body: TaskInput = {
        title: parsed.title,
        ...(parsed.priority ? { priority: parsed.priority } : {}),
        ...(date ? { due: parsed.time ? { dateTime: `${date}T${parsed.time}`, timeZone: null } : { date } } : {}),
        ...(parsed.recurrence ? { recurrence: { rule: parsed.recurrence, repeatFrom: 'due' } } : {}),
        ...(parsed.tags.length ? { tags: parsed.tags } : {}),
        ...(parsed.remindersMinutesBefore.length
          ? { reminders: parsed.remindersMinutesBefore.map((m) => ({ type: 'relative' as const, minutesBefore: m })) }
          : {}),
        ...(parsed.category ? { categoryId: await resolveCategory(parsed.category) } : {}),
      };
      // Optimistic: the row appears at once, greyed until the server answers.
      const now = new Date().toISOString();
      const optimistic: Task = {
        id: tempId,
        number: 0,
        title: parsed.title,
        description: '',
        priority: parsed.priority ?? 'none',
        status: 'open',
        completedAt: null,
        due: body.due ?? null,
        dueAt: null,
        recurrence: parsed.recurrence ? { rule: '', repeatFrom: 'due', text: parsed.recurrence } : null,
        reminders: [],
        categoryId: body.categoryId ?? null,
        tags: parsed.tags,
        parentId: null,
        seriesId: null,
        occurrenceIndex: null,
        createdAt: now,
        updatedAt: now,
      };
      setTasks((ts) => [optimistic, ...(ts ?? [])]);
      const created = await api.createTask(body);
      setTasks((ts) => ts?.map((t) => (t.id === tempId ? created : t)) ?? [created]);
      toast(`Added #${created.number} ${created.title}${created.recurrence ? ` (${created.recurrence.text})` : ''}`);
      if (parsed.tags.length) loadLabels();
      reload();
      return true;
    } catch (e) {
      setTasks((ts) => ts?.filter((t) => t.id !== tempId) ?? null);
      toast(
        e instanceof ApiError
          ? `Could not add the task: ${e.errors.map((x) => `${x.field} ${x.message}`).join('; ') || e.detail}`
          : 'Could not add the task',
      );
      return false;
    }
  }

  const toggle = useCallback(
    async (task: Task) => {
      const completing = task.status === 'open';
      const before = tasks;
      // Optimistic: the row flips (and leaves open-task views) at once; rolled back on failure.
      setTasks((ts) =>
        view.kind === 'completed' || !completing
          ? (ts?.map((t) => (t.id === task.id ? { ...t, status: completing ? 'completed' : 'open' } : t)) ?? null)
          : (ts?.filter((t) => t.id !== task.id) ?? null),
      );
      try {
        const updated = await (completing ? api.complete(task.id) : api.reopen(task.id));
        toast(
          completing
            ? `Completed “${updated.title}”${updated.recurrence ? ' — next occurrence scheduled' : ''}`
            : `Reopened “${updated.title}”`,
        );
      } catch (e) {
        setTasks(before);
        toast(e instanceof Error ? e.message : 'Could not update the task');
      }
      reload();
    },
    [tasks, view.kind, reload, toast],
  );

  async function saveEdited(task: Task) {
    setTasks((ts) => ts?.map((t) => (t.id === task.id ? task : t)) ?? null);
    setEditing(null);
    toast(`Saved “${task.title}”`);
    loadLabels();
    reload();
  }

  async function deleteTask(task: Task) {
    if (!window.confirm(`Delete “${task.title}” and its subtasks?`)) return;
    const before = tasks;
    setTasks((ts) => ts?.filter((t) => t.id !== task.id) ?? null);
    setEditing(null);
    try {
      await api.deleteTask(task.id);
      toast(`Deleted “${task.title}”`);
    } catch (e) {
      setTasks(before);
      toast(e instanceof Error ? e.message : 'Could not delete the task');
    }
  }

  async function markRead(n: Notification) {
    setNotifications((ns) => ns?.map((x) => (x.id === n.id ? { ...x, readAt: new Date().toISOString() } : x)) ?? null);
    if (!n.readAt) setUnread((u) => Math.max(0, u - 1));
    try {
      await api.markRead(n.id);
    } catch {
      loadNotifications();
    }
  }

  async function snooze(n: Notification) {
    if (!n.taskId) return;
    try {
      const task = await api.task(n.taskId);
      const at = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      // Absolute reminders already past have fired: re-sending them would re-arm them.
      const kept = task.reminders.filter((r) => r.type === 'relative' || Date.parse(r.at) > Date.now()).map(reminderInput);
      await api.updateTask(task.id, { reminders: [...kept, { type: 'absolute', at }] });
      await markRead(n);
      toast(`Snoozed “${n.title}” for 1 hour`);
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not snooze');
    }
  }

  async function done(n: Notification) {
    if (!n.taskId) return;
    try {
      await api.complete(n.taskId);
      await markRead(n);
      toast(`Completed “${n.title}”`);
      reload();
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not complete the task');
    }
  }

  async function openTask(id: string) {
    try {
      setEditing(await api.task(id));
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not open the task');
    }
  }

  async function logOut() {
    try {
      await api.logOut();
    } finally {
      onLoggedOut();
    }
  }

  // Keyboard shortcuts: n new, / search, x complete, j/k move, Escape closes panels.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      if (e.key === 'Escape' && typing && target === searchRef.current) {
        setSearchText('');
        return;
      }
      if (typing && !(target instanceof HTMLInputElement && target.type === 'checkbox')) return;
      if (e.key === 'Escape' && navOpen) {
        setNavOpen(false);
        return;
      }
      if (e.key === 'Escape' && panel !== 'none') {
        setPanel('none');
        return;
      }
      if (route.page !== 'tasks') return;
      if (e.key === 'n') {
        e.preventDefault();
        quickAddRef.current?.focus();
      } else if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
      } else if ((e.key === 'j' || e.key === 'k') && tasks?.length) {
        e.preventDefault();
        const index = tasks.findIndex((t) => t.id === selectedId);
        const next = tasks[Math.min(tasks.length - 1, Math.max(0, index < 0 ? 0 : index + (e.key === 'j' ? 1 : -1)))]!;
        setSelectedId(next.id);
        document.querySelector<HTMLElement>(`[data-task-id="${next.id}"] .task-title`)?.focus();
      } else if (e.key === 'x') {
        const task = tasks?.find((t) => t.id === selectedId);
        if (task) {
          e.preventDefault();
          void toggle(task);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route.page, tasks, selectedId, toggle, panel, navOpen]);

  const viewTitle =
    view.kind === 'category'
      ? (categoryNames.get(view.id) ?? 'Category')
      : view.kind === 'tag'
        ? `#${view.name}`
        : VIEW_TITLES[view.kind];
  const navLink = (v: View, text: string) => {
    const path = viewPath(v);
    const current = route.page === 'tasks' && viewPath(view) === path;
    return (
      <li key={path}>
        <a
          href={path}
          aria-current={current ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            setNavOpen(false);
            navigate(path);
          }}
        >
          {text}
        </a>
      </li>
    );
  };

  return (
    <div className={`app ${editing || panel !== 'none' ? 'with-panel' : ''}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="icon-button menu-button"
          aria-label="Menu"
          aria-expanded={navOpen}
          aria-controls="sidebar"
          onClick={() => setNavOpen((o) => !o)}
        >
          <Icon name="menu" />
        </button>
        <a
          className="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          <span aria-hidden="true">✓</span> todo-app
        </a>
        <div className="search" role="search">
          <Icon name="search" />
          <label htmlFor="search" className="sr-only">
            Search tasks
          </label>
          <input
            id="search"
            ref={searchRef}
            type="search"
            placeholder="Search  ( / )"
            value={searchText}
            onChange={(e) => {
              setSearchText(e.target.value);
              if (route.page !== 'tasks') navigate('/all');
            }}
            autoComplete="off"
          />
        </div>
        <span className={`live ${live ? 'on' : ''}`} title={live ? 'Live updates on' : 'Live updates reconnecting'}>
          <span className="sr-only">{live ? 'Live updates on' : 'Live updates reconnecting'}</span>
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label={`Notifications${unread ? `, ${unread} unread` : ''}`}
          aria-expanded={panel === 'notifications'}
          onClick={() => {
            setPanel((p) => (p === 'notifications' ? 'none' : 'notifications'));
            setEditing(null);
            loadNotifications();
          }}
        >
          <Icon name="bell" />
          {unread > 0 && (
            <span className="badge" aria-hidden="true">
              {unread}
            </span>
          )}
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Assistant"
          aria-expanded={panel === 'chat'}
          onClick={() => {
            setPanel((p) => (p === 'chat' ? 'none' : 'chat'));
            setEditing(null);
          }}
        >
          <Icon name="chat" />
        </button>
        <a
          className="icon-button"
          href="/settings"
          aria-label="Settings"
          aria-current={route.page === 'settings' ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            navigate('/settings');
          }}
        >
          <Icon name="gear" />
        </a>
        <button type="button" className="icon-button" aria-label="Log out" onClick={() => void logOut()}>
          <Icon name="logout" />
        </button>
      </header>

      {navOpen && <div className="backdrop" aria-hidden="true" onClick={() => setNavOpen(false)} />}
      <nav id="sidebar" className={`sidebar ${navOpen ? 'open' : ''}`} aria-label="Views">
        <ul>
          {navLink({ kind: 'today' }, 'Today')}
          {navLink({ kind: 'upcoming' }, 'Upcoming')}
          {navLink({ kind: 'overdue' }, 'Overdue')}
          {navLink({ kind: 'all' }, 'All tasks')}
          {navLink({ kind: 'completed' }, 'Completed')}
        </ul>
        <h2 className="nav-heading">Categories</h2>
        {categories.length === 0 ? (
          <p className="muted small nav-empty">None yet — add “@work” in quick add.</p>
        ) : (
          <ul>{categories.map((c) => navLink({ kind: 'category', id: c.id }, c.name))}</ul>
        )}
        <h2 className="nav-heading">Tags</h2>
        {tags.length === 0 ? (
          <p className="muted small nav-empty">None yet — add “#home” in quick add.</p>
        ) : (
          <ul>{tags.map((t) => navLink({ kind: 'tag', name: t.name }, `#${t.name}`))}</ul>
        )}
        <p className="muted small nav-empty">Signed in as {user.name ?? user.email}</p>
      </nav>

      <main id="main" className="content" tabIndex={-1}>
        {route.page === 'settings' ? (
          <Settings user={user} onUser={onUser} />
        ) : (
          <>
            <div className="list-head">
              <h1>{filters.q ? `Search: “${filters.q}”` : viewTitle}</h1>
              {tasks && (
                <span className="muted count" role="status">
                  {tasks.length}
                  {nextCursor ? '+' : ''} {tasks.length === 1 ? 'task' : 'tasks'}
                </span>
              )}
            </div>
            {view.kind !== 'completed' && <QuickAdd ref={quickAddRef} today={today} onAdd={quickAdd} />}
            <FilterBar
              filters={filters}
              onChange={setFilters}
              tags={tags}
              categories={categories}
              showCategory={view.kind !== 'category'}
            />
            {listError ? (
              <ErrorState error={listError} onRetry={reload} />
            ) : tasks === null ? (
              <Spinner label="Loading tasks" />
            ) : tasks.length === 0 ? (
              <EmptyState
                title={
                  filters.q
                    ? 'No tasks match your search'
                    : view.kind === 'completed'
                      ? 'Nothing completed yet'
                      : view.kind === 'overdue'
                        ? 'Nothing overdue. Nice!'
                        : 'No tasks here'
                }
              >
                {view.kind !== 'completed' && !filters.q && <p className="muted">Add one above, or press n.</p>}
              </EmptyState>
            ) : (
              <>
                <ul className="task-list" aria-label={`${viewTitle} tasks`}>
                  {tasks.map((t) => (
                    <TaskRow
                      key={t.id}
                      task={t}
                      today={today}
                      userZone={user.timeZone}
                      categories={categoryNames}
                      selected={t.id === selectedId}
                      onToggle={(task) => void toggle(task)}
                      onOpen={(task) => {
                        setPanel('none');
                        setEditing(task);
                      }}
                      onSelect={(task) => setSelectedId(task.id)}
                    />
                  ))}
                </ul>
                {nextCursor && (
                  <button type="button" className="load-more" onClick={() => void loadMore()}>
                    Load more
                  </button>
                )}
              </>
            )}
          </>
        )}
      </main>

      {editing && (
        <TaskEditor
          key={editing.id}
          task={editing}
          user={user}
          categories={categories}
          onSaved={(t) => void saveEdited(t)}
          onClose={() => setEditing(null)}
          onDelete={(t) => void deleteTask(t)}
          onCategoryCreated={(c) => setCategories((cs) => [...cs, c])}
          onChanged={reload}
        />
      )}
      {panel === 'notifications' && (
        <NotificationsPanel
          items={notifications}
          error={notifError}
          onClose={() => setPanel('none')}
          onRead={(n) => void markRead(n)}
          onSnooze={(n) => void snooze(n)}
          onDone={(n) => void done(n)}
          onOpen={(n) => {
            void markRead(n);
            if (n.taskId) {
              setPanel('none');
              void openTask(n.taskId);
            }
          }}
          onRetry={loadNotifications}
        />
      )}
      {panel === 'chat' && <ChatPanel onClose={() => setPanel('none')} onToolResult={reload} />}

      <div className="toasts" aria-live="polite" role="status">
        {toasts.map((t) => (
          <p key={t.id} className="toast">
            {t.text}
          </p>
        ))}
      </div>
    </div>
  );
}

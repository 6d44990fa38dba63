/**
 * The signed-in app: wires the data hooks (list, labels, notifications, live updates, shortcuts)
 * to the layout — top bar, sidebar, the page, and the side panels (editor, notifications,
 * assistant) — and owns which panel is open.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Task, type User } from '../api.js';
import { ChatPanel } from '../Chat.js';
import { TaskEditor } from '../editor/TaskEditor.js';
import { NotificationsPanel } from '../Notifications.js';
import { tasksPath, type Route } from '../routes.js';
import { Settings } from '../Settings.js';
import { EMPTY_FILTERS, type View } from '../views.js';
import { focusRowSoon } from './focus.js';
import { ShortcutSheet } from './ShortcutSheet.js';
import { Sidebar } from './Sidebar.js';
import { TasksPage } from './TasksPage.js';
import { Toasts, useToasts } from './Toasts.js';
import { Topbar, type Panel } from './Topbar.js';
import { useLabels } from './useLabels.js';
import { useLiveUpdates } from './useLiveUpdates.js';
import { useNotifications } from './useNotifications.js';
import { useShortcuts } from './useShortcuts.js';
import { useTaskActions } from './useTaskActions.js';
import { useFilters, useReload, useTaskList, useToday } from './useTaskList.js';

export function Shell({
  user,
  route,
  navigate,
  onUser,
  onLoggedOut,
}: {
  user: User;
  route: Route;
  navigate: (path: string, opts?: { replace?: boolean }) => void;
  onUser: (u: User) => void;
  onLoggedOut: () => void;
}) {
  const view: View = route.page === 'tasks' ? route.view : { kind: 'today' };
  const [editing, setEditing] = useState<Task | null>(null);
  const [panel, setPanel] = useState<Panel>('none');
  const [navOpen, setNavOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  // The assistant is offered only when the server has a model to answer with.
  const [chatAvailable, setChatAvailable] = useState(false);
  useEffect(() => void api.chatStatus().then(setChatAvailable), []);
  // What had focus when a panel opened: it gets focus back when the panel closes.
  const panelOpener = useRef<HTMLElement | null>(null);
  const quickAddRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const { toasts, toast, runUndo, dismiss } = useToasts();
  const { reloadKey, reload } = useReload();
  const today = useToday(user.timeZone);
  const editingId = useRef<string | null>(null);
  editingId.current = editing?.id ?? null;
  const { filters, setFilters, searchText, setSearchText } = useFilters(
    route.page === 'tasks' ? route.filters : EMPTY_FILTERS,
    (next, opts) => navigate(tasksPath(view, next, editingId.current), opts),
  );
  const labels = useLabels();
  const notifications = useNotifications({ toast, reload });
  const list = useTaskList({ view, filters, today, active: route.page === 'tasks', reloadKey, toast });

  // A new view closes the menu drawer (the list resets itself; the editor follows the address).
  useEffect(() => {
    setNavOpen(false);
  }, [route.page, view.kind, 'id' in view ? view.id : '', 'name' in view ? view.name : '']);

  // A live update of the task being edited is read and merged by the editor (never over what is being typed).
  const [remoteChange, setRemoteChange] = useState(0);
  const onTaskChange = useCallback(
    (taskId: string | null) => {
      if (taskId && taskId === editingId.current) setRemoteChange((n) => n + 1);
      reload();
    },
    [reload],
  );
  const live = useLiveUpdates(onTaskChange, notifications.received);
  const actions = useTaskActions({ view, timeZone: user.timeZone, list, labels, toast, reload, setEditing });

  // A task's editor has an address (`?task=<id or number>` on the view): a link to it opens it,
  // back/forward open and close it, and opening or closing it is a step in the history.
  const linkedTask = route.page === 'tasks' ? route.taskId : undefined;
  useEffect(() => {
    const open = editingId.current;
    if (!linkedTask) {
      if (open) setEditing(null);
    } else if (linkedTask !== open && !(editing && String(editing.number) === linkedTask)) {
      void actions.openTask(linkedTask);
    }
    // Only when the address names another task; `actions` changes every render.
  }, [linkedTask]);
  const shownId = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    const changed = shownId.current !== undefined && shownId.current !== (editing?.id ?? null);
    shownId.current = editing?.id ?? null;
    if (!changed || route.page !== 'tasks') return;
    const named = route.taskId ?? null;
    const open = editing ? editing.id : null;
    if (named === open || (editing && named === String(editing.number))) return;
    navigate(tasksPath(view, route.filters, open));
    // Only when the editor opens, closes or switches: the address follows it.
  }, [editing?.id]);

  const closeEditor = () => {
    if (editing) focusRowSoon(editing.id);
    setEditing(null);
  };
  const togglePanel = (which: Exclude<Panel, 'none'>) => {
    if (panel === 'none') panelOpener.current = document.activeElement as HTMLElement | null;
    setPanel((p) => (p === which ? 'none' : which));
    setEditing(null);
  };
  const closePanel = useCallback(() => {
    setPanel('none');
    const opener = panelOpener.current;
    setTimeout(() => opener?.isConnected && opener.focus(), 0);
  }, []);
  const showShortcuts = useCallback(() => setShortcutsOpen(true), []);
  useShortcuts({
    active: route.page === 'tasks',
    tasks: list.visible,
    selectedId: list.selectedId,
    setSelectedId: list.setSelectedId,
    toggle: actions.toggle,
    panel,
    closePanel,
    showShortcuts,
    navOpen,
    setNavOpen,
    setSearchText,
    quickAddRef,
    searchRef,
  });

  return (
    <div className={`app ${editing || panel !== 'none' ? 'with-panel' : ''}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Topbar
        navOpen={navOpen}
        onToggleNav={() => setNavOpen((o) => !o)}
        navigate={navigate}
        searchRef={searchRef}
        searchText={searchText}
        onSearch={(text) => {
          setSearchText(text);
          if (route.page !== 'tasks') navigate(tasksPath({ kind: 'all' }, { ...EMPTY_FILTERS, q: text }));
        }}
        live={live}
        unread={notifications.unread}
        panel={panel}
        onToggleNotifications={() => {
          togglePanel('notifications');
          notifications.load();
        }}
        chatAvailable={chatAvailable}
        onToggleChat={() => togglePanel('chat')}
        settingsCurrent={route.page === 'settings'}
        onLoggedOut={onLoggedOut}
      />

      <Sidebar
        open={navOpen}
        onClose={() => setNavOpen(false)}
        navigate={navigate}
        currentView={route.page === 'tasks' ? view : null}
        projects={labels.projects}
        tags={labels.tags}
        user={user}
      />

      <main id="main" className="content" tabIndex={-1}>
        {route.page === 'settings' ? (
          <Settings user={user} onUser={onUser} />
        ) : (
          <TasksPage
            view={view}
            user={user}
            today={today}
            filters={filters}
            onFilters={setFilters}
            list={list}
            labels={labels}
            quickAddRef={quickAddRef}
            onQuickAdd={actions.quickAdd}
            onToggle={(task) => void actions.toggle(task)}
            onOpen={(task) => {
              setPanel('none');
              setEditing(task);
            }}
            onRetry={reload}
          />
        )}
      </main>

      {editing && (
        <TaskEditor
          key={editing.id}
          task={editing}
          user={user}
          projects={labels.projects}
          onSaved={actions.saveEdited}
          onClose={closeEditor}
          onDelete={(t) => void actions.deleteTask(t)}
          onProjectCreated={labels.addProject}
          onChanged={reload}
          remoteChange={remoteChange}
        />
      )}
      {panel === 'notifications' && (
        <NotificationsPanel
          items={notifications.items}
          error={notifications.error}
          onClose={closePanel}
          onRead={(n) => void notifications.markRead(n)}
          onSnooze={(n) => void notifications.snooze(n)}
          onDone={(n) => void notifications.done(n)}
          onOpen={(n) => {
            void notifications.markRead(n);
            if (n.taskId) {
              setPanel('none');
              void actions.openTask(n.taskId);
            }
          }}
          onRetry={notifications.load}
        />
      )}
      {panel === 'chat' && chatAvailable && <ChatPanel onClose={closePanel} onToolResult={reload} />}
      {shortcutsOpen && <ShortcutSheet onClose={() => setShortcutsOpen(false)} />}

      <Toasts toasts={toasts} onUndo={runUndo} dismiss={dismiss} />
    </div>
  );
}

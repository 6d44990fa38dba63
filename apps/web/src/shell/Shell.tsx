/**
 * The signed-in app: wires the data hooks (list, labels, notifications, live updates, shortcuts)
 * to the layout — top bar, sidebar, the page, and the side panels (editor, notifications,
 * assistant) — and owns which panel is open.
 */
import { useEffect, useRef, useState } from 'react';
import type { Task, User } from '../api.js';
import { ChatPanel } from '../Chat.js';
import { TaskEditor } from '../editor/TaskEditor.js';
import { NotificationsPanel } from '../Notifications.js';
import type { Route } from '../routes.js';
import { Settings } from '../Settings.js';
import type { View } from '../views.js';
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
  navigate: (path: string) => void;
  onUser: (u: User) => void;
  onLoggedOut: () => void;
}) {
  const view: View = route.page === 'tasks' ? route.view : { kind: 'today' };
  const [editing, setEditing] = useState<Task | null>(null);
  const [panel, setPanel] = useState<Panel>('none');
  const [navOpen, setNavOpen] = useState(false);
  const quickAddRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const { toasts, toast } = useToasts();
  const { reloadKey, reload } = useReload();
  const today = useToday(user.timeZone);
  const { filters, setFilters, searchText, setSearchText } = useFilters();
  const labels = useLabels();
  const notifications = useNotifications({ toast, reload });
  const list = useTaskList({ view, filters, today, active: route.page === 'tasks', reloadKey, toast });

  // A new view closes the menu drawer and the editor (the list resets itself).
  useEffect(() => {
    setNavOpen(false);
    setEditing(null);
  }, [route.page, view.kind, 'id' in view ? view.id : '', 'name' in view ? view.name : '']);

  const live = useLiveUpdates(reload, notifications.received);
  const actions = useTaskActions({ view, timeZone: user.timeZone, list, labels, toast, reload, setEditing });
  useShortcuts({
    active: route.page === 'tasks',
    tasks: list.visible,
    selectedId: list.selectedId,
    setSelectedId: list.setSelectedId,
    toggle: actions.toggle,
    panel,
    setPanel,
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
          if (route.page !== 'tasks') navigate('/all');
        }}
        live={live}
        unread={notifications.unread}
        panel={panel}
        onToggleNotifications={() => {
          setPanel((p) => (p === 'notifications' ? 'none' : 'notifications'));
          setEditing(null);
          notifications.load();
        }}
        onToggleChat={() => {
          setPanel((p) => (p === 'chat' ? 'none' : 'chat'));
          setEditing(null);
        }}
        settingsCurrent={route.page === 'settings'}
        onLoggedOut={onLoggedOut}
      />

      <Sidebar
        open={navOpen}
        onClose={() => setNavOpen(false)}
        navigate={navigate}
        currentView={route.page === 'tasks' ? view : null}
        categories={labels.categories}
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
          categories={labels.categories}
          onSaved={(t) => void actions.saveEdited(t)}
          onClose={() => setEditing(null)}
          onDelete={(t) => void actions.deleteTask(t)}
          onCategoryCreated={labels.addCategory}
          onChanged={reload}
        />
      )}
      {panel === 'notifications' && (
        <NotificationsPanel
          items={notifications.items}
          error={notifications.error}
          onClose={() => setPanel('none')}
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
      {panel === 'chat' && <ChatPanel onClose={() => setPanel('none')} onToolResult={reload} />}

      <Toasts toasts={toasts} />
    </div>
  );
}

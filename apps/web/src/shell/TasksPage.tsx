/** The tasks page: heading with count, quick add, filters, and the list with its loading, error and empty states. */
import { useMemo, useRef, type RefObject } from 'react';
import type { Task, User } from '../api.js';
import { TaskItems } from '../list/TaskItems.js';
import type { RowHandlers } from '../list/TaskRow.js';
import { FilterBar, QuickAdd } from '../TaskList.js';
import { EmptyState, ErrorState, Spinner } from '../ui.js';
import { viewTitle, type Filters, type View } from '../views.js';
import type { Labels } from './useLabels.js';
import type { TaskList } from './useTaskList.js';

export function TasksPage({
  view,
  user,
  today,
  filters,
  onFilters,
  list,
  labels,
  quickAddRef,
  onQuickAdd,
  onToggle,
  onOpen,
  onRetry,
}: {
  view: View;
  user: User;
  today: string;
  filters: Filters;
  onFilters: (filters: Filters) => void;
  list: TaskList;
  labels: Labels;
  quickAddRef: RefObject<HTMLInputElement | null>;
  onQuickAdd: (text: string) => Promise<boolean>;
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  onRetry: () => void;
}) {
  const { tasks, nextCursor, error, selectedId } = list;
  const title = viewTitle(view, labels.projectNames);
  // One handlers object for every row, for the page's life: rows re-render only when their own data changes.
  const latest = useRef({ onToggle, onOpen, list });
  latest.current = { onToggle, onOpen, list };
  const handlers = useMemo<RowHandlers>(
    () => ({
      onToggle: (task) => latest.current.onToggle(task),
      onOpen: (task) => latest.current.onOpen(task),
      onSelect: (id) => latest.current.list.setSelectedId(id),
      onToggleSubtasks: (id) => latest.current.list.toggleCollapsed(id),
    }),
    [],
  );
  return (
    <>
      <div className="list-head">
        <h1>{filters.q ? `Search: “${filters.q}”` : title}</h1>
        {tasks && (
          <span className="muted count" role="status">
            {tasks.length}
            {nextCursor ? '+' : ''} {tasks.length === 1 ? 'task' : 'tasks'}
          </span>
        )}
      </div>
      {view.kind !== 'completed' && <QuickAdd ref={quickAddRef} today={today} timeZone={user.timeZone} onAdd={onQuickAdd} />}
      <FilterBar
        filters={filters}
        onChange={onFilters}
        tags={labels.tags}
        projects={labels.projects}
        showProject={view.kind !== 'project'}
      />
      {error ? (
        <ErrorState error={error} onRetry={onRetry} />
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
          <ul className="task-list" aria-label={`${title} tasks`}>
            <TaskItems
              nodes={list.roots}
              nested={false}
              ctx={{
                today,
                userZone: user.timeZone,
                projectNames: labels.projectNames,
                inboxId: labels.inboxId,
                selectedId,
                collapsed: list.collapsed,
                handlers,
              }}
            />
          </ul>
          {nextCursor && (
            <button type="button" className="load-more" onClick={() => void list.loadMore()}>
              Load more
            </button>
          )}
        </>
      )}
    </>
  );
}

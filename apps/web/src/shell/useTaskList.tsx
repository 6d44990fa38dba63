/**
 * The task list's data: its inputs (the user's today, the filters with debounced search), the
 * view's first pages of tasks, and the reload signal that changes made elsewhere send.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type Task } from '../api.js';
import { nestTasks, visibleTasks } from '../list/taskTree.js';
import { taskQuery, todayIn, type Filters, type View } from '../views.js';

const MAX_AUTO_ITEMS = 500;
const PAGE = 200;

/** A debounced re-fetch: a burst of events (SSE, the assistant's tool calls) costs one reload. */
export function useReload() {
  const [reloadKey, setReloadKey] = useState(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const reload = useCallback(() => {
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => setReloadKey((k) => k + 1), 120);
  }, []);
  return { reloadKey, reload };
}

export function useToday(timeZone: string): string {
  const [today, setToday] = useState(() => todayIn(timeZone));
  // Keep "today" right across midnight and zone changes.
  useEffect(() => {
    setToday(todayIn(timeZone));
    const timer = setInterval(() => setToday(todayIn(timeZone)), 60_000);
    return () => clearInterval(timer);
  }, [timeZone]);
  return today;
}

/**
 * The filters are the address's (routes.ts): a change is a new address, so back/forward and
 * links restore them. The search box searches as you type (debounced); its first letter is a
 * new history entry, the rest refine it in place.
 */
export function useFilters(filters: Filters, navigateTo: (filters: Filters, opts: { replace: boolean }) => void) {
  const [searchText, setSearchText] = useState(filters.q);
  const latest = useRef({ filters, navigateTo });
  latest.current = { filters, navigateTo };
  // Back/forward or a link brought another search: the box shows it.
  useEffect(() => {
    setSearchText(filters.q);
  }, [filters.q]);
  useEffect(() => {
    const timer = setTimeout(() => {
      const { filters: now, navigateTo: go } = latest.current;
      if (now.q !== searchText) go({ ...now, q: searchText }, { replace: now.q !== '' });
    }, 200);
    return () => clearTimeout(timer);
  }, [searchText]);
  const setFilters = useCallback((next: Filters) => latest.current.navigateTo(next, { replace: false }), []);
  return { filters, setFilters, searchText, setSearchText };
}

export type TaskList = ReturnType<typeof useTaskList>;

/** `active`: the list is on screen (not settings); it is fetched only then. */
export function useTaskList({
  view,
  filters,
  today,
  active,
  reloadKey,
  toast,
}: {
  view: View;
  filters: Filters;
  today: string;
  active: boolean;
  reloadKey: number;
  toast: (text: string) => void;
}) {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // Parents whose subtasks are folded away (all unfolded at first).
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const roots = useMemo(() => nestTasks(tasks ?? []), [tasks]);
  const visible = useMemo(() => visibleTasks(roots, collapsed), [roots, collapsed]);
  const toggleCollapsed = useCallback((id: string) => {
    setCollapsed((before) => {
      const after = new Set(before);
      if (!after.delete(id)) after.add(id);
      return after;
    });
  }, []);

  // The list: the first pages (up to 500 tasks), re-fetched when the view, filters or data change.
  const query = useMemo(() => taskQuery(view, filters, today, PAGE), [view, filters, today]);
  const queryKey = query.toString();
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    setError(null);
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
      if (!cancelled) setError(e);
    });
    return () => {
      cancelled = true;
    };
  }, [queryKey, reloadKey, active]);

  // Reset to a loading state when the view changes (not on background refreshes).
  useEffect(() => {
    setTasks(null);
    setSelectedId(null);
  }, [active, view.kind, 'id' in view ? view.id : '', 'name' in view ? view.name : '']);

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

  return { tasks, setTasks, roots, visible, collapsed, toggleCollapsed, nextCursor, error, selectedId, setSelectedId, loadMore };
}

/**
 * What the user does to tasks from the list: quick add, complete / reopen, save and delete from
 * the editor, open from a notification. List changes are optimistic and rolled back on failure.
 * A completion, a reopening and a delete each get a toast with Undo (Toasts.tsx) that truly
 * takes it back: a reopen removes the next occurrence a completion made, a restore brings a
 * deleted task back with its subtasks.
 */
import { useCallback } from 'react';
import { api, ApiError, type Task } from '../api.js';
import { parseTaskPhrase } from '@todo/domain/browser';
import type { View } from '../views.js';
import { focusedRowId, focusRowSoon, neighbourOf } from './focus.js';
import { optimisticTask, quickAddDue, quickAddInput } from './quickAddTask.js';
import type { Labels } from './useLabels.js';
import type { ShowToast } from './Toasts.js';
import type { TaskList } from './useTaskList.js';

export function useTaskActions({
  view,
  timeZone,
  list: { tasks, setTasks, visible, selectedId, setSelectedId },
  labels: { loadLabels, resolveProject },
  toast,
  reload,
  setEditing,
}: {
  view: View;
  timeZone: string;
  list: TaskList;
  labels: Labels;
  toast: ShowToast;
  reload: () => void;
  setEditing: (task: Task | null) => void;
}) {
  async function quickAdd(text: string): Promise<boolean> {
    const parsed = parseTaskPhrase(text, { now: new Date(), timeZone });
    if (!parsed.title) {
      toast('Give the task a title.');
      return false;
    }
    const tempId = `tmp-${Date.now()}`;
    try {
      // A series typed without a date starts at the rule's first date from today on, which the
      // API's preview gives (its default start); a weekly or every-N-days rule starts today.
      const firstDate =
        parsed.recurrence && !parsed.due
          ? ((await api.preview(new URLSearchParams({ rule: parsed.recurrence.rule, count: '1' }))).occurrences[0]?.slice(
              0,
              10,
            ) ?? null)
          : null;
      const due = quickAddDue(parsed, firstDate, timeZone);
      const body = quickAddInput(parsed, due, parsed.project ? await resolveProject(parsed.project) : undefined);
      // Optimistic: the row appears at once, greyed until the server answers.
      const optimistic = optimisticTask(tempId, parsed, body, new Date().toISOString());
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
      const leaves = completing && view.kind !== 'completed';
      // The row leaves the list: the selection and focus move to the row after it, not to the page.
      if (leaves && (selectedId === task.id || focusedRowId() === task.id)) {
        const next = neighbourOf(visible, task.id);
        if (next) setSelectedId(next.id);
        if (focusedRowId() === task.id || document.activeElement === document.body) focusRowSoon(next?.id ?? null);
      }
      // Optimistic: the row flips (and leaves open-task views) at once; rolled back on failure.
      setTasks((ts) =>
        view.kind === 'completed' || !completing
          ? (ts?.map((t) => (t.id === task.id ? { ...t, status: completing ? 'completed' : 'open' } : t)) ?? null)
          : (ts?.filter((t) => t.id !== task.id) ?? null),
      );
      try {
        if (completing) {
          const updated = await api.complete(task.id);
          toast(`Completed “${updated.title}”${updated.recurrence ? ' — next occurrence scheduled' : ''}`, () => reopen(updated));
        } else {
          const updated = await reopen(task);
          if (updated) toast(`Reopened “${updated.title}”`, () => complete(updated));
        }
      } catch (e) {
        setTasks(before);
        toast(e instanceof Error ? e.message : 'Could not update the task');
      }
      reload();
    },
    [tasks, visible, selectedId, view.kind, reload, toast],
  );

  /** Reopens a task (an Undo of its completion, or from the Completed view); says so if its next occurrence stays. */
  async function reopen(task: Task): Promise<Task | null> {
    try {
      const reopened = await api.reopen(task.id);
      const next = reopened.nextOccurrence;
      if (next && !next.removed)
        toast(`Reopened “${reopened.title}” — its next occurrence #${next.number} was changed, so it stays`);
      return reopened;
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not reopen the task');
      return null;
    } finally {
      reload();
    }
  }

  async function complete(task: Task) {
    try {
      await api.complete(task.id);
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not complete the task');
    }
    reload();
  }

  /** A version the editor saved as the user typed: the row shows it; a new tag joins the sidebar. */
  function saveEdited(saved: Task) {
    const before = tasks?.find((t) => t.id === saved.id);
    setTasks((ts) => ts?.map((t) => (t.id === saved.id ? saved : t)) ?? null);
    if (before?.tags.join() !== saved.tags.join()) loadLabels();
  }

  /** Deletes at once, without asking: the toast's Undo restores the task with its subtasks. */
  async function deleteTask(task: Task) {
    const before = tasks;
    const next = neighbourOf(visible, task.id);
    setTasks((ts) => ts?.filter((t) => t.id !== task.id) ?? null);
    setEditing(null);
    if (next) setSelectedId(next.id);
    focusRowSoon(next?.id ?? null);
    try {
      await api.deleteTask(task.id);
      toast(`Deleted “${task.title}”`, () => restore(task));
    } catch (e) {
      setTasks(before);
      toast(e instanceof Error ? e.message : 'Could not delete the task');
    }
  }

  async function restore(task: Task) {
    try {
      const restored = await api.restore(task.id);
      setSelectedId(restored.id);
      focusRowSoon(restored.id);
      toast(`Restored “${restored.title}”`);
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not restore the task');
    }
    reload();
  }

  async function openTask(id: string) {
    try {
      setEditing(await api.task(id));
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not open the task');
    }
  }

  return { quickAdd, toggle, saveEdited, deleteTask, openTask };
}

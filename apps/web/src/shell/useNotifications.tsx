/** The notifications centre's data: the list, the unread count, and the actions on a reminder. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, reminderInput, type Notification } from '../api.js';
import type { ShowToast } from './Toasts.js';

export function useNotifications({ toast, reload }: { toast: ShowToast; reload: () => void }) {
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unread, setUnread] = useState(0);
  // A toast's buttons run the actions of the latest render, not of the one that showed the toast.
  const latest = useRef<{ done: (n: Notification) => Promise<void>; snooze: (n: Notification) => Promise<void> } | null>(null);

  const load = useCallback(() => {
    setError(null);
    api
      .notifications()
      .then((r) => {
        setItems(r.items);
        setUnread(r.unread);
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  /** A `todo.notification.created.v1` event's data; anything unreadable falls back to a re-fetch. */
  const received = useCallback(
    (data: string) => {
      try {
        const { notification } = JSON.parse(data) as { notification: Notification };
        setItems((ns) => (ns?.some((n) => n.id === notification.id) ? ns : [notification, ...(ns ?? [])]));
        setUnread((n) => n + 1);
        // The reminder's own buttons, as on the notification in the panel.
        toast(
          `⏰ Reminder: ${notification.title}`,
          notification.taskId
            ? [
                { label: 'Done', name: `Done: ${notification.title}`, run: () => latest.current?.done(notification) },
                {
                  label: 'Snooze 1 hour',
                  name: `Snooze 1 hour: ${notification.title}`,
                  run: () => latest.current?.snooze(notification),
                },
              ]
            : [],
        );
      } catch {
        load();
      }
    },
    [toast, load],
  );

  async function markRead(n: Notification) {
    setItems((ns) => ns?.map((x) => (x.id === n.id ? { ...x, readAt: new Date().toISOString() } : x)) ?? null);
    if (!n.readAt) setUnread((u) => Math.max(0, u - 1));
    try {
      await api.markRead(n.id);
    } catch {
      load();
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
      const taskId = n.taskId;
      await api.complete(taskId);
      await markRead(n);
      toast(`Completed “${n.title}”`, async () => {
        await api.reopen(taskId).catch((e: unknown) => toast(e instanceof Error ? e.message : 'Could not reopen the task'));
        reload();
      });
      reload();
    } catch (e) {
      toast(e instanceof Error ? e.message : 'Could not complete the task');
    }
  }

  useEffect(() => {
    latest.current = { done, snooze };
  });

  return { items, error, unread, load, received, markRead, snooze, done };
}

/** Live updates over SSE: a change made elsewhere (another tab, MCP, the assistant) shows up here. */
import { useEffect, useState } from 'react';
import type { EventType } from '@todo/domain';
import { TASK_EVENT_TYPES } from '@todo/domain/browser';

const NOTIFICATION_CREATED: EventType = 'todo.notification.created.v1';

/** The id of the task an event is about, if it names one. */
function taskIdOf(data: string): string | null {
  try {
    const id = (JSON.parse(data) as { task?: { id?: unknown } }).task?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/**
 * Whether the stream is connected. Pass stable callbacks (useCallback): a new one reopens the
 * stream. `onTaskChange` gets the changed task's id; `onNotification` the event's raw data.
 */
export function useLiveUpdates(onTaskChange: (taskId: string | null) => void, onNotification: (data: string) => void): boolean {
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/events/stream');
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    for (const type of TASK_EVENT_TYPES) source.addEventListener(type, (event) => onTaskChange(taskIdOf((event as MessageEvent<string>).data)));
    source.addEventListener(NOTIFICATION_CREATED, (event) => onNotification((event as MessageEvent<string>).data));
    return () => source.close();
  }, [onTaskChange, onNotification]);
  return live;
}

/** Live updates over SSE: a change made elsewhere (another tab, MCP, the assistant) shows up here. */
import { useEffect, useState } from 'react';

const TASK_EVENTS = [
  'todo.task.created.v1',
  'todo.task.updated.v1',
  'todo.task.completed.v1',
  'todo.task.reopened.v1',
  'todo.task.deleted.v1',
];

/**
 * Whether the stream is connected. Pass stable callbacks (useCallback): a new one reopens the
 * stream. `onNotification` gets the event's raw data.
 */
export function useLiveUpdates(onTaskChange: () => void, onNotification: (data: string) => void): boolean {
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/events/stream');
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    for (const type of TASK_EVENTS) source.addEventListener(type, () => onTaskChange());
    source.addEventListener('todo.notification.created.v1', (event) => onNotification((event as MessageEvent<string>).data));
    return () => source.close();
  }, [onTaskChange, onNotification]);
  return live;
}

/** Live updates over SSE: a change made elsewhere (another tab, MCP, the assistant) shows up here. */
import { useEffect, useState } from 'react';
import type { EventType } from '@todo/domain';
import { TASK_EVENT_TYPES } from '@todo/domain/browser';

const NOTIFICATION_CREATED: EventType = 'todo.notification.created.v1';

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
    for (const type of TASK_EVENT_TYPES) source.addEventListener(type, () => onTaskChange());
    source.addEventListener(NOTIFICATION_CREATED, (event) => onNotification((event as MessageEvent<string>).data));
    return () => source.close();
  }, [onTaskChange, onNotification]);
  return live;
}

/** The notifications centre: in-app reminders with mark read, snooze (1 h) and done. */
import { type Notification } from './api.js';
import { EmptyState, ErrorState, Icon, Spinner } from './ui.js';

export function NotificationsPanel({
  items,
  error,
  onClose,
  onRead,
  onSnooze,
  onDone,
  onOpen,
  onRetry,
}: {
  items: Notification[] | null;
  error: unknown;
  onClose: () => void;
  onRead: (n: Notification) => void;
  onSnooze: (n: Notification) => void;
  onDone: (n: Notification) => void;
  onOpen: (n: Notification) => void;
  onRetry: () => void;
}) {
  return (
    <aside className="panel notifications" aria-labelledby="notif-title">
      <header className="panel-head">
        <h2 id="notif-title">Notifications</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close notifications">
          <Icon name="close" />
        </button>
      </header>
      {error ? (
        <ErrorState error={error} onRetry={onRetry} />
      ) : items === null ? (
        <Spinner label="Loading notifications" />
      ) : items.length === 0 ? (
        <EmptyState title="No notifications">
          <p className="muted">Reminders you set on tasks show up here.</p>
        </EmptyState>
      ) : (
        <ul className="notif-list">
          {items.map((n) => (
            <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
              <button type="button" className="link notif-title" onClick={() => onOpen(n)} disabled={!n.taskId}>
                {!n.readAt && <span className="sr-only">Unread: </span>}
                {n.title}
              </button>
              {n.body && <p className="muted">{n.body}</p>}
              <p className="muted small">
                <time dateTime={n.fireAt}>{new Date(n.fireAt).toLocaleString()}</time>
              </p>
              <div className="notif-actions">
                {!n.readAt && (
                  <button type="button" onClick={() => onRead(n)} aria-label={`Mark read: ${n.title}`}>
                    Mark read
                  </button>
                )}
                {n.taskId && (
                  <>
                    <button type="button" onClick={() => onSnooze(n)} aria-label={`Snooze 1 hour: ${n.title}`}>
                      Snooze 1 h
                    </button>
                    <button type="button" onClick={() => onDone(n)} aria-label={`Mark task done: ${n.title}`}>
                      Done
                    </button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

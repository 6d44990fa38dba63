/** One task row: complete box, title (opens the editor), and its meta line. */
import { memo } from 'react';
import type { Task } from '../api.js';
import { Icon } from '../ui.js';
import { formatDue, isOverdue } from '../views.js';

export interface RowHandlers {
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  onSelect: (id: string) => void;
  onToggleSubtasks: (id: string) => void;
}

export const TaskRow = memo(function TaskRow({
  task,
  today,
  userZone,
  projectName,
  selected,
  /** Its subtasks are in the list under it: whether they are shown (undefined: none there). */
  subtasksShown,
  /** Its parent is not in this list: the row names it. */
  showParent,
  handlers: { onToggle, onOpen, onSelect, onToggleSubtasks },
}: {
  task: Task;
  today: string;
  userZone: string;
  projectName: string | undefined;
  selected: boolean;
  subtasksShown: boolean | undefined;
  showParent: boolean;
  handlers: RowHandlers;
}) {
  const done = task.status === 'completed';
  const overdue = !done && isOverdue(task.dueAt, task.due, today);
  const pending = task.id.startsWith('tmp-');
  const progress = task.subtasks;
  return (
    <li
      className={`task ${done ? 'done' : ''} ${selected ? 'selected' : ''} prio-${task.priority}`}
      data-task-id={task.id}
      aria-busy={pending || undefined}
    >
      <label className="complete-target">
        <input
          type="checkbox"
          className="complete"
          checked={done}
          disabled={pending}
          onChange={() => onToggle(task)}
          aria-label={`${done ? 'Reopen' : 'Complete'}: ${task.title}`}
          onFocus={() => onSelect(task.id)}
        />
      </label>
      <div className="task-main">
        {showParent && task.parentTitle && (
          <p className="parent-context">
            <span aria-hidden="true">↳ </span>
            <span className="sr-only">Subtask of </span>
            {task.parentTitle}
          </p>
        )}
        <button
          type="button"
          className="task-title"
          onClick={() => onOpen(task)}
          onFocus={() => onSelect(task.id)}
          disabled={pending}
        >
          {task.title}
        </button>
        <p className="task-meta">
          <span className="muted">#{task.number || '…'}</span>
          {progress && (
            <span className="progress" title={`${progress.done} of ${progress.total} subtasks done`}>
              <Icon name="check" />
              <span aria-hidden="true">
                {progress.done}/{progress.total}
              </span>
              <span className="sr-only">
                {progress.done} of {progress.total} subtasks done
              </span>
            </span>
          )}
          {task.due && <span className={overdue ? 'overdue' : 'due'}>{formatDue(task.due, today, userZone)}</span>}
          {task.recurrence && (
            <span className="recurs" title={task.recurrence.text}>
              <Icon name="repeat" />
              <span className="sr-only">Repeats</span> {task.recurrence.text}
            </span>
          )}
          {task.reminders.length > 0 && (
            <span className="muted">
              <Icon name="alarm" />
              <span className="sr-only">{task.reminders.length} reminders</span>
            </span>
          )}
          {task.priority !== 'none' && <span className={`prio prio-${task.priority}`}>{task.priority}</span>}
          {projectName && <span className="project">{projectName}</span>}
          {task.tags.map((t) => (
            <span key={t} className="tag">
              #{t}
            </span>
          ))}
        </p>
      </div>
      {subtasksShown !== undefined && (
        <button
          type="button"
          className="icon-button subtasks-toggle"
          aria-expanded={subtasksShown}
          aria-controls={`subtasks-of-${task.id}`}
          aria-label={`Subtasks of ${task.title}`}
          onClick={() => onToggleSubtasks(task.id)}
        >
          <Icon name={subtasksShown ? 'chevron-down' : 'chevron-right'} />
        </button>
      )}
    </li>
  );
});

/**
 * The rows of a list with subtasks under their parent: a parent's subtasks follow it in a
 * nested list it can fold away. Rows are memoised and their handlers stable, so an action
 * re-renders the rows it changes, not all 500.
 */
import { Fragment } from 'react';
import type { TaskNode } from './taskTree.js';
import { TaskRow, type RowHandlers } from './TaskRow.js';

export interface ItemsContext {
  today: string;
  userZone: string;
  projectNames: ReadonlyMap<string, string>;
  /** Rows in the Inbox do not name it. */
  inboxId?: string | undefined;
  selectedId: string | null;
  collapsed: ReadonlySet<string>;
  handlers: RowHandlers;
}

export function TaskItems({ nodes, nested, ctx }: { nodes: readonly TaskNode[]; nested: boolean; ctx: ItemsContext }) {
  return nodes.map(({ task, children }) => {
    const shown = !ctx.collapsed.has(task.id);
    return (
      <Fragment key={task.id}>
        <TaskRow
          task={task}
          today={ctx.today}
          userZone={ctx.userZone}
          projectName={task.projectId !== ctx.inboxId ? ctx.projectNames.get(task.projectId) : undefined}
          selected={task.id === ctx.selectedId}
          subtasksShown={children.length ? shown : undefined}
          showParent={!nested}
          handlers={ctx.handlers}
        />
        {children.length > 0 && (
          // Kept in the page while folded (hidden), so the toggle's aria-controls always names it.
          <li className="subtask-group" id={`subtasks-of-${task.id}`} hidden={!shown}>
            <ul className="task-list nested" aria-label={`Subtasks of ${task.title}`}>
              {shown && <TaskItems nodes={children} nested ctx={ctx} />}
            </ul>
          </li>
        )}
      </Fragment>
    );
  });
}

/**
 * Subtasks under their parent: the loaded rows as a forest in the list's own order. A subtask
 * whose parent is loaded too sits under it; one whose parent is not in this view (a subtask due
 * today under an undated parent, a search hit) stays a top-level row, which names its parent.
 * Linear in the rows, so a list of 500 costs two passes. Pure, unit-tested.
 */
import type { Task } from '../api.js';

export interface TaskNode {
  task: Task;
  children: TaskNode[];
}

export function nestTasks(tasks: readonly Task[]): TaskNode[] {
  const nodes = new Map<string, TaskNode>();
  for (const task of tasks) nodes.set(task.id, { task, children: [] });
  const roots: TaskNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.task.parentId ? nodes.get(node.task.parentId) : undefined;
    (parent ?? { children: roots }).children.push(node);
  }
  return roots;
}

/** The rows in screen order, without those under a collapsed parent: what j / k move through. */
export function visibleTasks(roots: readonly TaskNode[], collapsed: ReadonlySet<string>): Task[] {
  const out: Task[] = [];
  const walk = (nodes: readonly TaskNode[]) => {
    for (const node of nodes) {
      out.push(node.task);
      if (!collapsed.has(node.task.id)) walk(node.children);
    }
  };
  walk(roots);
  return out;
}

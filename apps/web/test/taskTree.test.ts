import { describe, expect, it } from 'vitest';
import type { Task } from '../src/api.js';
import { nestTasks, visibleTasks } from '../src/list/taskTree.js';

const task = (id: string, parentId: string | null = null): Task =>
  ({ id, parentId, title: id, status: 'open', tags: [], reminders: [] }) as unknown as Task;
const ids = (tasks: Task[]) => tasks.map((t) => t.id);

describe('nestTasks', () => {
  it('puts subtasks under their loaded parent, in list order, at any depth', () => {
    const roots = nestTasks([task('a'), task('a2', 'a'), task('b'), task('a1', 'a'), task('a1x', 'a1')]);
    expect(roots.map((n) => n.task.id)).toEqual(['a', 'b']);
    expect(roots[0]!.children.map((n) => n.task.id)).toEqual(['a2', 'a1']);
    expect(roots[0]!.children[1]!.children.map((n) => n.task.id)).toEqual(['a1x']);
  });

  it('keeps a subtask whose parent is not loaded as a top-level row', () => {
    expect(nestTasks([task('s', 'elsewhere'), task('b')]).map((n) => n.task.id)).toEqual(['s', 'b']);
  });

  it('lists the visible rows in screen order, skipping those under a collapsed parent', () => {
    const roots = nestTasks([task('a'), task('a1', 'a'), task('a1x', 'a1'), task('b'), task('b1', 'b')]);
    expect(ids(visibleTasks(roots, new Set()))).toEqual(['a', 'a1', 'a1x', 'b', 'b1']);
    expect(ids(visibleTasks(roots, new Set(['a1', 'b'])))).toEqual(['a', 'a1', 'b']);
    expect(ids(visibleTasks(roots, new Set(['a'])))).toEqual(['a', 'b', 'b1']);
  });
});

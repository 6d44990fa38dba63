import { describe, expect, it } from 'vitest';
import type { Task } from '../src/api.js';
import { changedFields, fieldText, formFromTask, formText, patchFor, withFields } from '../src/editor/editorForm.js';

const task: Task = {
  id: '0193a000-0000-7000-8000-000000000001',
  number: 3,
  title: 'Pay rent',
  description: '',
  status: 'open',
  priority: 'high',
  due: { date: '2026-12-01' },
  dueAt: null,
  recurrence: null,
  reminders: [],
  projectId: null,
  parentId: null,
  tags: ['home'],
  completedAt: null,
  createdAt: '2026-11-27T09:00:00.000Z',
  updatedAt: '2026-11-27T09:00:00.000Z',
} as unknown as Task;

describe('the editor form', () => {
  it('sends only the fields asked for, as the API takes them', () => {
    const form = { ...formFromTask(task, 'Europe/Berlin'), title: 'Pay the rent', tags: 'home, #errands, ' };
    expect(patchFor(form, ['title', 'tags'], 'Europe/Berlin')).toEqual({ title: 'Pay the rent', tags: ['home', 'errands'] });
    expect(patchFor(form, ['due', 'recurrence'], 'Europe/Berlin')).toEqual({ due: { date: '2026-12-01' }, recurrence: null });
  });

  it('finds the fields two versions differ in, and takes only those from the other', () => {
    const theirs = { ...task, title: 'Pay rent now', tags: ['home', 'money'] } as Task;
    expect(changedFields(task, theirs)).toEqual(['title', 'tags']);
    expect(changedFields(task, { ...task, updatedAt: '2026-11-28T00:00:00.000Z' })).toEqual([]);
    const mine = { ...formFromTask(task, 'UTC'), description: 'typed here' };
    const merged = withFields(mine, formFromTask(theirs, 'UTC'), ['tags']);
    expect(merged).toMatchObject({ title: 'Pay rent', description: 'typed here', tags: 'home, money' });
  });

  it('shows both sides of a field the same way', () => {
    const names = new Map([['c1', 'Work']]);
    const theirs = { ...task, projectId: 'c1' } as Task;
    expect(fieldText(theirs, 'projectId', names)).toBe('Work');
    expect(formText(formFromTask(theirs, 'UTC'), 'projectId', 'UTC', names)).toBe('Work');
    expect(fieldText(task, 'due')).toBe(formText(formFromTask(task, 'UTC'), 'due', 'UTC', names));
    expect(fieldText(task, 'tags')).toBe('home');
  });
});

import { describe, expect, it } from 'vitest';
import { routeFromPath } from '../src/routes.js';
import { viewTitle } from '../src/views.js';

describe('routeFromPath', () => {
  it('finds the auth and settings pages, and task views', () => {
    expect(routeFromPath('/login')).toEqual({ page: 'login' });
    expect(routeFromPath('/signup')).toEqual({ page: 'signup' });
    expect(routeFromPath('/settings')).toEqual({ page: 'settings' });
    expect(routeFromPath('/')).toEqual({ page: 'tasks', view: { kind: 'today' } });
    expect(routeFromPath('/tag/home')).toEqual({ page: 'tasks', view: { kind: 'tag', name: 'home' } });
  });
  it('reads the task an address opens', () => {
    expect(routeFromPath('/upcoming?task=0193a')).toEqual({ page: 'tasks', view: { kind: 'upcoming' }, taskId: '0193a' });
    expect(routeFromPath('/?task=7&x=1')).toEqual({ page: 'tasks', view: { kind: 'today' }, taskId: '7' });
    expect(routeFromPath('/all?task=')).toEqual({ page: 'tasks', view: { kind: 'all' } });
  });
  it('falls back to Today for unknown paths', () => {
    expect(routeFromPath('/nope/x/y')).toEqual({ page: 'tasks', view: { kind: 'today' } });
  });
});

describe('viewTitle', () => {
  const projects = new Map([['c1', 'Work']]);
  it('names fixed views, projects by name and tags with #', () => {
    expect(viewTitle({ kind: 'all' }, projects)).toBe('All tasks');
    expect(viewTitle({ kind: 'project', id: 'c1' }, projects)).toBe('Work');
    expect(viewTitle({ kind: 'tag', name: 'home' }, projects)).toBe('#home');
  });
  it('says "Project" while the project is unknown', () => {
    expect(viewTitle({ kind: 'project', id: 'c2' }, projects)).toBe('Project');
  });
});

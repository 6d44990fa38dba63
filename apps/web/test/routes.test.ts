import { describe, expect, it } from 'vitest';
import { filtersFromSearch, routeFromPath, tasksPath } from '../src/routes.js';
import { EMPTY_FILTERS, viewTitle } from '../src/views.js';

const filters = EMPTY_FILTERS;

describe('routeFromPath', () => {
  it('finds the auth and settings pages, and task views', () => {
    expect(routeFromPath('/login')).toEqual({ page: 'login' });
    expect(routeFromPath('/signup')).toEqual({ page: 'signup' });
    expect(routeFromPath('/settings')).toEqual({ page: 'settings' });
    expect(routeFromPath('/')).toEqual({ page: 'tasks', view: { kind: 'today' }, filters });
    expect(routeFromPath('/tag/home')).toEqual({ page: 'tasks', view: { kind: 'tag', name: 'home' }, filters });
  });
  it('reads the task an address opens', () => {
    expect(routeFromPath('/upcoming?task=0193a')).toEqual({ page: 'tasks', view: { kind: 'upcoming' }, filters, taskId: '0193a' });
    expect(routeFromPath('/?task=7&x=1')).toEqual({ page: 'tasks', view: { kind: 'today' }, filters, taskId: '7' });
    expect(routeFromPath('/all?task=')).toEqual({ page: 'tasks', view: { kind: 'all' }, filters });
  });
  it('reads the search and filters, and writes them back with only what is set', () => {
    const set = { ...EMPTY_FILTERS, q: 'dentist appt', priorities: ['high', 'urgent'], tags: ['home'], sort: '-priority' };
    const path = tasksPath({ kind: 'all' }, set, '42');
    expect(path).toBe('/all?q=dentist+appt&priority=high%2Curgent&tags=home&sort=-priority&task=42');
    expect(routeFromPath(path)).toEqual({ page: 'tasks', view: { kind: 'all' }, filters: set, taskId: '42' });
    expect(tasksPath({ kind: 'today' })).toBe('/');
    expect(tasksPath({ kind: 'tag', name: 'a b' }, { ...EMPTY_FILTERS, dueBefore: '2026-12-01' })).toBe('/tag/a%20b?dueBefore=2026-12-01');
    expect(filtersFromSearch('?priority=&tags=,x,')).toEqual({ ...EMPTY_FILTERS, tags: ['x'] });
  });
  it('falls back to Today for unknown paths', () => {
    expect(routeFromPath('/nope/x/y')).toEqual({ page: 'tasks', view: { kind: 'today' }, filters });
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

import { describe, expect, it } from 'vitest';
import type { Project } from '@todo/domain';
import {
  EMPTY_FILTERS,
  projectTree,
  formatDue,
  friendlyDate,
  taskQuery,
  todayIn,
  viewFromPath,
  viewPath,
  zonedToInstant,
  type View,
} from '../src/views.js';
import { builderToRule, ruleToBuilder } from '../src/recurrence.js';
import { SseParser } from '../src/sse.js';

const today = '2026-11-27';

describe('taskQuery', () => {
  const q = (view: View, filters = EMPTY_FILTERS) => Object.fromEntries(taskQuery(view, filters, today));
  it('maps each view to its API query', () => {
    expect(q({ kind: 'today' })).toEqual({ dueBefore: '2026-11-28', limit: '100' });
    expect(q({ kind: 'upcoming' })).toEqual({ dueAfter: '2026-11-28', limit: '100' });
    expect(q({ kind: 'overdue' })).toEqual({ overdue: 'true', limit: '100' });
    expect(q({ kind: 'all' })).toEqual({ limit: '100' });
    expect(q({ kind: 'completed' })).toEqual({ status: 'completed', sort: '-updated', limit: '100' });
    expect(q({ kind: 'project', id: 'c1' })).toEqual({ projectId: 'c1', limit: '100' });
    expect(q({ kind: 'tag', name: 'home' })).toEqual({ tags: 'home', limit: '100' });
  });
  it('adds filters, search and sort', () => {
    expect(
      q(
        { kind: 'tag', name: 'home' },
        {
          ...EMPTY_FILTERS,
          q: ' rent ',
          priorities: ['high', 'urgent'],
          tags: ['bills'],
          dueBefore: '2026-12-31',
          sort: 'priority',
        },
      ),
    ).toEqual({
      tags: 'home,bills',
      tagMode: 'all',
      q: 'rent',
      priority: 'high,urgent',
      dueBefore: '2027-01-01',
      sort: 'priority',
      limit: '100',
    });
  });
});

describe('routing', () => {
  it('round-trips views through paths', () => {
    for (const v of [
      { kind: 'today' },
      { kind: 'completed' },
      { kind: 'project', id: 'a b' },
      { kind: 'tag', name: 'home/x' },
    ] as View[]) {
      expect(viewFromPath(viewPath(v))).toEqual(v);
    }
    expect(viewFromPath('/nope/x/y')).toBeNull();
  });
});

describe('dates', () => {
  it('finds today in a zone', () => {
    const instant = new Date('2026-11-27T23:30:00Z');
    expect(todayIn('UTC', instant)).toBe('2026-11-27');
    expect(todayIn('Asia/Tokyo', instant)).toBe('2026-11-28');
    expect(todayIn('America/Los_Angeles', instant)).toBe('2026-11-27');
  });
  it('converts wall time in a zone to an instant, across DST', () => {
    expect(zonedToInstant('2026-12-01T09:00', 'Europe/Berlin')).toBe('2026-12-01T08:00:00Z');
    expect(zonedToInstant('2026-07-01T09:00', 'Europe/Berlin')).toBe('2026-07-01T07:00:00Z');
    expect(zonedToInstant('2026-03-08T12:00:00', 'America/New_York')).toBe('2026-03-08T16:00:00Z');
  });
  it('says dates as people do', () => {
    expect(friendlyDate(today, today)).toBe('Today');
    expect(friendlyDate('2026-11-28', today)).toBe('Tomorrow');
    expect(friendlyDate('2026-11-30', today)).toBe('Mon');
    expect(friendlyDate('2026-12-24', today)).toBe('Dec 24');
    expect(friendlyDate('2027-01-02', today)).toBe('Jan 2, 2027');
    expect(formatDue({ dateTime: '2026-11-28T09:00', timeZone: 'Asia/Tokyo' }, today, 'Europe/Berlin')).toBe(
      'Tomorrow 09:00 (Asia/Tokyo)',
    );
    expect(formatDue({ dateTime: '2026-11-28T09:00', timeZone: null }, today, 'Europe/Berlin')).toBe('Tomorrow 09:00');
  });
});

describe('recurrence builder', () => {
  it('round-trips simple rules', () => {
    for (const rule of [
      'FREQ=DAILY',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR',
      'FREQ=MONTHLY;BYMONTHDAY=-1',
      'FREQ=YEARLY;COUNT=3',
    ]) {
      expect(builderToRule(ruleToBuilder(rule)!)).toBe(rule);
    }
  });
  it('leaves rules it cannot show to the text field', () => {
    expect(ruleToBuilder('FREQ=MONTHLY;BYDAY=-1FR')).toBeNull();
    expect(ruleToBuilder('every weekday')).toBeNull();
  });
});

describe('SseParser', () => {
  it('parses events split across chunks', () => {
    const p = new SseParser();
    expect(p.push('event: delta\ndata: {"text":"Hel')).toEqual([]);
    expect(p.push('lo"}\n\n: ping\n\nevent: done\r\ndata: {}\r\n\r\n')).toEqual([
      { event: 'delta', data: '{"text":"Hello"}' },
      { event: 'done', data: '{}' },
    ]);
  });
});

describe('projectTree', () => {
  const project = (id: string, parentId: string | null, archived = false) =>
    ({ id, name: id, parentId, archivedAt: archived ? '2026-11-27T09:00:00.000Z' : null }) as Project;

  it('puts each project under its parent, indented, and leaves archived ones out with what is under them', () => {
    const tree = projectTree([
      project('Inbox', null),
      project('Beds', 'Garden'),
      project('Home', null),
      project('Garden', 'Home'),
      project('Old', null, true),
      project('Under old', 'Old'),
    ]);
    expect(tree.map(({ project: p, depth }) => `${'-'.repeat(depth)}${p.name}`)).toEqual(['Inbox', 'Home', '-Garden', '--Beds']);
  });
});

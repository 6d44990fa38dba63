/**
 * Task → VTODO → task gives the task back: every mapped field, every priority, every kind of
 * due (all-day, floating, UTC, zones across DST changes), the recurrences the app accepts, both
 * kinds of reminder, and any text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRIORITIES, TagName, normalizeRecurrence, type Due, type Task } from '@todo/domain';
import { parseVtodo, taskToVtodo, type TaskForIcal } from '../src/index.js';

const TASK: TaskForIcal = {
  id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  title: 'Pay rent; then, call the landlord',
  description: 'Line one\nLine two, with a comma; and a semicolon\\backslash',
  priority: 'high',
  status: 'completed',
  completedAt: '2026-03-29T10:00:00.000Z',
  due: { dateTime: '2026-03-29T02:30:00', timeZone: 'Europe/Berlin' },
  recurrence: { rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', repeatFrom: 'completion' },
  reminders: [
    { type: 'relative', minutesBefore: 15 },
    { type: 'absolute', at: '2026-03-28T08:00:00.000Z' },
    { type: 'relative', minutesBefore: 0 },
  ],
  tags: ['home', 'money matters'],
  parentId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
};

/** The task as the parse gives it back, in the task's own shape. */
function roundTrip(task: TaskForIcal): TaskForIcal {
  const parsed = parseVtodo(taskToVtodo(task));
  expect(parsed.extras).toBe('');
  return {
    id: parsed.taskId!,
    ...parsed.fields,
    status: parsed.status,
    completedAt: parsed.completedAt,
    parentId: parsed.parentId,
    createdAt: parsed.createdAt!,
    updatedAt: parsed.updatedAt!,
  };
}

describe('task → VTODO → task', () => {
  it('gives back a task with every mapped field', () => {
    expect(roundTrip(TASK)).toEqual(TASK);
  });

  it('takes a task as the API returns it, and gives back each field it maps', () => {
    const apiTask: Task = {
      ...TASK,
      tags: [...TASK.tags],
      number: 12,
      assigneeId: null,
      reminders: [{ id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60', type: 'relative', minutesBefore: 15, snoozedUntil: null }],
      recurrence: { ...TASK.recurrence!, text: 'every 2 weeks on Monday and Friday' },
      dueAt: '2026-03-29T01:30:00.000Z',
      projectId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70',
      projectNumber: 3,
      seriesId: null,
      occurrenceIndex: null,
    };
    const back = roundTrip(apiTask);
    expect(back).toEqual({
      ...TASK,
      reminders: [{ type: 'relative', minutesBefore: 15 }],
    });
  });

  it('writes the fields as RFC 5545 properties', () => {
    const text = taskToVtodo(TASK, { sequence: 3, calendarName: 'Home' });
    for (const line of [
      'BEGIN:VCALENDAR',
      'X-WR-CALNAME:Home',
      `UID:${TASK.id}@todo-app`,
      'SEQUENCE:3',
      'SUMMARY:Pay rent\\; then\\, call the landlord',
      'PRIORITY:2',
      'DUE;TZID=Europe/Berlin:20260329T023000',
      'STATUS:COMPLETED',
      'COMPLETED:20260329T100000Z',
      'PERCENT-COMPLETE:100',
      'CATEGORIES:home,money matters',
      'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR',
      'X-TODO-REPEAT-FROM:COMPLETION',
      `RELATED-TO;RELTYPE=PARENT:${TASK.parentId}@todo-app`,
      'TRIGGER;RELATED=END:-PT15M',
      'TRIGGER;VALUE=DATE-TIME:20260328T080000Z',
      'DTSTAMP:20260302T100000Z',
      'LAST-MODIFIED:20260302T100000Z',
      'CREATED:20260301T100000Z',
    ]) {
      expect(text.split('\r\n')).toContain(line);
    }
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(parseVtodo(text).sequence).toBe(3);
  });

  it('gives back an open task without due, priority, tags, reminders or parent', () => {
    const bare: TaskForIcal = {
      ...TASK,
      status: 'open',
      completedAt: null,
      due: null,
      recurrence: null,
      reminders: [],
      tags: [],
      parentId: null,
      priority: 'none',
      description: '',
    };
    expect(roundTrip(bare)).toEqual(bare);
    expect(taskToVtodo(bare)).toContain('STATUS:NEEDS-ACTION');
  });

  it.each(PRIORITIES)('keeps the priority %s', (priority) => {
    expect(roundTrip({ ...TASK, priority }).priority).toBe(priority);
  });

  const dues: [string, Due, string][] = [
    ['all-day', { date: '2026-12-31' }, 'DUE;VALUE=DATE:20261231'],
    ['floating', { dateTime: '2026-07-01T09:00:00', timeZone: null }, 'DUE:20260701T090000'],
    ['UTC', { dateTime: '2026-07-01T09:00:00', timeZone: 'UTC' }, 'DUE:20260701T090000Z'],
    // The hour that does not exist (spring forward) and the one that happens twice (fall back).
    [
      'Berlin, spring-forward gap',
      { dateTime: '2026-03-29T02:30:00', timeZone: 'Europe/Berlin' },
      'DUE;TZID=Europe/Berlin:20260329T023000',
    ],
    [
      'New York, fall-back hour',
      { dateTime: '2026-11-01T01:30:00', timeZone: 'America/New_York' },
      'DUE;TZID=America/New_York:20261101T013000',
    ],
    [
      'Lord Howe, half-hour DST',
      { dateTime: '2026-10-04T02:15:00', timeZone: 'Australia/Lord_Howe' },
      'DUE;TZID=Australia/Lord_Howe:20261004T021500',
    ],
    ['leap day', { date: '2028-02-29' }, 'DUE;VALUE=DATE:20280229'],
  ];
  it.each(dues)('keeps a %s due', (_name, due, line) => {
    expect(taskToVtodo({ ...TASK, due })).toContain(`${line}\r\n`);
    expect(roundTrip({ ...TASK, due }).due).toEqual(due);
  });

  const rules = [
    'FREQ=DAILY',
    'FREQ=DAILY;INTERVAL=3;COUNT=10',
    'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYMONTHDAY=15',
    'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
    'FREQ=WEEKLY;UNTIL=20270630T000000Z',
  ];
  it.each(rules)('keeps the recurrence %s, from the due and from completion', (rule) => {
    const normal = normalizeRecurrence(rule).rule;
    for (const repeatFrom of ['due', 'completion'] as const) {
      expect(roundTrip({ ...TASK, recurrence: { rule: normal, repeatFrom } }).recurrence).toEqual({ rule: normal, repeatFrom });
    }
  });

  it('keeps any title, description and tags, whatever characters they hold', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((s) => s.trim() === s && s.trim() !== '' && !s.includes('\r'));
    const printable = (s: string) => [...s].every((c) => c.codePointAt(0)! >= 0x20);
    const tag = fc
      .string({ minLength: 1, maxLength: 20 })
      .map((s) => s.trim())
      .filter((s) => printable(s) && TagName.safeParse(s).success);
    fc.assert(
      fc.property(text, fc.string({ maxLength: 200 }), fc.uniqueArray(tag, { maxLength: 4 }), (title, description, tags) => {
        const task = { ...TASK, title, description: description.replace(/\r\n?/g, '\n'), tags };
        const back = roundTrip(task);
        expect([back.title, back.description, back.tags]).toEqual([task.title, task.description, task.tags]);
      }),
      { numRuns: 200 },
    );
  });
});

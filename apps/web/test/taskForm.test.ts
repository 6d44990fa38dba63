import { describe, expect, it } from 'vitest';
import type { Reminder } from '../src/api.js';
import { dueForm, dueInput, newReminderRow, reminderInputs, reminderRows, tagList } from '../src/editor/taskForm.js';

describe('due fields', () => {
  it('round-trips each kind of due', () => {
    expect(dueForm(null)).toEqual({ kind: 'none', date: '', time: '09:00', zone: '' });
    expect(dueForm({ date: '2026-12-01' })).toEqual({ kind: 'date', date: '2026-12-01', time: '09:00', zone: '' });
    expect(dueForm({ dateTime: '2026-12-01T18:30', timeZone: 'Asia/Tokyo' })).toEqual({
      kind: 'datetime',
      date: '2026-12-01',
      time: '18:30',
      zone: 'Asia/Tokyo',
    });
    for (const due of [null, { date: '2026-12-01' }, { dateTime: '2026-12-01T18:30', timeZone: null }]) {
      expect(dueInput(dueForm(due))).toEqual(due);
    }
  });
  it('sends no due without a date, and midnight without a time', () => {
    expect(dueInput({ kind: 'date', date: '', time: '09:00', zone: '' })).toBeNull();
    expect(dueInput({ kind: 'datetime', date: '2026-12-01', time: '', zone: 'UTC' })).toEqual({
      dateTime: '2026-12-01T00:00',
      timeZone: 'UTC',
    });
  });
});

describe('reminder rows', () => {
  const reminders: Reminder[] = [
    { id: '1', type: 'relative', minutesBefore: 2880 },
    { id: '2', type: 'relative', minutesBefore: 120 },
    { id: '3', type: 'relative', minutesBefore: 90 },
    { id: '4', type: 'relative', minutesBefore: 0 },
    { id: '5', type: 'absolute', at: '2026-12-01T08:00:00Z' },
  ];
  it('shows each relative reminder in the largest unit that divides it, absolute ones in the zone', () => {
    expect(reminderRows(reminders, 'Europe/Berlin').map(({ key: _key, ...r }) => r)).toEqual([
      { type: 'relative', amount: 2, unit: 'days', at: '' },
      { type: 'relative', amount: 2, unit: 'hours', at: '' },
      { type: 'relative', amount: 90, unit: 'minutes', at: '' },
      { type: 'relative', amount: 0, unit: 'minutes', at: '' },
      { type: 'absolute', amount: 30, unit: 'minutes', at: '2026-12-01T09:00' },
    ]);
  });
  it('round-trips through the rows', () => {
    const rows = reminderRows(reminders, 'Europe/Berlin');
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(reminderInputs(rows, 'Europe/Berlin')).toEqual([
      { type: 'relative', minutesBefore: 2880 },
      { type: 'relative', minutesBefore: 120 },
      { type: 'relative', minutesBefore: 90 },
      { type: 'relative', minutesBefore: 0 },
      { type: 'absolute', at: '2026-12-01T08:00:00Z' },
    ]);
  });
  it('drops absolute rows without a time and never sends a negative offset', () => {
    const row = newReminderRow('UTC', Date.parse('2026-11-27T10:00:00Z'));
    expect(row).toMatchObject({ type: 'relative', amount: 30, unit: 'minutes', at: '2026-11-27T11:00' });
    expect(
      reminderInputs(
        [
          { ...row, amount: -5 },
          { ...row, type: 'absolute', at: '' },
        ],
        'UTC',
      ),
    ).toEqual([{ type: 'relative', minutesBefore: 0 }]);
  });
});

describe('tagList', () => {
  it('splits on commas, trims and drops # and empties', () => {
    expect(tagList(' home, #errands, ,')).toEqual(['home', 'errands']);
    expect(tagList('')).toEqual([]);
  });
});

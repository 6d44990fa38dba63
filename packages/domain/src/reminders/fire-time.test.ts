import { describe, expect, it } from 'vitest';
import { reminderFireAt } from './fire-time.js';

const owner = { timeZone: 'Europe/Berlin', reminderHour: 9 };
const id = '0193e2d4-0000-7000-8000-000000000001';

describe('reminderFireAt', () => {
  it('fires relative reminders before a timed due', () => {
    const task = { due: { dateTime: '2026-12-01T09:00:00', timeZone: 'America/New_York' }, dueAt: '2026-12-01T14:00:00.000Z' };
    expect(reminderFireAt({ id, type: 'relative', minutesBefore: 30 }, task, owner)?.toISOString()).toBe(
      '2026-12-01T13:30:00.000Z',
    );
  });

  it('fires relative reminders of all-day tasks before the reminder hour in the owner zone', () => {
    const task = { due: { date: '2026-07-01' }, dueAt: '2026-06-30T22:00:00.000Z' };
    expect(reminderFireAt({ id, type: 'relative', minutesBefore: 0 }, task, owner)?.toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    expect(
      reminderFireAt({ id, type: 'relative', minutesBefore: 60 * 24 }, task, { ...owner, reminderHour: 18 })?.toISOString(),
    ).toBe('2026-06-30T16:00:00.000Z');
  });

  it('fires absolute reminders at their instant, and a snooze wins over both', () => {
    const task = { due: null, dueAt: null };
    expect(reminderFireAt({ id, type: 'absolute', at: '2026-12-01T08:00:00+01:00' }, task, owner)?.toISOString()).toBe(
      '2026-12-01T07:00:00.000Z',
    );
    expect(
      reminderFireAt(
        { id, type: 'relative', minutesBefore: 5, snoozedUntil: '2026-12-01T10:00:00.000Z' },
        task,
        owner,
      )?.toISOString(),
    ).toBe('2026-12-01T10:00:00.000Z');
  });

  it('has no fire time for a relative reminder without a due', () => {
    expect(reminderFireAt({ id, type: 'relative', minutesBefore: 5 }, { due: null, dueAt: null }, owner)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { addDays, parseQuickAdd, parseTime } from '../src/quickadd.js';

// 2026-11-27 is a Friday.
const today = '2026-11-27';

describe('parseQuickAdd', () => {
  it('parses the issue example: recurrence phrase, time, tag, priority', () => {
    expect(parseQuickAdd('Pay rent every month on the 1st at 9am #home !high', today)).toEqual({
      title: 'Pay rent',
      date: null,
      time: '09:00',
      recurrence: 'every month on the 1st',
      tags: ['home'],
      category: null,
      priority: 'high',
      remindersMinutesBefore: [],
    });
  });

  it('keeps a plain title untouched', () => {
    const r = parseQuickAdd('Buy 2 apples', today);
    expect(r.title).toBe('Buy 2 apples');
    expect(r.date).toBeNull();
    expect(r.time).toBeNull();
  });

  it('reads today, tomorrow and tonight', () => {
    expect(parseQuickAdd('Call mom tomorrow', today)).toMatchObject({ title: 'Call mom', date: '2026-11-28' });
    expect(parseQuickAdd('Report today at 17:30', today)).toMatchObject({ title: 'Report', date: today, time: '17:30' });
    expect(parseQuickAdd('Film tonight', today)).toMatchObject({ title: 'Film', date: today, time: '20:00' });
  });

  it('reads weekday names as the next such day', () => {
    expect(parseQuickAdd('Gym monday', today).date).toBe('2026-11-30');
    expect(parseQuickAdd('Gym on fri', today).date).toBe('2026-12-04'); // today is Friday: next week
    expect(parseQuickAdd('Plan next wed 2pm', today)).toMatchObject({ title: 'Plan', date: '2026-12-02', time: '14:00' });
  });

  it('does not mistake words containing weekday prefixes for dates', () => {
    const r = parseQuickAdd('Submit monthly report friday', today);
    expect(r.title).toBe('Submit monthly report');
    expect(r.date).toBe('2026-12-04');
  });

  it('reads month-day dates and rolls past dates to next year', () => {
    expect(parseQuickAdd('Party dec 24', today).date).toBe('2026-12-24');
    expect(parseQuickAdd('Taxes 15th of april', today).date).toBe('2027-04-15');
    expect(parseQuickAdd('Trip on march 3rd', today).date).toBe('2027-03-03');
    expect(parseQuickAdd('Launch 2027-02-28', today).date).toBe('2027-02-28');
    expect(parseQuickAdd('Bad 2027-02-30', today)).toMatchObject({ date: null, title: 'Bad 2027-02-30' });
  });

  it('reads relative dates', () => {
    expect(parseQuickAdd('Follow up in 3 days', today).date).toBe('2026-11-30');
    expect(parseQuickAdd('Review in 2 weeks', today).date).toBe('2026-12-11');
    expect(parseQuickAdd('Renew in 3 months', '2026-11-30').date).toBe('2027-02-28');
  });

  it('reads priorities, categories, several tags and reminders', () => {
    expect(parseQuickAdd('Fix prod !1 @work #ops #urgent-ish #ops', today)).toMatchObject({
      title: 'Fix prod',
      priority: 'urgent',
      category: 'work',
      tags: ['ops', 'urgent-ish'],
    });
    expect(parseQuickAdd('Dentist tomorrow at 10am remind me 1 hour before', today)).toMatchObject({
      title: 'Dentist',
      date: '2026-11-28',
      time: '10:00',
      remindersMinutesBefore: [60],
    });
    expect(parseQuickAdd('Water plants every weekday remind 15 min before', today)).toMatchObject({
      title: 'Water plants',
      recurrence: 'every weekday',
      remindersMinutesBefore: [15],
    });
  });

  it('reads the short recurrence words', () => {
    expect(parseQuickAdd('Standup daily at 9:15', today)).toMatchObject({ title: 'Standup', recurrence: 'daily', time: '09:15' });
    expect(parseQuickAdd('Review each week', today)).toMatchObject({ title: 'Review', recurrence: 'every week' });
    expect(parseQuickAdd('Sync every 2 weeks on mon,fri !low', today)).toMatchObject({
      title: 'Sync',
      recurrence: 'every 2 weeks on mon,fri',
      priority: 'low',
    });
  });

  it('leaves an email-like or #-less text alone', () => {
    expect(parseQuickAdd('Mail a@b.c about C#', today).title).toBe('Mail a@b.c about C#');
  });
});

describe('parseTime', () => {
  it.each([
    ['9am', '09:00'],
    ['12am', '00:00'],
    ['12pm', '12:00'],
    ['9:30 pm', '21:30'],
    ['14:00', '14:00'],
    ['noon', '12:00'],
    ['9', null],
    ['13pm', null],
    ['25:00', null],
  ])('%s → %s', (text, expected) => expect(parseTime(text)).toBe(expected));
});

describe('addDays', () => {
  it('crosses month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});

/** Quick add through the web's own entry point: the domain's phrase parser → the task sent to the API. */
import { describe, expect, it } from 'vitest';
import { parseTaskPhrase } from '@todo/domain/browser';
import { optimisticTask, quickAddDue, quickAddInput } from '../src/shell/quickAddTask.js';

// Monday 2026-12-07, 10:30 in Berlin.
const clock = { now: '2026-12-07T09:30:00Z', timeZone: 'Europe/Berlin' };
const parse = (text: string) => parseTaskPhrase(text, clock);
const send = (text: string, firstDate: string | null = null, projectId?: string) => {
  const parsed = parse(text);
  return quickAddInput(parsed, quickAddDue(parsed, firstDate, clock.timeZone), projectId);
};

describe('quick add → the task to create', () => {
  it('sends only what was given', () => {
    expect(send('Call the bank')).toEqual({ title: 'Call the bank' });
  });

  it('takes the phrases out of the title that it used to leave in', () => {
    expect(send('Call mom yesterday')).toEqual({ title: 'Call mom', due: { date: '2026-12-06' } });
    expect(send('Review next week')).toEqual({ title: 'Review', due: { date: '2026-12-14' } });
    expect(send('Pay on the 15th')).toEqual({ title: 'Pay', due: { date: '2026-12-15' } });
    // 09:00 has passed at 10:30: tomorrow, in the user's zone.
    expect(send('Standup 09:00')).toEqual({
      title: 'Standup',
      due: { dateTime: '2026-12-08T09:00:00', timeZone: 'Europe/Berlin' },
    });
  });

  it('sends the understood rule, and keeps words it does not understand in the title', () => {
    expect(send('Gym every fortnight', '2026-12-07')).toMatchObject({
      title: 'Gym',
      due: { date: '2026-12-07' },
      recurrence: { rule: 'FREQ=WEEKLY;INTERVAL=2', repeatFrom: 'due' },
    });
    expect(send('Run every other tuesday', '2026-12-08').recurrence).toEqual({
      rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU',
      repeatFrom: 'due',
    });
    expect(send('Check every room')).toEqual({ title: 'Check every room' });
  });

  it('starts a series without a date on its first date, at the typed time', () => {
    expect(send('Pay rent every month on the 1st at 9am #home !high remind me 1 hour before', '2027-01-01', 'c1')).toEqual({
      title: 'Pay rent',
      priority: 'high',
      due: { dateTime: '2027-01-01T09:00:00', timeZone: 'Europe/Berlin' },
      recurrence: { rule: 'FREQ=MONTHLY;BYMONTHDAY=1', repeatFrom: 'due' },
      tags: ['home'],
      reminders: [{ type: 'relative', minutesBefore: 60 }],
      projectId: 'c1',
    });
    // A typed date wins over the rule's first date.
    expect(send('Gym friday every week', '2026-12-07').due).toEqual({ date: '2026-12-11' });
  });
});

describe('optimisticTask', () => {
  it('is a pending open task with what the server will echo', () => {
    const parsed = parse('Water plants daily #home');
    const input = quickAddInput(parsed, quickAddDue(parsed, '2026-12-07', clock.timeZone), 'c1');
    expect(optimisticTask('tmp-1', parsed, input, '2026-12-07T09:30:00Z')).toMatchObject({
      id: 'tmp-1',
      number: 0,
      title: 'Water plants',
      priority: 'none',
      status: 'open',
      due: { date: '2026-12-07' },
      recurrence: { rule: 'FREQ=DAILY', repeatFrom: 'due', text: 'every day' },
      reminders: [],
      projectId: 'c1',
      tags: ['home'],
      createdAt: '2026-12-07T09:30:00Z',
    });
  });
});

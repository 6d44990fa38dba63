import { describe, expect, it } from 'vitest';
import { parseQuickAdd } from '../src/quickadd.js';
import { optimisticTask, quickAddInput } from '../src/shell/quickAddTask.js';

const today = '2026-11-27';

describe('quickAddInput', () => {
  it('sends only what was given', () => {
    expect(quickAddInput(parseQuickAdd('Call the bank', today), null, undefined)).toEqual({ title: 'Call the bank' });
  });
  it('sends a date-time due, recurrence, tags, reminders and the category', () => {
    const parsed = parseQuickAdd('Pay rent every month on the 1st at 9am #home !high remind me 1 hour before', today);
    expect(quickAddInput(parsed, '2026-12-01', 'c1')).toEqual({
      title: 'Pay rent',
      priority: 'high',
      due: { dateTime: '2026-12-01T09:00', timeZone: null },
      recurrence: { rule: 'every month on the 1st', repeatFrom: 'due' },
      tags: ['home'],
      reminders: [{ type: 'relative', minutesBefore: 60 }],
      categoryId: 'c1',
    });
  });
  it('sends an all-day due without a time', () => {
    expect(quickAddInput(parseQuickAdd('Buy milk tomorrow', today), '2026-11-28', undefined).due).toEqual({ date: '2026-11-28' });
  });
});

describe('optimisticTask', () => {
  it('is a pending open task with what the server will echo', () => {
    const parsed = parseQuickAdd('Water plants daily #home', today);
    const input = quickAddInput(parsed, today, 'c1');
    expect(optimisticTask('tmp-1', parsed, input, '2026-11-27T10:00:00Z')).toMatchObject({
      id: 'tmp-1',
      number: 0,
      title: 'Water plants',
      priority: 'none',
      status: 'open',
      due: { date: today },
      recurrence: { rule: '', repeatFrom: 'due', text: 'daily' },
      reminders: [],
      categoryId: 'c1',
      tags: ['home'],
      createdAt: '2026-11-27T10:00:00Z',
    });
  });
});

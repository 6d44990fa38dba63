import { describe, it, expect } from 'vitest';
import { DomainError, type ErrorCode } from '../errors.js';
import {
  assertRepeatsBeforeUntil,
  firstOccurrenceOnOrAfter,
  nextOccurrence,
  previewOccurrences,
  type NextOccurrenceInput,
} from './index.js';

function expectError(fn: () => unknown, code: ErrorCode, field: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect((error as DomainError).issues[0]?.field).toBe(field);
    return;
  }
  throw new Error('expected a DomainError');
}

const preview = (rule: string, start: string, count = 6, after?: string, timeZone = 'Europe/Berlin'): string[] =>
  previewOccurrences({ rule, start, timeZone, count, ...(after === undefined ? {} : { after }) });

const next = (input: Partial<NextOccurrenceInput> & Pick<NextOccurrenceInput, 'rule' | 'current'>): string | null =>
  nextOccurrence({
    seriesStart: input.current,
    occurrenceIndex: 0,
    repeatFrom: 'due',
    timeZone: 'Europe/Berlin',
    ...input,
  });

describe('previewOccurrences', () => {
  it('weekly BYDAY=MO,FR', () => {
    expect(preview('FREQ=WEEKLY;BYDAY=MO,FR', '2026-03-02T09:00')).toEqual([
      '2026-03-02T09:00:00',
      '2026-03-06T09:00:00',
      '2026-03-09T09:00:00',
      '2026-03-13T09:00:00',
      '2026-03-16T09:00:00',
      '2026-03-20T09:00:00',
    ]);
  });

  it('every 2 weeks on Monday and Friday keeps the fortnight phase of the start', () => {
    expect(preview('every 2 weeks on mon and fri', '2026-03-02', 5)).toEqual([
      '2026-03-02',
      '2026-03-06',
      '2026-03-16',
      '2026-03-20',
      '2026-03-30',
    ]);
  });

  it('monthly BYDAY=-1FR (last Friday)', () => {
    expect(preview('FREQ=MONTHLY;BYDAY=-1FR', '2026-01-30', 5)).toEqual([
      '2026-01-30',
      '2026-02-27',
      '2026-03-27',
      '2026-04-24',
      '2026-05-29',
    ]);
  });

  it('BYMONTHDAY=31 skips months without a 31st', () => {
    expect(preview('FREQ=MONTHLY;BYMONTHDAY=31', '2026-01-31', 7)).toEqual([
      '2026-01-31',
      '2026-03-31',
      '2026-05-31',
      '2026-07-31',
      '2026-08-31',
      '2026-10-31',
      '2026-12-31',
    ]);
  });

  it('BYMONTHDAY=-1 is the last day of every month, leap years included', () => {
    expect(preview('FREQ=MONTHLY;BYMONTHDAY=-1', '2028-01-31T18:30', 4)).toEqual([
      '2028-01-31T18:30:00',
      '2028-02-29T18:30:00',
      '2028-03-31T18:30:00',
      '2028-04-30T18:30:00',
    ]);
  });

  it('includes a start that does not match the rule as the first occurrence', () => {
    // 2026-03-04 is a Wednesday.
    expect(preview('FREQ=WEEKLY;BYDAY=MO', '2026-03-04', 3)).toEqual(['2026-03-04', '2026-03-09', '2026-03-16']);
  });

  it('COUNT counts the start: COUNT=3 yields three occurrences', () => {
    expect(preview('FREQ=WEEKLY;BYDAY=MO;COUNT=3', '2026-03-04', 10)).toEqual(['2026-03-04', '2026-03-09', '2026-03-16']);
    expect(preview('FREQ=DAILY;COUNT=3', '2026-03-01', 10, '2026-03-01')).toEqual(['2026-03-02', '2026-03-03']);
  });

  it('UNTIL as a date is inclusive', () => {
    expect(preview('FREQ=DAILY;UNTIL=20260305', '2026-03-01T23:00', 10)).toEqual([
      '2026-03-01T23:00:00',
      '2026-03-02T23:00:00',
      '2026-03-03T23:00:00',
      '2026-03-04T23:00:00',
      '2026-03-05T23:00:00',
    ]);
  });

  it('UNTIL as an instant is compared in the task zone', () => {
    // 09:00 Berlin (CET) = 08:00Z: the 08:00Z limit on the 3rd keeps the 3rd, not the 4th.
    expect(preview('FREQ=DAILY;UNTIL=20260303T080000Z', '2026-03-01T09:00', 10)).toEqual([
      '2026-03-01T09:00:00',
      '2026-03-02T09:00:00',
      '2026-03-03T09:00:00',
    ]);
    expect(preview('FREQ=DAILY;UNTIL=20260303T075959Z', '2026-03-01T09:00', 10)).toHaveLength(2);
    // All-day series compare dates: 20260303T230000Z is already the 4th in Berlin.
    expect(preview('FREQ=DAILY;UNTIL=20260303T230000Z', '2026-03-01', 10)).toHaveLength(4);
  });

  it('after returns only occurrences strictly after it', () => {
    const rule = 'FREQ=WEEKLY;BYDAY=MO,FR';
    expect(preview(rule, '2026-03-02T09:00', 2, '2026-03-06T09:00')).toEqual(['2026-03-09T09:00:00', '2026-03-13T09:00:00']);
    expect(preview(rule, '2026-03-02T09:00', 2, '2026-03-06T08:59:59')).toEqual(['2026-03-06T09:00:00', '2026-03-09T09:00:00']);
    expect(preview(rule, '2026-03-02', 1, '2026-03-01')).toEqual(['2026-03-02']);
    expect(preview(rule, '2026-03-02', 2, '2040-01-01')).toEqual(['2040-01-02', '2040-01-06']);
  });

  it('accepts a phrase as the rule', () => {
    expect(preview('every 2nd tuesday of the month', '2026-01-13', 3)).toEqual(['2026-01-13', '2026-02-10', '2026-03-10']);
  });

  it('does not hang on rules that never match again', () => {
    const started = performance.now();
    expect(preview('FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=5MO', '2026-01-01', 5)).toEqual(['2026-01-01']);
    expect(preview('FREQ=MONTHLY;INTERVAL=12;BYMONTH=4', '2026-01-10', 5)).toEqual(['2026-01-10']);
    expect(performance.now() - started).toBeLessThan(5_000);
    expectError(() => preview('FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2', '2026-01-31'), 'INVALID_RECURRENCE', 'rule');
  });

  it('finds rare but possible dates (Feb 29, a fifth Friday in February)', () => {
    expect(preview('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', '2026-01-01', 3)).toEqual(['2026-01-01', '2028-02-29', '2032-02-29']);
    expect(preview('FREQ=YEARLY;BYMONTH=2;BYDAY=5FR', '2026-01-01', 2)).toEqual(['2026-01-01', '2036-02-29']);
  });

  it('stops at the last supported year, 2999', () => {
    expect(preview('FREQ=YEARLY;INTERVAL=500', '2000-01-01', 5)).toEqual(['2000-01-01', '2500-01-01']);
    expect(preview('FREQ=YEARLY', '2998-06-01', 5)).toEqual(['2998-06-01', '2999-06-01']);
  });

  it('refuses a start outside 1900–2999', () => {
    expectError(() => preview('FREQ=DAILY', '0001-01-01'), 'INVALID_DUE', 'start');
    expectError(() => preview('FREQ=DAILY', '3000-01-01T09:00'), 'INVALID_DUE', 'start');
  });

  it('validates its input', () => {
    expectError(() => preview('FREQ=DAILY', '2026-03-01', 0), 'VALIDATION_FAILED', 'count');
    expectError(() => preview('FREQ=DAILY', '2026-03-01', 101), 'VALIDATION_FAILED', 'count');
    expectError(() => preview('FREQ=DAILY', '2026-03-01', 2.5), 'VALIDATION_FAILED', 'count');
    expectError(() => preview('FREQ=DAILY', '2026-02-30'), 'INVALID_DUE', 'start');
    expectError(() => preview('FREQ=DAILY', '2026-03-01', 3, '2026-03-01T10:00'), 'INVALID_DUE', 'after');
    expectError(() => preview('FREQ=DAILY', '2026-03-01T10:00', 3, '2026-03-01'), 'INVALID_DUE', 'after');
    expectError(() => preview('FREQ=SECONDLY', '2026-03-01'), 'INVALID_RECURRENCE', 'rule');
    expectError(() => preview('FREQ=DAILY', '2026-03-01', 3, undefined, 'Berlin'), 'INVALID_TIME_ZONE', 'timeZone');
  });
});

describe('nextOccurrence', () => {
  it("repeatFrom 'due' returns the next rule instance after current", () => {
    const rule = 'FREQ=WEEKLY;BYDAY=MO,FR';
    expect(next({ rule, seriesStart: '2026-03-02T09:00', current: '2026-03-06T09:00:00', occurrenceIndex: 1 })).toBe(
      '2026-03-09T09:00:00',
    );
    expect(next({ rule: 'FREQ=MONTHLY;BYDAY=-1FR', current: '2026-01-30' })).toBe('2026-02-27');
    expect(next({ rule: 'FREQ=MONTHLY;BYMONTHDAY=31', current: '2026-01-31' })).toBe('2026-03-31');
    expect(next({ rule: 'FREQ=MONTHLY;BYMONTHDAY=-1', current: '2026-01-31' })).toBe('2026-02-28');
  });

  it('keeps the interval phase of the series start', () => {
    const rule = 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO';
    // The series runs on the Mondays of Mar 2, 16, 30 …; a due moved to Mar 10 goes on to Mar 16.
    expect(next({ rule, seriesStart: '2026-03-02', current: '2026-03-10', occurrenceIndex: 1 })).toBe('2026-03-16');
  });

  it('COUNT=3 stops after the third occurrence', () => {
    const rule = 'FREQ=DAILY;COUNT=3';
    const base = { rule, seriesStart: '2026-03-01T08:00' };
    expect(next({ ...base, current: '2026-03-01T08:00:00', occurrenceIndex: 0 })).toBe('2026-03-02T08:00:00');
    expect(next({ ...base, current: '2026-03-02T08:00:00', occurrenceIndex: 1 })).toBe('2026-03-03T08:00:00');
    expect(next({ ...base, current: '2026-03-03T08:00:00', occurrenceIndex: 2 })).toBeNull();
    expect(
      next({ ...base, current: '2026-03-03T08:00:00', occurrenceIndex: 2, repeatFrom: 'completion', completedOn: '2026-03-03' }),
    ).toBeNull();
  });

  it('UNTIL ends the series', () => {
    const rule = 'FREQ=WEEKLY;UNTIL=20260315';
    expect(next({ rule, current: '2026-03-01' })).toBe('2026-03-08');
    expect(next({ rule, seriesStart: '2026-03-01', current: '2026-03-08', occurrenceIndex: 1 })).toBe('2026-03-15');
    expect(next({ rule, seriesStart: '2026-03-01', current: '2026-03-15', occurrenceIndex: 2 })).toBeNull();
    expect(next({ rule, current: '2026-03-10', repeatFrom: 'completion', completedOn: '2026-03-10' })).toBeNull();
  });

  it("every 3 days from completion: done on the 10th → due on the 13th at current's time", () => {
    expect(
      next({
        rule: 'every 3 days',
        seriesStart: '2026-03-01T07:15',
        current: '2026-03-07T07:15:00',
        occurrenceIndex: 2,
        repeatFrom: 'completion',
        completedOn: '2026-03-10',
      }),
    ).toBe('2026-03-13T07:15:00');
    expect(
      next({ rule: 'FREQ=DAILY;INTERVAL=3', current: '2026-03-07', repeatFrom: 'completion', completedOn: '2026-03-10' }),
    ).toBe('2026-03-13');
  });

  it('from completion, plain intervals clamp to the end of shorter months', () => {
    expect(next({ rule: 'FREQ=MONTHLY', current: '2026-01-31', repeatFrom: 'completion', completedOn: '2026-01-31' })).toBe(
      '2026-02-28',
    );
    expect(next({ rule: 'FREQ=YEARLY', current: '2028-02-29', repeatFrom: 'completion', completedOn: '2028-02-29' })).toBe(
      '2029-02-28',
    );
    expect(
      next({ rule: 'FREQ=WEEKLY;INTERVAL=2', current: '2026-03-02', repeatFrom: 'completion', completedOn: '2026-03-05' }),
    ).toBe('2026-03-19');
  });

  it('from completion, BY* rules take the first instance strictly after the completion day', () => {
    const weekly = { rule: 'FREQ=WEEKLY;BYDAY=MO,FR', current: '2026-03-02T09:00:00', repeatFrom: 'completion' as const };
    expect(next({ ...weekly, completedOn: '2026-03-03' })).toBe('2026-03-06T09:00:00');
    expect(next({ ...weekly, completedOn: '2026-03-06' })).toBe('2026-03-09T09:00:00');
    const monthly = { rule: 'FREQ=MONTHLY;BYMONTHDAY=15', current: '2026-03-15', repeatFrom: 'completion' as const };
    expect(next({ ...monthly, completedOn: '2026-03-10' })).toBe('2026-03-15');
    expect(next({ ...monthly, completedOn: '2026-03-15' })).toBe('2026-04-15');
    expect(next({ ...monthly, completedOn: '2026-03-20' })).toBe('2026-04-15');
    // The completion week is the first period, so INTERVAL still applies.
    expect(
      next({
        rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO',
        current: '2026-03-02',
        repeatFrom: 'completion',
        completedOn: '2026-03-04',
      }),
    ).toBe('2026-03-16');
  });

  it('validates its input', () => {
    expectError(
      () => next({ rule: 'FREQ=DAILY', current: '2026-03-01', repeatFrom: 'completion' }),
      'INVALID_DUE',
      'completedOn',
    );
    expectError(
      () => next({ rule: 'FREQ=DAILY', current: '2026-03-01', repeatFrom: 'completion', completedOn: '2026-3-1' }),
      'INVALID_DUE',
      'completedOn',
    );
    expectError(
      () => next({ rule: 'FREQ=DAILY', seriesStart: '2026-03-01', current: '2026-03-01T09:00' }),
      'INVALID_DUE',
      'current',
    );
    expectError(
      () => next({ rule: 'FREQ=DAILY', current: '2026-03-01', occurrenceIndex: -1 }),
      'VALIDATION_FAILED',
      'occurrenceIndex',
    );
    expectError(
      () => next({ rule: 'FREQ=DAILY', current: '2026-03-01', repeatFrom: 'whenever' as NextOccurrenceInput['repeatFrom'] }),
      'VALIDATION_FAILED',
      'repeatFrom',
    );
    expectError(() => next({ rule: 'FREQ=DAILY;BYHOUR=9', current: '2026-03-01' }), 'INVALID_RECURRENCE', 'rule');
    expectError(
      () => next({ rule: 'FREQ=DAILY', current: '2026-03-01', timeZone: 'Nope/Nope' }),
      'INVALID_TIME_ZONE',
      'timeZone',
    );
  });
});

describe('firstOccurrenceOnOrAfter', () => {
  it('is the day itself when the rule produces it, else the rule’s next date', () => {
    // 2026-12-07 is a Monday.
    expect(firstOccurrenceOnOrAfter('FREQ=WEEKLY;BYDAY=WE', '2026-12-07')).toBe('2026-12-09');
    expect(firstOccurrenceOnOrAfter('FREQ=WEEKLY;BYDAY=MO', '2026-12-07')).toBe('2026-12-07');
    expect(firstOccurrenceOnOrAfter('FREQ=MONTHLY;BYMONTHDAY=1', '2026-12-07')).toBe('2027-01-01');
    expect(firstOccurrenceOnOrAfter('FREQ=DAILY', '2026-12-07')).toBe('2026-12-07');
    expect(firstOccurrenceOnOrAfter('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', '2999-03-01')).toBeNull();
  });
});

describe('assertRepeatsBeforeUntil', () => {
  it('refuses an UNTIL before the first repeat after the start, in the series zone', () => {
    expect(() => assertRepeatsBeforeUntil('FREQ=DAILY;UNTIL=20261208', '2026-12-07', 'UTC')).not.toThrow();
    expectError(
      () => assertRepeatsBeforeUntil('FREQ=DAILY;UNTIL=20261207', '2026-12-07', 'UTC'),
      'INVALID_RECURRENCE',
      'recurrence.rule',
    );
    expectError(
      () => assertRepeatsBeforeUntil('FREQ=WEEKLY;BYDAY=WE;UNTIL=20261208', '2026-12-07', 'UTC'),
      'INVALID_RECURRENCE',
      'recurrence.rule',
    );
    // 09:00 in New York on the 8th is 14:00Z: an UNTIL of 13:00Z ends the series first.
    expectError(
      () => assertRepeatsBeforeUntil('FREQ=DAILY;UNTIL=20261208T130000Z', '2026-12-07T09:00', 'America/New_York'),
      'INVALID_RECURRENCE',
      'recurrence.rule',
    );
    expect(() =>
      assertRepeatsBeforeUntil('FREQ=DAILY;UNTIL=20261208T140000Z', '2026-12-07T09:00', 'America/New_York'),
    ).not.toThrow();
    expect(() => assertRepeatsBeforeUntil('FREQ=DAILY;COUNT=1', '2026-12-07', 'UTC')).not.toThrow();
  });
});

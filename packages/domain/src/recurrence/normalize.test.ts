import { describe, it, expect } from 'vitest';
import { DomainError } from '../errors.js';
import { describeRecurrence, normalizeRecurrence } from './index.js';

function recurrenceError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('normalizeRecurrence: phrases', () => {
  it.each([
    ['daily', 'FREQ=DAILY', 'every day'],
    ['every day', 'FREQ=DAILY', 'every day'],
    ['every 3 days', 'FREQ=DAILY;INTERVAL=3', 'every 3 days'],
    ['every weekday', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'every weekday'],
    ['every weekend', 'FREQ=WEEKLY;BYDAY=SA,SU', 'every weekend'],
    ['weekly', 'FREQ=WEEKLY', 'every week'],
    ['every week', 'FREQ=WEEKLY', 'every week'],
    ['every other week', 'FREQ=WEEKLY;INTERVAL=2', 'every 2 weeks'],
    ['every second week', 'FREQ=WEEKLY;INTERVAL=2', 'every 2 weeks'],
    ['every third month', 'FREQ=MONTHLY;INTERVAL=3', 'every 3 months'],
    ['every 15th', 'FREQ=MONTHLY;BYMONTHDAY=15', 'every month on day 15'],
    ['every 2 weeks on mon and fri', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', 'every 2 weeks on Monday and Friday'],
    ['every 2 weeks on mon,fri', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', 'every 2 weeks on Monday and Friday'],
    ['every monday', 'FREQ=WEEKLY;BYDAY=MO', 'every Monday'],
    ['every mon, wed and fri', 'FREQ=WEEKLY;BYDAY=MO,WE,FR', 'every Monday, Wednesday and Friday'],
    ['monthly', 'FREQ=MONTHLY', 'every month'],
    ['every month', 'FREQ=MONTHLY', 'every month'],
    ['every month on the 1st', 'FREQ=MONTHLY;BYMONTHDAY=1', 'every month on day 1'],
    ['every month on the 15th', 'FREQ=MONTHLY;BYMONTHDAY=15', 'every month on day 15'],
    ['monthly on the last day', 'FREQ=MONTHLY;BYMONTHDAY=-1', 'every month on the last day'],
    ['monthly on the last friday', 'FREQ=MONTHLY;BYDAY=-1FR', 'every month on the last Friday'],
    ['last friday of the month', 'FREQ=MONTHLY;BYDAY=-1FR', 'every month on the last Friday'],
    ['every 2nd tuesday of the month', 'FREQ=MONTHLY;BYDAY=2TU', 'every month on the 2nd Tuesday'],
    ['yearly', 'FREQ=YEARLY', 'every year'],
    ['every year', 'FREQ=YEARLY', 'every year'],
    ['annually', 'FREQ=YEARLY', 'every year'],
    ['every 3 months', 'FREQ=MONTHLY;INTERVAL=3', 'every 3 months'],
  ])('%j → %s', (phrase, rule, text) => {
    expect(normalizeRecurrence(phrase)).toEqual({ rule, text });
  });

  it.each([
    ['every day until 2027-06-30', 'FREQ=DAILY;UNTIL=20270630'],
    ['every 2 weeks on mon and fri until 2027-06-30', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;UNTIL=20270630'],
    ['every week for 5 times', 'FREQ=WEEKLY;COUNT=5'],
    ['every week 5 times', 'FREQ=WEEKLY;COUNT=5'],
    ['every 3 days, 5 times', 'FREQ=DAILY;INTERVAL=3;COUNT=5'],
    ['monthly on the last friday for 12 times', 'FREQ=MONTHLY;BYDAY=-1FR;COUNT=12'],
    ['every weekday 10 times', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10'],
    ['every mon, wed and fri until 2027-06-30', 'FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20270630'],
    ['every day until 30 Jun 2027', 'FREQ=DAILY;UNTIL=20270630'],
    ['every day until june 30, 2027', 'FREQ=DAILY;UNTIL=20270630'],
    ['every day until 30 Jun 2027 at 09:00 UTC', 'FREQ=DAILY;UNTIL=20270630T090000Z'],
    ['every month on the 1st, once', 'FREQ=MONTHLY;BYMONTHDAY=1;COUNT=1'],
  ])('suffix: %j → %s', (phrase, rule) => {
    expect(normalizeRecurrence(phrase).rule).toBe(rule);
  });

  it.each([
    ['  Every   2  Weeks  ON Mon AND Fri  ', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR'],
    ['EVERY WEEKDAY', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'],
    ['Every Mon , Wed, and Fri.', 'FREQ=WEEKLY;BYDAY=MO,WE,FR'],
    ['every fri and mon', 'FREQ=WEEKLY;BYDAY=MO,FR'],
    ['every mondays', 'FREQ=WEEKLY;BYDAY=MO'],
    ['fortnightly', 'FREQ=WEEKLY;INTERVAL=2'],
    ['every other month', 'FREQ=MONTHLY;INTERVAL=2'],
    ['every fortnight', 'FREQ=WEEKLY;INTERVAL=2'],
    ['every other tuesday', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU'],
    ['every other mon and thu', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH'],
    ['every 2 years', 'FREQ=YEARLY;INTERVAL=2'],
    ['the last friday of every month', 'FREQ=MONTHLY;BYDAY=-1FR'],
    ['every first monday of the month', 'FREQ=MONTHLY;BYDAY=1MO'],
    ['every month on the 2nd to last day', 'FREQ=MONTHLY;BYMONTHDAY=-2'],
    ['every month on the second last friday', 'FREQ=MONTHLY;BYDAY=-2FR'],
    ['every month on the 1st and 15th', 'FREQ=MONTHLY;BYMONTHDAY=1,15'],
    ['every month on days 15 and 1', 'FREQ=MONTHLY;BYMONTHDAY=1,15'],
    ['every month on day 31', 'FREQ=MONTHLY;BYMONTHDAY=31'],
    ['every year on the last sunday in march', 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU'],
    ['every year in december on day 25', 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25'],
    ['every weekday in jan and feb', 'FREQ=WEEKLY;BYMONTH=1,2;BYDAY=MO,TU,WE,TH,FR'],
    ['every 2 weeks on weekdays', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR'],
  ])('tolerates %j', (phrase, rule) => {
    expect(normalizeRecurrence(phrase).rule).toBe(rule);
  });
});

describe('normalizeRecurrence: RRULE text', () => {
  it.each([
    ['FREQ=DAILY', 'FREQ=DAILY'],
    ['RRULE:FREQ=WEEKLY;BYDAY=FR,MO', 'FREQ=WEEKLY;BYDAY=MO,FR'],
    ['rrule:freq=weekly;byday=mo,fr', 'FREQ=WEEKLY;BYDAY=MO,FR'],
    ['BYDAY=MO,FR;FREQ=WEEKLY;INTERVAL=1', 'FREQ=WEEKLY;BYDAY=MO,FR'],
    ['FREQ=WEEKLY;WKST=MO;BYDAY=MO', 'FREQ=WEEKLY;BYDAY=MO'],
    [' RRULE: FREQ = MONTHLY ; BYDAY = -1fr ; ', 'FREQ=MONTHLY;BYDAY=-1FR'],
    ['FREQ=MONTHLY;BYDAY=+2TU', 'FREQ=MONTHLY;BYDAY=2TU'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1,15,1,15', 'FREQ=MONTHLY;BYMONTHDAY=1,15,-1'],
    ['COUNT=5;;FREQ=DAILY;', 'FREQ=DAILY;COUNT=5'],
    [
      'WKST=SU;UNTIL=20270630T090000Z;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR;BYMONTHDAY=1;BYMONTH=3,1;INTERVAL=2;FREQ=YEARLY',
      'FREQ=YEARLY;INTERVAL=2;BYMONTH=1,3;BYMONTHDAY=1;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;UNTIL=20270630T090000Z;WKST=SU',
    ],
    ['FREQ=YEARLY;BYDAY=20MO', 'FREQ=YEARLY;BYDAY=20MO'],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29'],
    ['FREQ=DAILY;UNTIL=20270630', 'FREQ=DAILY;UNTIL=20270630'],
    ['FREQ=MONTHLY;BYDAY=SU,-1SU,1SU', 'FREQ=MONTHLY;BYDAY=SU,1SU,-1SU'],
  ])('%j → %s', (input, rule) => {
    expect(normalizeRecurrence(input).rule).toBe(rule);
  });
});

describe('normalizeRecurrence: errors', () => {
  it.each([
    ['FREQ=HOURLY', /HOURLY is not supported/],
    ['FREQ=MINUTELY', /MINUTELY is not supported/],
    ['FREQ=FORTNIGHTLY', /FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY/],
    ['INTERVAL=2', /FREQ is required/],
    ['FREQ=DAILY;INTERVAL=0', /INTERVAL must be an integer from 1 to 999/],
    ['FREQ=DAILY;INTERVAL=1000', /INTERVAL must be an integer from 1 to 999/],
    ['FREQ=DAILY;INTERVAL=two', /INTERVAL must be an integer/],
    ['FREQ=WEEKLY;BYDAY=2MO', /numbered weekdays are only valid with FREQ=MONTHLY or YEARLY/],
    ['FREQ=DAILY;BYDAY=-1FR', /numbered weekdays/],
    ['FREQ=MONTHLY;BYDAY=6MO', /BYDAY ordinal must be an integer from -5 to 5/],
    ['FREQ=YEARLY;BYDAY=54MO', /BYDAY ordinal must be an integer from -53 to 53/],
    ['FREQ=WEEKLY;BYDAY=XX', /BYDAY value "XX" is not a weekday/],
    ['FREQ=MONTHLY;BYDAY=0MO', /ordinal 0/],
    ['FREQ=MONTHLY;BYMONTHDAY=0', /BYMONTHDAY must be an integer from -31 to 31, not 0/],
    ['FREQ=MONTHLY;BYMONTHDAY=32', /BYMONTHDAY must be/],
    ['FREQ=WEEKLY;BYMONTHDAY=1', /BYMONTHDAY cannot be used with FREQ=WEEKLY/],
    ['FREQ=YEARLY;BYMONTH=13', /BYMONTH must be an integer from 1 to 12/],
    ['FREQ=DAILY;COUNT=0', /COUNT must be an integer from 1 to 1000/],
    ['FREQ=DAILY;COUNT=1001', /COUNT must be/],
    ['FREQ=DAILY;COUNT=3;UNTIL=20270101', /COUNT and UNTIL cannot be combined/],
    ['FREQ=DAILY;UNTIL=2027-06-30', /UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ/],
    ['FREQ=DAILY;UNTIL=20270631', /UNTIL must be/],
    ['FREQ=DAILY;UNTIL=20270630T090000', /UNTIL must be/],
    ['FREQ=WEEKLY;WKST=XY', /WKST must be a weekday code/],
    ['FREQ=DAILY;BYHOUR=9', /BYHOUR is not supported: the time of day comes from the task's due/],
    ['FREQ=YEARLY;BYWEEKNO=1', /BYWEEKNO is not supported/],
    ['FREQ=DAILY;X-NAME=1', /unknown rule part X-NAME/],
    ['FREQ=DAILY;COLOR=red', /unknown rule part COLOR/],
    ['FREQ=DAILY;FREQ=WEEKLY', /FREQ appears more than once/],
    ['FREQ=DAILY;BYDAY', /malformed rule part "BYDAY"/],
    ['FREQ=DAILY;BYDAY=', /BYDAY has no value/],
    ['FREQ=MONTHLY;BYSETPOS=1', /BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH/],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31', /never occurs/],
    ['FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31,-31', /never occurs/],
    ['FREQ=YEARLY;BYDAY=20MO,TU', /numbered weekdays \(like 20MO\) cannot be combined/],
    ['FREQ=YEARLY;BYMONTHDAY=1;BYDAY=1MO', /numbered weekdays \(like 20MO\) cannot be combined/],
    ['FREQ=DAILY;BYDAY=MO,TU;BYSETPOS=2', /BYSETPOS asks for more dates than one period can hold/],
    ['FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=3,-3', /BYSETPOS asks for more/],
    ['FREQ=MONTHLY;BYMONTHDAY=1,15;BYSETPOS=3', /BYSETPOS asks for more/],
    ['DTSTART:20260101T090000Z\nRRULE:FREQ=DAILY', /single RRULE line/],
    ['', /empty/],
    ['   ', /empty/],
    [`FREQ=DAILY;${'X'.repeat(600)}`, /longer than 500 characters/],
  ])('%j', (input, message) => {
    const error = recurrenceError(() => normalizeRecurrence(input));
    expect(error.code).toBe('INVALID_RECURRENCE');
    expect(error.issues[0]?.field).toBe('recurrence.rule');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['every blue moon', /could not understand "every blue moon"; try e.g. "every day"/],
    ['every', /could not understand/],
    ['sometimes', /could not understand/],
    ['every 0 days', /INTERVAL must be an integer from 1 to 999/],
    ['every 1000 days', /INTERVAL must be/],
    ['every day until 2027-02-30', /could not understand/],
    ['every day until 2027-06-30 at 09:00', /could not understand/],
    ['every day 5 times until 2027-01-01', /COUNT and UNTIL cannot be combined/],
    ['every month on day 13 and friday', /could not understand/],
    ['every week on the 2nd monday', /numbered weekdays are only valid/],
    ['every month on the 6th friday', /BYDAY ordinal must be/],
    ['every month on day 32', /BYMONTHDAY must be/],
    ['every week on day 3', /BYMONTHDAY cannot be used with FREQ=WEEKLY/],
    ['every monday on friday', /could not understand/],
    ['every day 0 times', /COUNT must be/],
    ['every year on day 31 in february', /never occurs/],
    ['every last', /could not understand/],
    ['hourly', /at most daily/],
    ['every second', /at most daily/],
    ['every 2nd hour', /at most daily/],
    ['every 15 minutes', /at most daily/],
    ['every other hour', /at most daily/],
    ['every day until 3000-01-01', /1900.2999/],
    ['FREQ=DAILY;UNTIL=18991231', /1900.2999/],
  ])('phrase %j', (input, message) => {
    const error = recurrenceError(() => normalizeRecurrence(input, 'task.recurrence'));
    expect(error.code).toBe('INVALID_RECURRENCE');
    expect(error.issues[0]?.field).toBe('task.recurrence');
    expect(error.message).toMatch(message);
  });

  it('rejects non-string input as a DomainError', () => {
    const error = recurrenceError(() => normalizeRecurrence(42 as unknown as string));
    expect(error.code).toBe('INVALID_RECURRENCE');
  });
});

describe('describeRecurrence', () => {
  it.each([
    ['FREQ=DAILY', 'every day'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', 'every 2 weeks on Monday and Friday'],
    ['FREQ=MONTHLY;BYDAY=-1FR', 'every month on the last Friday'],
    ['FREQ=MONTHLY;BYMONTHDAY=31', 'every month on day 31'],
    ['FREQ=MONTHLY;BYMONTHDAY=1,15,-1', 'every month on day 1, day 15 and the last day'],
    ['FREQ=MONTHLY;BYMONTHDAY=1,15', 'every month on days 1 and 15'],
    ['FREQ=YEARLY', 'every year'],
    ['FREQ=DAILY;INTERVAL=3;COUNT=5', 'every 3 days, 5 times'],
    ['FREQ=DAILY;COUNT=1', 'every day, 1 time'],
    ['FREQ=WEEKLY;UNTIL=20270630', 'every week until 30 Jun 2027'],
    ['FREQ=WEEKLY;UNTIL=20270630T093000Z', 'every week until 30 Jun 2027 at 09:30 UTC'],
    ['FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'every year on the last Sunday in March'],
    ['FREQ=YEARLY;BYMONTHDAY=15', 'every year on day 15 of every month'],
    ['FREQ=MONTHLY;BYDAY=-2FR', 'every month on the 2nd to last Friday'],
    ['FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR', 'every month on day 13 when that is Friday'],
    [
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'every month on Monday, Tuesday, Wednesday, Thursday and Friday (only the last of those dates in each month)',
    ],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU', 'every 2 weeks on Tuesday and Sunday (weeks start on Sunday)'],
  ])('%s → %j', (rule, text) => {
    expect(describeRecurrence(rule)).toBe(text);
  });

  it('throws INVALID_RECURRENCE for an invalid rule', () => {
    const error = recurrenceError(() => describeRecurrence('FREQ=SOMETIMES'));
    expect(error.code).toBe('INVALID_RECURRENCE');
    expect(error.issues[0]?.field).toBe('recurrence.rule');
  });
});

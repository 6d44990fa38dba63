import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DomainError, type ErrorCode } from '../errors.js';
import { addDaysToDate, instantToLocal, localToInstant, parseLocalDate, parseLocalDateTime, todayIn } from './index.js';

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

describe('parseLocalDate', () => {
  it.each(['2026-01-01', '2028-02-29', '2026-12-31', '1900-01-01', '2999-12-31'])('accepts %s', (s) => {
    expect(parseLocalDate(s, 'due.date')).toBe(s);
  });

  it.each(['0000-01-01', '0001-01-01', '1899-12-31', '3000-01-01', '9999-12-31'])('refuses %s: outside 1900–2999', (s) => {
    expectError(() => parseLocalDate(s, 'due.date'), 'INVALID_DUE', 'due.date');
    expectError(() => parseLocalDateTime(`${s}T00:00`, 'due.dateTime'), 'INVALID_DUE', 'due.dateTime');
  });

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-1-01',
    '20260101',
    ' 2026-01-01',
    '2026-01-01T00:00',
    '+002026-01-01',
    '2026-W01-1',
    '',
  ])('rejects %j with INVALID_DUE on the field', (s) =>
    expectError(() => parseLocalDate(s, 'due.date'), 'INVALID_DUE', 'due.date'),
  );
});

describe('parseLocalDateTime', () => {
  it.each([
    ['2026-03-08T02:30', '2026-03-08T02:30:00'],
    ['2026-03-08T02:30:15', '2026-03-08T02:30:15'],
    ['2026-12-31T23:59:59', '2026-12-31T23:59:59'],
    ['2026-01-01T00:00', '2026-01-01T00:00:00'],
  ])('normalises %s → %s', (input, output) => {
    expect(parseLocalDateTime(input, 'due.dateTime')).toBe(output);
  });

  it.each([
    '2026-03-08T24:00',
    '2026-03-08T23:60',
    '2026-03-08T23:59:60',
    '2026-03-08T02:30:00.5',
    '2026-03-08 02:30',
    '2026-03-08T02:30Z',
    '2026-03-08T02:30:00+01:00',
    '2026-02-30T10:00',
    '2026-03-08T2:30',
    '2026-03-08',
  ])('rejects %j with INVALID_DUE on the field', (s) =>
    expectError(() => parseLocalDateTime(s, 'due.dateTime'), 'INVALID_DUE', 'due.dateTime'),
  );
});

describe('localToInstant', () => {
  it.each([
    ['2026-12-01T09:00:00', 'Europe/Berlin', '2026-12-01T08:00:00Z'],
    ['2026-07-01T09:00:00', 'Europe/Berlin', '2026-07-01T07:00:00Z'],
    ['2026-01-15T09:00', 'America/New_York', '2026-01-15T14:00:00Z'],
    ['2026-07-15T09:00', 'America/New_York', '2026-07-15T13:00:00Z'],
    ['2026-01-15T09:00:00', 'Australia/Sydney', '2026-01-14T22:00:00Z'],
    ['2026-07-15T09:00:00', 'Australia/Sydney', '2026-07-14T23:00:00Z'],
    ['2026-07-15T09:00:00', 'UTC', '2026-07-15T09:00:00Z'],
    // Spring-forward gap: 02:30 does not exist and resolves forward to 03:30 EDT.
    ['2026-03-08T02:30:00', 'America/New_York', '2026-03-08T07:30:00Z'],
    ['2026-03-29T02:30:00', 'Europe/Berlin', '2026-03-29T01:30:00Z'],
    // Fall-back overlap: 01:30 happens twice; the earlier (EDT) instant wins.
    ['2026-11-01T01:30:00', 'America/New_York', '2026-11-01T05:30:00Z'],
  ])('%s in %s → %s', (local, zone, instant) => {
    expect(localToInstant(local, zone)).toBe(instant);
  });

  it('names the offending field', () => {
    expectError(() => localToInstant('2026-13-01T09:00', 'UTC'), 'INVALID_DUE', 'dateTime');
    expectError(() => localToInstant('2026-12-01T09:00', 'Mars/Base'), 'INVALID_TIME_ZONE', 'timeZone');
  });
});

describe('instantToLocal', () => {
  it.each([
    ['2026-12-01T08:00:00Z', 'Europe/Berlin', '2026-12-01', '09:00:00'],
    ['2026-12-31T23:30:00Z', 'Asia/Tokyo', '2027-01-01', '08:30:00'],
    ['2026-12-31T23:30:00Z', 'America/Los_Angeles', '2026-12-31', '15:30:00'],
    ['2026-12-31T22:59:59.999Z', 'Europe/Berlin', '2026-12-31', '23:59:59'],
    ['2026-07-01T12:00:00+02:00', 'UTC', '2026-07-01', '10:00:00'],
  ])('%s in %s', (instant, zone, date, time) => {
    expect(instantToLocal(instant, zone)).toEqual({ date, time, dateTime: `${date}T${time}` });
  });

  it('rejects a non-instant', () => {
    expectError(() => instantToLocal('2026-12-01T08:00:00', 'UTC'), 'INVALID_DUE', 'instant');
    expectError(() => instantToLocal('yesterday', 'UTC'), 'INVALID_DUE', 'instant');
    expectError(() => instantToLocal('2026-12-01T08:00:00Z', 'Nope'), 'INVALID_TIME_ZONE', 'timeZone');
  });

  it('round-trips with localToInstant (off by the repeated hour only inside a fall-back overlap)', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: 946_684_800, max: 4_102_444_800 }), fc.constantFrom(...zones), (seconds, zone) => {
        const instant = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
        const back = localToInstant(instantToLocal(instant, zone).dateTime, zone);
        const deltaMs = Date.parse(instant) - Date.parse(back);
        expect([0, 3_600_000]).toContain(deltaMs);
      }),
    );
  });
});

describe('todayIn', () => {
  it.each([
    ['Asia/Tokyo', '2026-12-31T23:30:00Z', '2027-01-01'],
    ['America/Los_Angeles', '2026-12-31T23:30:00Z', '2026-12-31'],
    ['Pacific/Kiritimati', '2026-06-30T10:00:00Z', '2026-07-01'],
    ['Pacific/Pago_Pago', '2026-07-01T10:00:00Z', '2026-06-30'],
  ])('in %s at %s it is %s', (zone, now, date) => {
    expect(todayIn(zone, now)).toBe(date);
  });

  it('names the now field', () => {
    expectError(() => todayIn('UTC', 'not-a-time'), 'INVALID_DUE', 'now');
  });
});

describe('addDaysToDate', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-07', 1, '2026-03-08'],
    ['2026-12-31', 365, '2027-12-31'],
    ['2026-05-05', 0, '2026-05-05'],
  ])('%s + %i = %s', (date, days, result) => {
    expect(addDaysToDate(date, days)).toBe(result);
  });

  it('rejects bad input', () => {
    expectError(() => addDaysToDate('2026-02-30', 1), 'INVALID_DUE', 'date');
    expectError(() => addDaysToDate('2026-01-01', 1.5), 'VALIDATION_FAILED', 'days');
    expectError(() => addDaysToDate('2999-12-31', 1), 'INVALID_DUE', 'date');
  });
});

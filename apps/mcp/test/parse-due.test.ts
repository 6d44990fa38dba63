/** The natural-language due parser: pure, with today = Friday 2026-11-27, 10:00 in Berlin. */
import { describe, expect, it } from 'vitest';
import { isDomainError } from '@todo/domain';
import { parseDue } from '../src/parse-due.js';

const ctx = { today: '2026-11-27', time: '10:00:00', timeZone: 'Europe/Berlin' };
const due = (text: string, c = ctx) => parseDue(text, c).due;
const at = (dateTime: string) => ({ dateTime, timeZone: 'Europe/Berlin' });

describe('parseDue', () => {
  it.each([
    ['today', { date: '2026-11-27' }],
    ['Tomorrow', { date: '2026-11-28' }],
    ['day after tomorrow', { date: '2026-11-29' }],
    ['friday', { date: '2026-11-27' }],
    ['this friday', { date: '2026-11-27' }],
    ['next friday', { date: '2026-12-04' }],
    ['monday', { date: '2026-11-30' }],
    ['next mon', { date: '2026-11-30' }],
    ['on wednesday', { date: '2026-12-02' }],
    ['next week', { date: '2026-11-30' }],
    ['next month', { date: '2026-12-01' }],
    ['next year', { date: '2027-01-01' }],
    ['end of month', { date: '2026-11-30' }],
    ['end of week', { date: '2026-11-29' }],
    ['this weekend', { date: '2026-11-28' }],
    ['in 3 days', { date: '2026-11-30' }],
    ['in a week', { date: '2026-12-04' }],
    ['in two weeks', { date: '2026-12-11' }],
    ['in 3 months', { date: '2027-02-27' }],
    ['in 1 year', { date: '2027-11-27' }],
    ['2026-12-01', { date: '2026-12-01' }],
    ['dec 24', { date: '2026-12-24' }],
    ['December 24th, 2027', { date: '2027-12-24' }],
    ['24 december', { date: '2026-12-24' }],
    ['the 1st of march', { date: '2027-03-01' }],
    ['jan 5', { date: '2027-01-05' }],
    ['feb 29', { date: '2028-02-29' }],
  ])('%s → %j', (text, expected) => {
    expect(due(text)).toEqual(expected);
  });

  it.each([
    ['tomorrow 9am', at('2026-11-28T09:00:00')],
    ['tomorrow at 9:30 pm', at('2026-11-28T21:30:00')],
    ['next friday 14:30', at('2026-12-04T14:30:00')],
    ['monday at 8', at('2026-11-30T08:00:00')],
    ['today noon', at('2026-11-27T12:00:00')],
    ['tonight', at('2026-11-27T20:00:00')],
    ['tomorrow morning', at('2026-11-28T09:00:00')],
    ['friday evening', at('2026-11-27T18:00:00')],
    ['2026-12-01 18:00', at('2026-12-01T18:00:00')],
    ['dec 24 6pm', at('2026-12-24T18:00:00')],
    ['12am tomorrow', at('2026-11-28T00:00:00')],
    ['12pm', at('2026-11-27T12:00:00')],
    ['9am', at('2026-11-28T09:00:00')], // 09:00 has passed today
    ['11am', at('2026-11-27T11:00:00')],
    ['in 2 hours', at('2026-11-27T12:00:00')],
    ['in 90 minutes', at('2026-11-27T11:30:00')],
    ['in 20 hours', at('2026-11-28T06:00:00')],
  ])('%s → %j', (text, expected) => {
    expect(due(text)).toEqual(expected);
  });

  it('uses the given zone and explains its reading', () => {
    const r = parseDue('next friday 9am', { ...ctx, timeZone: 'America/New_York' });
    expect(r.due).toEqual({ dateTime: '2026-12-04T09:00:00', timeZone: 'America/New_York' });
    expect(r.interpretation).toBe('Friday 2026-12-04 at 09:00 (America/New_York)');
    expect(parseDue('friday', ctx).interpretation).toBe('Friday 2026-11-27 (all day)');
  });

  it('crosses month and year ends', () => {
    expect(due('tomorrow', { ...ctx, today: '2026-12-31' })).toEqual({ date: '2027-01-01' });
    expect(due('in 1 month', { ...ctx, today: '2027-01-31' })).toEqual({ date: '2027-02-28' });
    expect(due('end of month', { ...ctx, today: '2028-02-10' })).toEqual({ date: '2028-02-29' });
  });

  it.each(['', 'someday maybe', 'when pigs fly', '2026-02-30', 'feb 30', '25:00', '13pm', 'in many days'])(
    'rejects %j with INVALID_DUE on field "text"',
    (text) => {
      try {
        parseDue(text, ctx);
        expect.unreachable();
      } catch (error) {
        expect(isDomainError(error)).toBe(true);
        if (isDomainError(error)) {
          expect(error.code).toBe('INVALID_DUE');
          expect(error.issues[0]!.field).toBe('text');
        }
      }
    },
  );
});

import { describe, it, expect } from 'vitest';
import { localToInstant } from '../time/index.js';
import { nextOccurrence, previewOccurrences } from './index.js';

/*
 * Weekly at 09:00 local across both DST changes of 2026 in three zones. The wall time must stay
 * 09:00 while the UTC instant moves by the change in offset.
 */
const CASES = [
  {
    zone: 'America/New_York', // DST Mar 8 → Nov 1
    start: '2026-03-05T09:00:00',
    instants: {
      '2026-03-05T09:00:00': '2026-03-05T14:00:00Z',
      '2026-03-12T09:00:00': '2026-03-12T13:00:00Z',
      '2026-10-29T09:00:00': '2026-10-29T13:00:00Z',
      '2026-11-05T09:00:00': '2026-11-05T14:00:00Z',
    },
  },
  {
    zone: 'Europe/Berlin', // DST Mar 29 → Oct 25
    start: '2026-03-26T09:00:00',
    instants: {
      '2026-03-26T09:00:00': '2026-03-26T08:00:00Z',
      '2026-04-02T09:00:00': '2026-04-02T07:00:00Z',
      '2026-10-22T09:00:00': '2026-10-22T07:00:00Z',
      '2026-10-29T09:00:00': '2026-10-29T08:00:00Z',
    },
  },
  {
    zone: 'Australia/Sydney', // DST ends Apr 5, starts Oct 4
    start: '2026-04-02T09:00:00',
    instants: {
      '2026-04-02T09:00:00': '2026-04-01T22:00:00Z',
      '2026-04-09T09:00:00': '2026-04-08T23:00:00Z',
      '2026-10-01T09:00:00': '2026-09-30T23:00:00Z',
      '2026-10-08T09:00:00': '2026-10-07T22:00:00Z',
    },
  },
] as const;

describe.each(CASES)('weekly 09:00 in $zone', ({ zone, start, instants }) => {
  const occurrences = previewOccurrences({ rule: 'FREQ=WEEKLY', start, timeZone: zone, count: 36 });

  it('keeps 09:00 local time for every occurrence across both changes', () => {
    expect(occurrences).toHaveLength(36);
    for (const local of occurrences) expect(local.slice(11)).toBe('09:00:00');
    for (const local of Object.keys(instants)) expect(occurrences).toContain(local);
  });

  it.each(Object.entries(instants))('%s is %s', (local, instant) => {
    expect(localToInstant(local, zone)).toBe(instant);
  });

  it('shifts the UTC instant by exactly one hour at each change', () => {
    const utcHours = new Set(occurrences.map((local) => localToInstant(local, zone).slice(11, 13)));
    expect(utcHours.size).toBe(2);
  });

  it('nextOccurrence steps across each change keeping 09:00', () => {
    const locals = Object.keys(instants);
    for (const [before, after] of [
      [locals[0], locals[1]],
      [locals[2], locals[3]],
    ] as const) {
      const index = occurrences.indexOf(before ?? '');
      expect(
        nextOccurrence({
          rule: 'FREQ=WEEKLY',
          seriesStart: start,
          current: before ?? '',
          occurrenceIndex: index,
          repeatFrom: 'due',
          timeZone: zone,
        }),
      ).toBe(after);
    }
  });
});

describe('wall times inside DST transitions', () => {
  it('keeps an occurrence whose wall time falls in the spring-forward gap; the instant resolves forward', () => {
    const days = previewOccurrences({ rule: 'FREQ=DAILY', start: '2026-03-07T02:30', timeZone: 'America/New_York', count: 3 });
    expect(days).toEqual(['2026-03-07T02:30:00', '2026-03-08T02:30:00', '2026-03-09T02:30:00']);
    expect(days.map((d) => localToInstant(d, 'America/New_York'))).toEqual([
      '2026-03-07T07:30:00Z',
      '2026-03-08T07:30:00Z', // 02:30 does not exist: 03:30 EDT
      '2026-03-09T06:30:00Z',
    ]);
  });

  it('uses the earlier instant for a wall time repeated at fall-back', () => {
    const days = previewOccurrences({ rule: 'FREQ=DAILY', start: '2026-10-31T01:30', timeZone: 'America/New_York', count: 3 });
    expect(days.map((d) => localToInstant(d, 'America/New_York'))).toEqual([
      '2026-10-31T05:30:00Z',
      '2026-11-01T05:30:00Z', // first 01:30, still EDT
      '2026-11-02T06:30:00Z',
    ]);
  });

  it('completion keeps wall time across a change', () => {
    expect(
      nextOccurrence({
        rule: 'FREQ=DAILY;INTERVAL=3',
        seriesStart: '2026-10-20T09:00',
        current: '2026-10-29T09:00:00',
        occurrenceIndex: 3,
        repeatFrom: 'completion',
        completedOn: '2026-10-30',
        timeZone: 'America/New_York',
      }),
    ).toBe('2026-11-02T09:00:00');
  });
});

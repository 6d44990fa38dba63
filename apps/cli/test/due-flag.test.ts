/** `todo add --due`: dates and words through the domain's phrase parser, on the user's calendar. */
import { describe, expect, it } from 'vitest';
import { parseDueFlag } from '../src/commands/tasks.js';

// Monday 2026-12-07, 22:30 in New York: already Tuesday in UTC.
const now = new Date('2026-12-08T03:30:00Z');
const zone = 'America/New_York';

describe('parseDueFlag', () => {
  it('keeps the exact forms it always took', () => {
    expect(parseDueFlag('2026-12-01', now, zone)).toEqual({ date: '2026-12-01' });
    expect(parseDueFlag('2026-12-01 18:00', now, zone)).toEqual({ dateTime: '2026-12-01T18:00:00', timeZone: zone });
  });

  it('reads words on the calendar of the zone', () => {
    expect(parseDueFlag('tomorrow 9am', now, zone)).toEqual({ dateTime: '2026-12-08T09:00:00', timeZone: zone });
    expect(parseDueFlag('next friday', now, zone)).toEqual({ date: '2026-12-11' });
    expect(parseDueFlag('in 2 hours', now, zone)).toEqual({ dateTime: '2026-12-08T00:30:00', timeZone: zone });
  });

  it('names the flag when it cannot read the words', () => {
    expect(() => parseDueFlag('someday', now, zone)).toThrow(/could not read "someday"/);
    expect(() => parseDueFlag('someday', now, zone)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ field: '--due' })] }),
    );
  });
});

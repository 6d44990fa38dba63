/**
 * The one table for the words people type for *when* (quick add in the web UI, the MCP
 * `parse_due` tool, the CLI's `--due`): every phrase read at five reference instants.
 */
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.js';
import { parseDuePhrase, parseTaskPhrase, type PhraseClock } from './index.js';

const CLOCKS = {
  /** Monday 2026-12-07, 10:30 in Berlin. */
  mon: { now: '2026-12-07T09:30:00Z', timeZone: 'Europe/Berlin' },
  /** Wednesday 2026-12-09, 22:00 in New York (already Thursday in UTC). */
  wed: { now: '2026-12-10T03:00:00Z', timeZone: 'America/New_York' },
  /** Sunday 2026-12-13, 21:00 in Berlin. */
  sun: { now: '2026-12-13T20:00:00Z', timeZone: 'Europe/Berlin' },
  /** Sunday 2027-03-28, 01:30 CET in Berlin: at 02:00 the clocks jump to 03:00 CEST. */
  berlinDst: { now: '2027-03-28T00:30:00Z', timeZone: 'Europe/Berlin' },
  /** Sunday 2026-11-01, 12:00 EST in New York: the clocks went back from 02:00 to 01:00 this morning. */
  newYorkDst: { now: '2026-11-01T17:00:00Z', timeZone: 'America/New_York' },
} satisfies Record<string, PhraseClock>;
type ClockName = keyof typeof CLOCKS;
const NAMES = Object.keys(CLOCKS) as ClockName[];

/** "YYYY-MM-DD" all-day, "YYYY-MM-DD HH:mm" timed (in the clock's zone), "THH:mm" a time for a series without a date. */
type Expected = string | null;
/** [phrase, title left, due (one for every clock, or one per clock: mon, wed, sun, berlinDst, newYorkDst), RRULE] */
type Row = [string, string, Expected | [Expected, Expected, Expected, Expected, Expected], string?];

const TOMORROW: Row[2] = ['2026-12-08', '2026-12-10', '2026-12-14', '2027-03-29', '2026-11-02'];
const FRIDAY: Row[2] = ['2026-12-11', '2026-12-11', '2026-12-18', '2027-04-02', '2026-11-06'];
const at = (dates: Row[2], time: string) => (dates as string[]).map((d) => `${d} ${time}`) as Row[2];

const TABLE: Row[] = [
  // Plain titles stay whole.
  ['Buy 2 apples', 'Buy 2 apples', null],
  ['Mail a@b.c about C#', 'Mail a@b.c about C#', null],
  ['Version 2.10 notes', 'Version 2.10 notes', null],
  ['Apply sun cream', 'Apply sun cream', null], // "sun" and "sat" need "on"/"next"/"this"
  ['Morning run', 'Morning run', null], // a part of day needs a day or "this"/"in the"
  ['Walk 5th avenue', 'Walk 5th avenue', null],
  ['Finish the 2nd draft', 'Finish the 2nd draft', null], // a month day needs "on", "by" or "due"
  ['Call at 25:00', 'Call at 25:00', null],
  ['Pay 13pm', 'Pay 13pm', null],
  ['Bad 2027-02-30', 'Bad 2027-02-30', null],
  // Relative days.
  ['Call mom today', 'Call mom', ['2026-12-07', '2026-12-09', '2026-12-13', '2027-03-28', '2026-11-01']],
  ['Call mom tomorrow', 'Call mom', TOMORROW],
  ['Call mom tomorrow, then email', 'Call mom, then email', TOMORROW],
  ['Call mom yesterday', 'Call mom', ['2026-12-06', '2026-12-08', '2026-12-12', '2027-03-27', '2026-10-31']],
  ['Plan the day after tomorrow', 'Plan', ['2026-12-09', '2026-12-11', '2026-12-15', '2027-03-30', '2026-11-03']],
  ['Follow up in 3 days', 'Follow up', ['2026-12-10', '2026-12-12', '2026-12-16', '2027-03-31', '2026-11-04']],
  ['Check in a week', 'Check', ['2026-12-14', '2026-12-16', '2026-12-20', '2027-04-04', '2026-11-08']],
  ['Review in 2 weeks', 'Review', ['2026-12-21', '2026-12-23', '2026-12-27', '2027-04-11', '2026-11-15']],
  ['Renew in 3 months', 'Renew', ['2027-03-07', '2027-03-09', '2027-03-13', '2027-06-28', '2027-02-01']],
  ['Renew passport in 1 year', 'Renew passport', ['2027-12-07', '2027-12-09', '2027-12-13', '2028-03-28', '2027-11-01']],
  ['Review next week', 'Review', ['2026-12-14', '2026-12-14', '2026-12-14', '2027-03-29', '2026-11-02']],
  ['Budget next month', 'Budget', ['2027-01-01', '2027-01-01', '2027-01-01', '2027-04-01', '2026-12-01']],
  ['Taxes next year', 'Taxes', ['2027-01-01', '2027-01-01', '2027-01-01', '2028-01-01', '2027-01-01']],
  ['Invoice end of month', 'Invoice', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-03-31', '2026-11-30']],
  ['Tidy up end of week', 'Tidy up', ['2026-12-13', '2026-12-13', '2026-12-13', '2027-03-28', '2026-11-01']],
  ['Hike this weekend', 'Hike', ['2026-12-12', '2026-12-12', '2026-12-13', '2027-03-28', '2026-11-01']],
  ['Hike next weekend', 'Hike', ['2026-12-19', '2026-12-19', '2026-12-19', '2027-04-03', '2026-11-07']],
  ['Meet next week friday', 'Meet', ['2026-12-18', '2026-12-18', '2026-12-18', '2027-04-02', '2026-11-06']],
  ['Meet friday next week', 'Meet', ['2026-12-18', '2026-12-18', '2026-12-18', '2027-04-02', '2026-11-06']],
  ['Meet next week on tue', 'Meet', ['2026-12-15', '2026-12-15', '2026-12-15', '2027-03-30', '2026-11-03']],
  ['Trip in a fortnight', 'Trip', ['2026-12-21', '2026-12-23', '2026-12-27', '2027-04-11', '2026-11-15']],
  ['Plan 2 days from now', 'Plan', ['2026-12-09', '2026-12-11', '2026-12-15', '2027-03-30', '2026-11-03']],
  ['Pay end of next month', 'Pay', ['2027-01-31', '2027-01-31', '2027-01-31', '2027-04-30', '2026-12-31']],
  ['Tidy up end of next week', 'Tidy up', ['2026-12-20', '2026-12-20', '2026-12-20', '2027-04-04', '2026-11-08']],
  // Weekdays: the soonest, today included; "next" skips today.
  ['Gym monday', 'Gym', ['2026-12-07', '2026-12-14', '2026-12-14', '2027-03-29', '2026-11-02']],
  ['Brunch sunday', 'Brunch', ['2026-12-13', '2026-12-13', '2026-12-13', '2027-03-28', '2026-11-01']],
  ['Gym on fri', 'Gym', FRIDAY],
  ['Finish by friday', 'Finish', FRIDAY],
  ['Market on sat', 'Market', ['2026-12-12', '2026-12-12', '2026-12-19', '2027-04-03', '2026-11-07']],
  ['Plan next wed 2pm', 'Plan', at(['2026-12-09', '2026-12-16', '2026-12-16', '2027-03-31', '2026-11-04'], '14:00')],
  ['Brunch next sunday', 'Brunch', ['2026-12-13', '2026-12-13', '2026-12-20', '2027-04-04', '2026-11-08']],
  ['Submit monthly report friday', 'Submit monthly report', FRIDAY],
  ['Check every room friday', 'Check every room', FRIDAY],
  // Month days.
  ['Party dec 24', 'Party', ['2026-12-24', '2026-12-24', '2026-12-24', '2027-12-24', '2026-12-24']],
  ['Party December 24th, 2027', 'Party', '2027-12-24'],
  ['Taxes 15th of april', 'Taxes', '2027-04-15'],
  ['Trip on march 3rd', 'Trip', ['2027-03-03', '2027-03-03', '2027-03-03', '2028-03-03', '2027-03-03']],
  ['Leap day feb 29', 'Leap day', '2028-02-29'],
  ['Pay by the 15th', 'Pay', ['2026-12-15', '2026-12-15', '2026-12-15', '2027-04-15', '2026-11-15']],
  ['Pay on the 15th', 'Pay', ['2026-12-15', '2026-12-15', '2026-12-15', '2027-04-15', '2026-11-15']],
  ['Rent on the 31st', 'Rent', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-03-31', '2026-12-31']],
  ['Launch 2027-02-28', 'Launch', '2027-02-28'],
  ['Deploy 2027-01-04 18:00', 'Deploy', '2027-01-04 18:00'],
  // Times: a time without a date is today, or tomorrow once it has passed.
  ['Film tonight', 'Film', at(['2026-12-07', '2026-12-09', '2026-12-13', '2027-03-28', '2026-11-01'], '20:00')],
  ['Report today at 17:30', 'Report', at(['2026-12-07', '2026-12-09', '2026-12-13', '2027-03-28', '2026-11-01'], '17:30')],
  ['Call bob 9am', 'Call bob', at(['2026-12-08', '2026-12-10', '2026-12-14', '2027-03-28', '2026-11-02'], '09:00')],
  ['Meet 9.30am', 'Meet', at(['2026-12-08', '2026-12-10', '2026-12-14', '2027-03-28', '2026-11-02'], '09:30')],
  ['Meet at 9.30', 'Meet', at(['2026-12-08', '2026-12-10', '2026-12-14', '2027-03-28', '2026-11-02'], '09:30')],
  ['Score 9.30 points', 'Score 9.30 points', null], // a dotted time needs am/pm or "at"
  ['Standup 09:00', 'Standup', at(['2026-12-08', '2026-12-10', '2026-12-14', '2027-03-28', '2026-11-02'], '09:00')],
  ['Call bob 23:15', 'Call bob', at(['2026-12-07', '2026-12-09', '2026-12-13', '2027-03-28', '2026-11-01'], '23:15')],
  ['Lunch at noon', 'Lunch', at(['2026-12-07', '2026-12-10', '2026-12-14', '2027-03-28', '2026-11-02'], '12:00')],
  ['Meet at 8', 'Meet', at(['2026-12-08', '2026-12-10', '2026-12-14', '2027-03-28', '2026-11-02'], '08:00')],
  ['Dinner at 7:30 pm', 'Dinner', at(['2026-12-07', '2026-12-10', '2026-12-14', '2027-03-28', '2026-11-01'], '19:30')],
  ['Read in the afternoon', 'Read', at(['2026-12-07', '2026-12-10', '2026-12-14', '2027-03-28', '2026-11-01'], '15:00')],
  ['Gym tomorrow 6am', 'Gym', at(TOMORROW, '06:00')],
  ['Meet tomorrow morning', 'Meet', at(TOMORROW, '09:00')],
  ['Evening walk tomorrow', 'Evening walk', TOMORROW],
  ['Drinks friday evening', 'Drinks', at(FRIDAY, '18:00')],
  ['Dentist tomorrow at 10am remind me 1 hour before', 'Dentist', at(TOMORROW, '10:00')],
  // Moments from now count real time, so they are exact across the DST change.
  [
    'Call back in 2 hours',
    'Call back',
    ['2026-12-07 12:30', '2026-12-10 00:00', '2026-12-13 23:00', '2027-03-28 04:30', '2026-11-01 14:00'],
  ],
  [
    'Call back in half an hour',
    'Call back',
    ['2026-12-07 11:00', '2026-12-09 22:30', '2026-12-13 21:30', '2027-03-28 03:00', '2026-11-01 12:30'],
  ],
  [
    'Stretch 2 hours from now',
    'Stretch',
    ['2026-12-07 12:30', '2026-12-10 00:00', '2026-12-13 23:00', '2027-03-28 04:30', '2026-11-01 14:00'],
  ],
  [
    'Stretch in 90 minutes',
    'Stretch',
    ['2026-12-07 12:00', '2026-12-09 23:30', '2026-12-13 22:30', '2027-03-28 04:00', '2026-11-01 13:30'],
  ],
  // Recurrence: a series without a date has no due here (it starts on the rule's first date from today on).
  ['Pay rent every month on the 1st at 9am #home !high', 'Pay rent', 'T09:00', 'FREQ=MONTHLY;BYMONTHDAY=1'],
  ['Water plants every weekday', 'Water plants', null, 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'],
  ['Review every week', 'Review', null, 'FREQ=WEEKLY'],
  ['Review each week', 'Review', null, 'FREQ=WEEKLY'],
  ['Sync every 2 weeks on mon,fri', 'Sync', null, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR'],
  ['Gym every fortnight', 'Gym', null, 'FREQ=WEEKLY;INTERVAL=2'],
  ['Run every other tuesday', 'Run', null, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU'],
  ['Yoga every two weeks', 'Yoga', null, 'FREQ=WEEKLY;INTERVAL=2'],
  ['Review every quarter', 'Review', null, 'FREQ=MONTHLY;INTERVAL=3'],
  ['Taxes quarterly', 'Taxes', null, 'FREQ=MONTHLY;INTERVAL=3'],
  // A repeat the grammar does not know stays in the title: no rule, so no chip promising one.
  ['Dance every blue moon', 'Dance every blue moon', null],
  ['Check every morning', 'Check every morning', null],
  ['Every other tuesday run', 'run', null, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU'],
  ['Backup every 3 days', 'Backup', null, 'FREQ=DAILY;INTERVAL=3'],
  ['Standup daily at 9:15', 'Standup', 'T09:15', 'FREQ=DAILY'],
  ['Team sync weekly on mondays', 'Team sync', null, 'FREQ=WEEKLY;BYDAY=MO'],
  ['Clean monthly', 'Clean', null, 'FREQ=MONTHLY'],
  ['Pay every month on the last day', 'Pay', null, 'FREQ=MONTHLY;BYMONTHDAY=-1'],
  ['Read every day until 2027-06-30', 'Read', null, 'FREQ=DAILY;UNTIL=20270630'],
  ['Gym friday every week', 'Gym', FRIDAY, 'FREQ=WEEKLY'],
  ['Water every week tomorrow', 'Water', TOMORROW, 'FREQ=WEEKLY'],
  ['Gym every monday at 7am', 'Gym', 'T07:00', 'FREQ=WEEKLY;BYDAY=MO'],
  ['Fix prod !1 @work #ops', 'Fix prod', null],
];

function expectedDue(expected: Expected, clock: PhraseClock) {
  if (expected === null || expected.startsWith('T')) return null;
  const [date, time] = expected.split(' ');
  return time ? { dateTime: `${date}T${time}:00`, timeZone: clock.timeZone } : { date };
}

describe('parseTaskPhrase: the table', () => {
  it('has at least 60 phrases', () => expect(TABLE.length).toBeGreaterThanOrEqual(60));

  describe.each(NAMES)('at %s', (name) => {
    const clock = CLOCKS[name];
    it.each(TABLE)('%s', (input, title, due, rule) => {
      const expected = Array.isArray(due) ? due[NAMES.indexOf(name)]! : due;
      const parsed = parseTaskPhrase(input, clock);
      expect({ title: parsed.title, due: parsed.due, rule: parsed.recurrence?.rule ?? null }).toEqual({
        title,
        due: expectedDue(expected, clock),
        rule: rule ?? null,
      });
      if (expected?.startsWith('T')) expect(parsed).toMatchObject({ date: null, time: expected.slice(1) });
    });
  });
});

describe('parseTaskPhrase: the other parts', () => {
  it('reads tags, project, priority and reminders, and gives the recurrence in words', () => {
    const parsed = parseTaskPhrase(
      'Pay rent every month on the 1st at 9am #home #bills !high @flat remind me 1 hour before',
      CLOCKS.mon,
    );
    expect(parsed).toMatchObject({
      title: 'Pay rent',
      tags: ['home', 'bills'],
      project: 'flat',
      priority: 'high',
      remindersMinutesBefore: [60],
      recurrence: { phrase: 'every month on the 1st', rule: 'FREQ=MONTHLY;BYMONTHDAY=1', text: 'every month on day 1' },
    });
    expect(parseTaskPhrase('Fix prod !1 #ops #ops', CLOCKS.mon)).toMatchObject({ priority: 'urgent', tags: ['ops'] });
  });

  it('refuses a zone that is not one', () => {
    expect(() => parseTaskPhrase('Call tomorrow', { now: CLOCKS.mon.now, timeZone: 'Mars/Olympus' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TIME_ZONE' }),
    );
  });
});

describe('parseDuePhrase: words that are only a due', () => {
  const due = (text: string, clock: ClockName = 'mon') => parseDuePhrase(text, CLOCKS[clock]).due;
  const berlin = (dateTime: string) => ({ dateTime, timeZone: 'Europe/Berlin' });

  it('reads the table phrases the same way', () => {
    expect(due('tomorrow 9am')).toEqual(berlin('2026-12-08T09:00:00'));
    expect(due('next week')).toEqual({ date: '2026-12-14' });
    expect(due('monday')).toEqual({ date: '2026-12-07' }); // today included, as in quick add
    expect(due('next monday')).toEqual({ date: '2026-12-14' });
    expect(due('9am')).toEqual(berlin('2026-12-08T09:00:00')); // passed today: tomorrow, as in quick add
    expect(due('in 2 hours', 'berlinDst')).toEqual(berlin('2027-03-28T04:30:00'));
  });

  it('reads a part of the day or the weekend on its own', () => {
    expect(due('evening')).toEqual(berlin('2026-12-07T18:00:00'));
    expect(due('weekend')).toEqual({ date: '2026-12-12' });
    expect(due('the 15th')).toEqual({ date: '2026-12-15' });
  });

  it('explains its reading in the clock zone', () => {
    expect(parseDuePhrase('next friday 9am', CLOCKS.wed)).toEqual({
      due: { dateTime: '2026-12-11T09:00:00', timeZone: 'America/New_York' },
      interpretation: 'Friday 2026-12-11 at 09:00 (America/New_York)',
    });
    expect(parseDuePhrase('friday', CLOCKS.mon).interpretation).toBe('Friday 2026-12-11 (all day)');
  });

  it.each([
    '',
    '   ',
    'someday maybe',
    'when pigs fly',
    '2026-02-30',
    'feb 30',
    '25:00',
    '13pm',
    'in many days',
    'tomorrow and more',
  ])('refuses %j with INVALID_DUE on the field', (text) => {
    let error: unknown;
    try {
      parseDuePhrase(text, CLOCKS.mon, 'when');
    } catch (e) {
      error = e;
    }
    expect(isDomainError(error)).toBe(true);
    if (isDomainError(error)) expect([error.code, error.issues[0]!.field]).toEqual(['INVALID_DUE', 'when']);
  });
});

/**
 * Where the web's quick add and the MCP `parse_due` tool used to read the same words
 * differently (each had its own parser): a weekday that is today, a time that has passed, the
 * zone of a timed due, and words only one of them knew. Both entry points now agree.
 */
describe('quick add and parse_due read the same words alike', () => {
  const USED_TO_DISAGREE = [
    'monday', // web: next week; MCP: today
    'sunday',
    'this sunday',
    '9am', // web: today even when passed; MCP: tomorrow
    '09:00', // web: not a time without "at"
    'at 8', // web: not a time
    'tomorrow 14:30', // web: floating time; MCP: in the user's zone
    'next week', // web: not understood
    'end of month',
    'in a week',
    'tomorrow morning',
    'feb 29', // web: no date in a non-leap year; MCP: the next leap year
    'yesterday', // neither
    'on the 15th', // neither
    'in 2 hours',
  ];
  it.each(NAMES.flatMap((name) => USED_TO_DISAGREE.map((words) => [name, words] as const)))('at %s: %s', (name, words) => {
    const quick = parseTaskPhrase(`Task ${words}`, CLOCKS[name]);
    expect(quick.title).toBe('Task');
    expect(quick.due).toEqual(parseDuePhrase(words, CLOCKS[name]).due);
  });
});

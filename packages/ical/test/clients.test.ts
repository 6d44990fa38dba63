/**
 * VTODOs as Tasks.org (through DAVx⁵), Apple Reminders, Thunderbird and Outlook write them
 * (fixtures/, written by hand after RFC 5545 and what these clients are known to send): each
 * reads as the task it describes, and what the app does not model comes back, line for line,
 * in the VTODO written from the task.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVtodo, taskToVtodo, type ParsedVtodo, type TaskForIcal } from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

/** The task the app would hold after reading a VTODO (its own id; the client's UID kept beside). */
const taskOf = (parsed: ParsedVtodo): TaskForIcal => ({
  id: ID,
  ...parsed.fields,
  status: parsed.status,
  completedAt: parsed.completedAt,
  parentId: parsed.parentId,
  createdAt: parsed.createdAt ?? '2026-12-01T00:00:00.000Z',
  updatedAt: parsed.updatedAt ?? '2026-12-01T00:00:00.000Z',
});

/** Written back as CalDAV will: under the client's UID, with the extras. */
const writeBack = (parsed: ParsedVtodo) =>
  taskToVtodo(taskOf(parsed), { uid: parsed.uid, parentUid: parsed.parentUid, sequence: parsed.sequence, extras: parsed.extras });

const lines = (text: string) => text.replace(/\r\n/g, '\n').split('\n').filter(Boolean);

/** Every line of `block` (BEGIN … END of a component) appears in `text`, in the same order. */
function expectBlockIn(text: string, block: string[]) {
  const all = lines(text);
  let from = 0;
  for (const line of block) {
    const at = all.indexOf(line, from);
    expect(at, `${line} in\n${text}`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

describe('VTODOs of other clients', () => {
  it('reads Tasks.org’s (DAVx⁵): zoned due, start equal to the due, weekly rule, foreign parent, alarms at and before the due', () => {
    const parsed = parseVtodo(fixture('tasks-org.ics'));
    expect(parsed).toMatchObject({
      uid: '5830291744587019384',
      taskId: null,
      parentUid: '4930121011234567890',
      parentId: null,
      status: 'open',
    });
    expect(parsed.fields).toEqual({
      title: 'Buy milk',
      description: '2 litres, the organic one',
      priority: 'urgent',
      due: { dateTime: '2026-12-03T18:00:00', timeZone: 'Europe/Berlin' },
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=TH', repeatFrom: 'due' },
      reminders: [
        { type: 'relative', minutesBefore: 0 },
        { type: 'relative', minutesBefore: 30 },
      ],
      tags: ['errands', 'home'],
    });
    const back = writeBack(parsed);
    expect(lines(back)).toEqual(
      expect.arrayContaining([
        'X-APPLE-SORT-ORDER:693232455',
        'DTSTART;TZID=Europe/Berlin:20261203T180000',
        'UID:5830291744587019384',
        'RELATED-TO;RELTYPE=PARENT:4930121011234567890',
      ]),
    );
    // The zone DTSTART names travels with it.
    expectBlockIn(back, [
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Berlin',
      'BEGIN:DAYLIGHT',
      'TZOFFSETTO:+0200',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VTODO',
    ]);
    expect(parseVtodo(back)).toEqual(parsed);
  });

  it('reads Apple Reminders’: completed all-day reminder, medium priority, absolute alarm with Apple’s own ids kept', () => {
    const parsed = parseVtodo(fixture('apple-reminders.ics'));
    expect(parsed).toMatchObject({
      status: 'completed',
      completedAt: '2026-12-02T08:15:00.000Z',
      sequence: 2,
      updatedAt: '2026-12-02T08:15:00.000Z',
    });
    expect(parsed.fields).toMatchObject({
      title: 'Call the plumber',
      priority: 'medium',
      due: { date: '2026-12-02' },
      reminders: [{ type: 'absolute', at: '2026-12-02T08:00:00.000Z' }],
    });
    const back = writeBack(parsed);
    expectBlockIn(back, [
      'BEGIN:VALARM',
      'TRIGGER;VALUE=DATE-TIME:20261202T080000Z',
      'ACTION:DISPLAY',
      'DESCRIPTION:Reminder',
      'UID:2E5B0F64-0C0B-4B3E-8F53-6A6E7C3F1D2A',
      'X-WR-ALARMUID:2E5B0F64-0C0B-4B3E-8F53-6A6E7C3F1D2A',
      'END:VALARM',
    ]);
    expect(lines(back)).toEqual(
      expect.arrayContaining([
        'X-APPLE-SORT-ORDER:744112345',
        'DTSTART;VALUE=DATE:20261202',
        'STATUS:COMPLETED',
        'PERCENT-COMPLETE:100',
        'SEQUENCE:2',
      ]),
    );
    expect(parseVtodo(back)).toEqual(parsed);
  });

  it('reads Thunderbird’s: in progress at 40 %, low priority, its own X- properties, an alarm after the due kept whole', () => {
    const parsed = parseVtodo(fixture('thunderbird.ics'));
    expect(parsed.status).toBe('open');
    expect(parsed.fields).toMatchObject({
      title: 'Write the report',
      description: 'Quarterly numbers',
      priority: 'low',
      due: { dateTime: '2026-12-04T17:00:00', timeZone: 'Europe/Berlin' },
      reminders: [{ type: 'relative', minutesBefore: 60 }],
      tags: ['Business'],
    });
    const back = writeBack(parsed);
    expect(lines(back)).toEqual(
      expect.arrayContaining([
        'STATUS:IN-PROCESS',
        'PERCENT-COMPLETE:40',
        'X-MOZ-GENERATION:3',
        'X-MOZ-LASTACK:20261121T100000Z',
        'CLASS:PRIVATE',
        'DTSTART;TZID=Europe/Berlin:20261130T090000',
      ]),
    );
    // Kept whole; ical.js leaves out the VALUE=DURATION a TRIGGER has by default.
    expectBlockIn(back, [
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'TRIGGER;RELATED=END:PT15M',
      'DESCRIPTION:Default Mozilla Description',
      'END:VALARM',
    ]);
    expect(parseVtodo(back)).toEqual(parsed);

    // Completed in the app: the client's in-progress state gives way, the rest stays.
    const done = taskToVtodo(
      { ...taskOf(parsed), status: 'completed', completedAt: '2026-12-04T16:00:00.000Z' },
      { extras: parsed.extras },
    );
    expect(lines(done)).toEqual(expect.arrayContaining(['STATUS:COMPLETED', 'PERCENT-COMPLETE:100', 'X-MOZ-GENERATION:3']));
    expect(done).not.toContain('IN-PROCESS');
    expect(done).not.toContain('PERCENT-COMPLETE:40');
  });

  it('reads a due in a zone named only by its VTIMEZONE (Outlook’s "W. Europe Standard Time") as UTC', () => {
    const parsed = parseVtodo(fixture('outlook-zone.ics'));
    // 17:00 in summer time, UTC+2.
    expect(parsed.fields.due).toEqual({ dateTime: '2026-07-15T15:00:00', timeZone: 'UTC' });
  });
});

describe('what the app does not model', () => {
  const vtodo = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example Corp//Client 1.0//EN',
    'BEGIN:VTODO',
    'UID:extras-1@example.com',
    'DTSTAMP:20261201T000000Z',
    'CREATED:20261130T000000Z',
    'LAST-MODIFIED:20261201T000000Z',
    'SUMMARY:Renew passport',
    'DUE;VALUE=DATE:20261215',
    'RRULE:FREQ=MONTHLY;BYMONTHDAY=15',
    'EXDATE;VALUE=DATE:20270115',
    'URL:https://example.com/passport',
    'GEO:52.520008;13.404954',
    'LOCATION:Town hall\\, room 4',
    'ATTACH;FMTTYPE=application/pdf:https://example.com/form.pdf',
    'RELATED-TO;RELTYPE=CHILD:child-1@example.com',
    'X-CLIENT-COLOR;X-SCOPE=local:#ff0000',
    'CONTACT:Jane Doe',
    'BEGIN:VALARM',
    'ACTION:EMAIL',
    'TRIGGER;RELATED=END:-P1D',
    'SUMMARY:Passport',
    'DESCRIPTION:Renew it',
    'ATTENDEE:mailto:me@example.com',
    'END:VALARM',
    'BEGIN:X-CLIENT-NOTE',
    'X-TEXT:kept as it came',
    'END:X-CLIENT-NOTE',
    'END:VTODO',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

  it('comes back intact: properties, an alarm’s own properties, components of its own', () => {
    const parsed = parseVtodo(vtodo);
    expect(parsed.fields.reminders).toEqual([{ type: 'relative', minutesBefore: 1440 }]);
    expect(parsed.fields.recurrence).toEqual({ rule: 'FREQ=MONTHLY;BYMONTHDAY=15', repeatFrom: 'due' });
    const back = writeBack(parsed);
    for (const line of [
      'EXDATE;VALUE=DATE:20270115',
      'URL:https://example.com/passport',
      'GEO:52.520008;13.404954',
      'LOCATION:Town hall\\, room 4',
      'ATTACH;FMTTYPE=application/pdf:https://example.com/form.pdf',
      'RELATED-TO;RELTYPE=CHILD:child-1@example.com',
      'X-CLIENT-COLOR;X-SCOPE=local:#ff0000',
      'CONTACT:Jane Doe',
    ]) {
      expect(lines(back)).toContain(line);
    }
    expectBlockIn(back, [
      'BEGIN:VALARM',
      'TRIGGER;RELATED=END:-P1D',
      'ACTION:EMAIL',
      'SUMMARY:Passport',
      'DESCRIPTION:Renew it',
      'ATTENDEE:mailto:me@example.com',
      'END:VALARM',
    ]);
    expectBlockIn(back, ['BEGIN:X-CLIENT-NOTE', 'X-TEXT:kept as it came', 'END:X-CLIENT-NOTE']);
    expect(parseVtodo(back)).toEqual(parsed);
  });

  it('keeps an alarm’s extras with its reminder while it stays, and drops them with it', () => {
    const parsed = parseVtodo(vtodo);
    const task = taskOf(parsed);
    const moved = taskToVtodo({ ...task, reminders: [{ type: 'relative', minutesBefore: 30 }] }, { extras: parsed.extras });
    expect(moved).not.toContain('ACTION:EMAIL');
    expectBlockIn(moved, [
      'BEGIN:VALARM',
      'TRIGGER;RELATED=END:-PT30M',
      'ACTION:DISPLAY',
      'DESCRIPTION:Renew passport',
      'END:VALARM',
    ]);
  });

  it('keeps a rule without a due as the client’s own: the app anchors a series on its due', () => {
    const parsed = parseVtodo(
      vtodo
        .replace('DUE;VALUE=DATE:20261215\r\n', '')
        .replace('TRIGGER;RELATED=END:-P1D', 'TRIGGER;VALUE=DATE-TIME:20261214T090000Z'),
    );
    expect(parsed.fields).toMatchObject({ due: null, recurrence: null });
    expect(lines(writeBack(parsed))).toContain('RRULE:FREQ=MONTHLY;BYMONTHDAY=15');
  });
});

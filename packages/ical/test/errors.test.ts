/** Bad input is refused with the domain's error codes, and each refusal names its iCalendar property. */
import { describe, expect, it } from 'vitest';
import { DomainError } from '@todo/domain';
import { parseVtodo } from '../src/index.js';

const todo = (...body: string[]) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'BEGIN:VTODO',
    'UID:t-1@example.com',
    'DTSTAMP:20261201T000000Z',
    ...body,
    'END:VTODO',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
const alarm = (...body: string[]) => ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:x', ...body, 'END:VALARM'];

function refusal(text: string): { code: string; field: string; message: string } {
  try {
    parseVtodo(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const e = error as DomainError;
    return { code: e.code, field: e.issues[0]!.field, message: e.message };
  }
  throw new Error('parsed');
}

describe('refusals', () => {
  const cases: [string, string, string, string | RegExp][] = [
    ['empty text', '', 'VCALENDAR', 'VALIDATION_FAILED'],
    ['text that is no iCalendar', 'hello there', 'VCALENDAR', 'VALIDATION_FAILED'],
    ['a calendar without a VTODO', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n', 'VTODO', 'VALIDATION_FAILED'],
    ['two VTODOs', todo('SUMMARY:a', 'END:VTODO', 'BEGIN:VTODO', 'UID:t-2', 'SUMMARY:b'), 'VTODO', 'VALIDATION_FAILED'],
    ['no UID', todo('SUMMARY:a').replace('UID:t-1@example.com\r\n', ''), 'UID', 'VALIDATION_FAILED'],
    ['no SUMMARY', todo('DESCRIPTION:only this'), 'SUMMARY', 'VALIDATION_FAILED'],
    ['a SUMMARY too long', todo(`SUMMARY:${'x'.repeat(501)}`), 'SUMMARY', 'VALIDATION_FAILED'],
    ['a DUE that is no date', todo('SUMMARY:a', 'DUE:2026x'), 'DUE', 'VALIDATION_FAILED'],
    ['a DUE in month 13', todo('SUMMARY:a', 'DUE;VALUE=DATE:20261301'), 'DUE', 'VALIDATION_FAILED'],
    ['a DUE in the year 3100', todo('SUMMARY:a', 'DUE;VALUE=DATE:31000101'), 'DUE', 'VALIDATION_FAILED'],
    [
      'a TZID that is no zone, without VTIMEZONE',
      todo('SUMMARY:a', 'DUE;TZID=Mars/Olympus:20261201T090000'),
      'DUE',
      'INVALID_TIME_ZONE',
    ],
    ['PRIORITY 12', todo('SUMMARY:a', 'PRIORITY:12'), 'PRIORITY', 'VALIDATION_FAILED'],
    ['PRIORITY that is no number', todo('SUMMARY:a', 'PRIORITY:high'), 'PRIORITY', 'VALIDATION_FAILED'],
    ['an unknown STATUS', todo('SUMMARY:a', 'STATUS:DONE'), 'STATUS', 'VALIDATION_FAILED'],
    ['PERCENT-COMPLETE 150', todo('SUMMARY:a', 'PERCENT-COMPLETE:150'), 'PERCENT-COMPLETE', 'VALIDATION_FAILED'],
    ['a negative SEQUENCE', todo('SUMMARY:a', 'SEQUENCE:-1'), 'SEQUENCE', 'VALIDATION_FAILED'],
    ['an hourly RRULE', todo('SUMMARY:a', 'DUE;VALUE=DATE:20261201', 'RRULE:FREQ=HOURLY'), 'RRULE', 'INVALID_RECURRENCE'],
    [
      'two RRULEs',
      todo('SUMMARY:a', 'DUE;VALUE=DATE:20261201', 'RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY'),
      'RRULE',
      'INVALID_RECURRENCE',
    ],
    ['an alarm without TRIGGER', todo('SUMMARY:a', ...alarm()), 'VALARM[0].TRIGGER', 'INVALID_REMINDER'],
    [
      'an alarm TRIGGER that is no duration',
      todo('SUMMARY:a', ...alarm('TRIGGER:soon')),
      'VALARM[0].TRIGGER',
      'INVALID_REMINDER',
    ],
    ['a tag with #', todo('SUMMARY:a', 'CATEGORIES:ok,#hash'), 'CATEGORIES', 'VALIDATION_FAILED'],
    [
      'eleven alarms',
      todo(
        'SUMMARY:a',
        'DUE;VALUE=DATE:20261201',
        ...Array.from({ length: 11 }, (_, i) => alarm(`TRIGGER;RELATED=END:-PT${i + 1}M`)).flat(),
      ),
      'VALARM',
      'VALIDATION_FAILED',
    ],
  ];

  it.each(cases)('refuses %s, naming the property', (_name, text, field, code) => {
    const got = refusal(text);
    expect(got).toMatchObject({ field, code });
    expect(got.message).toContain(field);
  });

  it('reads a bare VTODO, without VCALENDAR, and floating times in the given zone', () => {
    const text = ['BEGIN:VTODO', 'UID:bare', 'SUMMARY:Bare', 'COMPLETED:20261201T090000', 'END:VTODO'].join('\r\n');
    expect(parseVtodo(text, { timeZone: 'Europe/Berlin' })).toMatchObject({
      status: 'completed',
      completedAt: '2026-12-01T08:00:00.000Z',
    });
  });
});

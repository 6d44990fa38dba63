import { describe, it, expect } from 'vitest';
import { DomainError } from '../errors.js';
import { assertTimeZone, isValidTimeZone } from './index.js';

describe('isValidTimeZone', () => {
  it.each([
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Australia/Sydney',
    'America/Argentina/Buenos_Aires',
    'Etc/GMT+5',
    'America/Port-au-Prince',
    'europe/berlin',
  ])('accepts %s', (zone) => expect(isValidTimeZone(zone)).toBe(true));

  it.each([
    '',
    'Foo/Bar',
    'Mars/Olympus_Mons',
    '+05:00',
    '-0800',
    'UTC+1',
    'Z',
    ' Europe/Berlin',
    'Europe/Berlin ',
    '2020-01-01T00:00[Europe/Berlin]',
    'Europe//Berlin',
    'a'.repeat(65),
  ])('rejects %j', (zone) => expect(isValidTimeZone(zone)).toBe(false));

  it('rejects non-strings without throwing', () => {
    expect(isValidTimeZone(42 as unknown as string)).toBe(false);
    expect(isValidTimeZone(null as unknown as string)).toBe(false);
  });
});

describe('assertTimeZone', () => {
  it.each([
    ['america/new_york', 'America/New_York'],
    ['utc', 'UTC'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['AUSTRALIA/SYDNEY', 'Australia/Sydney'],
  ])('canonicalises %s → %s', (input, canonical) => {
    expect(assertTimeZone(input, 'due.timeZone')).toBe(canonical);
  });

  it('throws INVALID_TIME_ZONE naming the field', () => {
    const error = catchError(() => assertTimeZone('Nowhere/Town', 'due.timeZone'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('INVALID_TIME_ZONE');
    expect(error.issues[0]?.field).toBe('due.timeZone');
    expect(error.message).toMatch(/Nowhere\/Town/);
  });
});

function catchError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

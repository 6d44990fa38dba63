import { Temporal } from 'temporal-polyfill';
import { DomainError } from '../errors.js';

/*
 * Temporal also accepts UTC offsets ("+05:00") and whole ISO strings with a bracketed zone as
 * "time zones". Tasks must name an IANA zone so that DST rules apply, so only name-shaped input
 * reaches Temporal: a letter first, then letters, digits, `_`, `+`, `-`, with `/` separators.
 */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const MAX_ZONE_LENGTH = 64;
const EPOCH = Temporal.Instant.fromEpochMilliseconds(0);

/** The canonical spelling (case-normalised by the tz database) of an IANA zone, or null. */
export function canonicalTimeZone(zone: unknown): string | null {
  if (typeof zone !== 'string' || zone.length > MAX_ZONE_LENGTH || !ZONE_NAME.test(zone)) {
    return null;
  }
  try {
    return EPOCH.toZonedDateTimeISO(zone).timeZoneId;
  } catch {
    return null;
  }
}

export function isValidTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== null;
}

/** Returns the canonical id (e.g. "america/new_york" → "America/New_York"). */
export function assertTimeZone(zone: string, field: string): string {
  const canonical = canonicalTimeZone(zone);
  if (canonical === null) {
    const shown = typeof zone === 'string' ? JSON.stringify(zone.slice(0, MAX_ZONE_LENGTH)) : 'value';
    throw DomainError.field(
      'INVALID_TIME_ZONE',
      field,
      `${shown} is not an IANA time zone (expected e.g. "Europe/Berlin" or "America/New_York")`,
    );
  }
  return canonical;
}

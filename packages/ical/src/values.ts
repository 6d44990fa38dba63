/** Single values both directions share: UIDs, priorities, dues and instants as iCalendar times. */
import ICAL from 'ical.js';
import { assertTimeZone, isValidTimeZone, localToInstant, type Due, type Priority } from '@todo/domain';

export const UID_DOMAIN = 'todo-app';
const OUR_UID = new RegExp(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@${UID_DOMAIN}$`, 'i');

export const taskUid = (taskId: string): string => `${taskId}@${UID_DOMAIN}`;
export const taskIdOfUid = (uid: string): string | null => OUR_UID.exec(uid)?.[1]?.toLowerCase() ?? null;

/**
 * RFC 5545 PRIORITY is 1 (highest) … 9 (lowest), 0 undefined; 1–4 count as high, 5 medium,
 * 6–9 low, and clients with three levels write 1, 5 and 9. The app's top level is the
 * client's top level: urgent ↔ 1, high ↔ 2 (2–4 read as high), medium ↔ 5, low ↔ 9 (6–9),
 * none ↔ 0 or no PRIORITY. Each app level survives a round trip.
 */
const PRIORITY_VALUE: Record<Priority, number> = { none: 0, low: 9, medium: 5, high: 2, urgent: 1 };
export const priorityToIcal = (priority: Priority): number => PRIORITY_VALUE[priority];
export function priorityFromIcal(value: number): Priority {
  if (value === 0) return 'none';
  if (value === 1) return 'urgent';
  if (value <= 4) return 'high';
  return value === 5 ? 'medium' : 'low';
}
export const isPriorityValue = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 9;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function timeFromLocal(local: string): ICAL.Time {
  const [date, clock = ''] = local.split('T') as [string, string?];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  if (!clock) return ICAL.Time.fromData({ year, month, day, isDate: true });
  const [hour, minute, second = 0] = clock.split(':').map(Number) as [number, number, number?];
  return ICAL.Time.fromData({ year, month, day, hour, minute, second, isDate: false });
}

/**
 * A due as a DATE (all-day), a floating DATE-TIME, a UTC one (zone UTC), or a DATE-TIME with
 * the zone's IANA name as TZID. No VTIMEZONE is written: the clients this targets know IANA names.
 */
export function setDue(prop: ICAL.Property, due: Due): void {
  if ('date' in due) {
    prop.setValue(timeFromLocal(due.date));
    return;
  }
  const time = timeFromLocal(due.dateTime);
  if (due.timeZone === 'UTC') time.zone = ICAL.Timezone.utcTimezone;
  prop.setValue(time);
  if (due.timeZone && due.timeZone !== 'UTC') prop.setParameter('tzid', due.timeZone);
}

/** Text values escape a line end as `\n`; a CR would reach the output raw, which RFC 5545 forbids. */
export const lineEndsAsLf = (text: string): string => text.replace(/\r\n?/g, '\n');

export const instantToIcal = (iso: string): ICAL.Time => ICAL.Time.fromJSDate(new Date(iso), true);

/** Why a value could not be read, named by its property. */
export class PropertyError extends Error {
  constructor(
    readonly property: string,
    message: string,
    readonly code:
      'VALIDATION_FAILED' | 'INVALID_DUE' | 'INVALID_TIME_ZONE' | 'INVALID_RECURRENCE' | 'INVALID_REMINDER' = 'VALIDATION_FAILED',
  ) {
    super(message);
  }
}

/** The first value of a property, with ical.js's complaints about it named by the property. */
export function firstValue<T>(prop: ICAL.Property, name = prop.name.toUpperCase()): T {
  let value: unknown;
  try {
    value = prop.getFirstValue();
  } catch (error) {
    throw new PropertyError(name, (error as Error).message);
  }
  // ical.js rolls a 13th month or a 32nd day over into the next; the text must have named a real date.
  const raw = (prop.toJSON() as unknown[])[3];
  if (value instanceof ICAL.Time && typeof raw === 'string' && raw.replace(/Z$/, '') !== localText(value)) {
    throw new PropertyError(name, `"${raw.slice(0, 40)}" is no date or time of the calendar`);
  }
  return value as T;
}

/** The local text of a time: `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss`. */
export function localText(time: ICAL.Time): string {
  const date = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
  return time.isDate ? date : `${date}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`;
}

const isUtc = (time: ICAL.Time): boolean => time.zone === ICAL.Timezone.utcTimezone;

/**
 * A TZID that is not an IANA name (Outlook's "W. Europe Standard Time", a client's own)
 * needs the VTIMEZONE the calendar sends with it; the time is then read as UTC.
 */
function zoneOf(tzid: string, vtimezones: readonly ICAL.Component[]): { iana: string } | { zone: ICAL.Timezone } | null {
  if (isValidTimeZone(tzid)) return { iana: assertTimeZone(tzid, 'TZID') };
  const vtimezone = vtimezones.find((c) => c.getFirstPropertyValue('tzid') === tzid);
  return vtimezone ? { zone: new ICAL.Timezone(vtimezone) } : null;
}

/** DUE as the app's due: all-day, floating, UTC, or in an IANA zone. */
export function dueOf(prop: ICAL.Property, vtimezones: readonly ICAL.Component[]): Due {
  const time = firstValue<ICAL.Time>(prop);
  if (time.isDate) return { date: localText(time) };
  if (isUtc(time)) return { dateTime: localText(time), timeZone: 'UTC' };
  const tzid = prop.getParameter('tzid');
  if (typeof tzid !== 'string') return { dateTime: localText(time), timeZone: null };
  const zone = zoneOf(tzid, vtimezones);
  if (!zone)
    throw new PropertyError('DUE', `TZID "${tzid.slice(0, 64)}" is no IANA zone and has no VTIMEZONE`, 'INVALID_TIME_ZONE');
  if ('iana' in zone) return { dateTime: localText(time), timeZone: zone.iana };
  const copy = time.clone();
  copy.zone = zone.zone;
  return { dateTime: localText(copy.convertToZone(ICAL.Timezone.utcTimezone)), timeZone: 'UTC' };
}

/** A DATE-TIME property as an ISO instant: UTC as it is, a TZID in its zone, floating in `floatingZone`. */
export function instantOf(prop: ICAL.Property, floatingZone: string, vtimezones: readonly ICAL.Component[]): string {
  const time = firstValue<ICAL.Time>(prop);
  const local = localText(time);
  if (isUtc(time)) return new Date(`${local}Z`).toISOString();
  if (time.isDate) return new Date(localToInstant(`${local}T00:00:00`, floatingZone)).toISOString();
  const tzid = prop.getParameter('tzid');
  if (typeof tzid !== 'string') return new Date(localToInstant(local, floatingZone)).toISOString();
  const zone = zoneOf(tzid, vtimezones);
  if (!zone)
    throw new PropertyError(
      prop.name.toUpperCase(),
      `TZID "${tzid.slice(0, 64)}" is no IANA zone and has no VTIMEZONE`,
      'INVALID_TIME_ZONE',
    );
  if ('iana' in zone) return new Date(localToInstant(local, zone.iana)).toISOString();
  const copy = time.clone();
  copy.zone = zone.zone;
  return copy.toJSDate().toISOString();
}

/**
 * CATEGORIES for tags: one property for them all, as clients write it; one property per tag,
 * in order, when one holds a backslash (ical.js splits `a\\,b` at the escaped backslash's comma).
 */
export function addCategories(component: ICAL.Component, tags: readonly string[]): void {
  if (!tags.length) return;
  const groups = tags.some((t) => t.includes('\\')) ? tags.map((t) => [t]) : [[...tags]];
  for (const group of groups) {
    const categories = new ICAL.Property('categories');
    categories.setValues(group);
    component.addProperty(categories);
  }
}

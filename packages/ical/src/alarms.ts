/**
 * VALARM ↔ reminders. A relative reminder is a TRIGGER relative to the due (RELATED=END: a
 * VTODO's end is its DUE), an absolute one a UTC DATE-TIME trigger. What the app does not model
 * of an alarm (ACTION, a sound, a client's X- properties) is kept beside the reminder it came
 * with and written back with it; an alarm that is no reminder of the app (after the due,
 * relative to a DTSTART other than the due, to the second) is kept whole.
 */
import ICAL from 'ical.js';
import { Instant, type ReminderInput } from '@todo/domain';
import { PropertyError, instantOf, instantToIcal } from './values.js';

/** Two alarms with the same key are the same reminder. */
export const reminderKey = (reminder: ReminderInput): string =>
  reminder.type === 'relative' ? `relative/${reminder.minutesBefore}` : `absolute/${new Date(reminder.at).toISOString()}`;

export interface AlarmContext {
  hasDue: boolean;
  /** DTSTART is absent or equal to DUE: a trigger relative to the start is then relative to the due. */
  startIsDue: boolean;
  floatingZone: string;
  vtimezones: readonly ICAL.Component[];
}

/** The reminder an alarm is, or null when the app cannot express it. */
export function reminderOfAlarm(alarm: ICAL.Component, at: string, ctx: AlarmContext): ReminderInput | null {
  const trigger = alarm.getFirstProperty('trigger');
  if (!trigger) throw new PropertyError(`${at}.TRIGGER`, 'a VALARM needs a TRIGGER', 'INVALID_REMINDER');
  let value: unknown;
  try {
    value = trigger.getFirstValue();
  } catch (error) {
    throw new PropertyError(`${at}.TRIGGER`, (error as Error).message, 'INVALID_REMINDER');
  }
  if (value instanceof ICAL.Time) {
    const instant = instantOf(trigger, ctx.floatingZone, ctx.vtimezones);
    if (!Instant.safeParse(instant).success)
      throw new PropertyError(`${at}.TRIGGER`, 'the year must be from 1900 to 2999', 'INVALID_REMINDER');
    return { type: 'absolute', at: instant };
  }
  if (!(value instanceof ICAL.Duration))
    throw new PropertyError(`${at}.TRIGGER`, 'must be a duration or a date-time', 'INVALID_REMINDER');
  const related = String(trigger.getParameter('related') ?? 'START').toUpperCase();
  const toDue = ctx.hasDue && (related === 'END' || ctx.startIsDue);
  const seconds = value.toSeconds();
  if (!toDue || seconds > 0 || seconds % 60 !== 0) return null;
  return { type: 'relative', minutesBefore: Math.abs(seconds) / 60 };
}

function triggerOf(reminder: ReminderInput): ICAL.Property {
  const trigger = new ICAL.Property('trigger');
  if (reminder.type === 'relative') {
    trigger.setValue(ICAL.Duration.fromSeconds(-reminder.minutesBefore * 60));
    trigger.setParameter('related', 'END');
  } else {
    trigger.resetType('date-time');
    trigger.setValue(instantToIcal(reminder.at));
  }
  return trigger;
}

/**
 * The VALARM of a reminder, with what its client had added to it (`kept`: the alarm as read
 * before, without its TRIGGER); a reminder of the app's own becomes a DISPLAY alarm.
 */
export function alarmOf(reminder: ReminderInput, title: string, kept: ICAL.Component | undefined): ICAL.Component {
  const [, props = [], components = []] = (kept?.toJSON() ?? []) as [string, unknown[]?, unknown[]?];
  const alarm = new ICAL.Component([
    'valarm',
    [triggerOf(reminder).toJSON(), ...structuredClone(props)],
    structuredClone(components),
  ]);
  if (!alarm.hasProperty('action')) {
    // DISPLAY alarms need a DESCRIPTION (RFC 5545 §3.6.6).
    alarm.addPropertyWithValue('action', 'DISPLAY');
    alarm.addPropertyWithValue('description', title);
  }
  return alarm;
}

/**
 * What a VTODO carries that the app does not model, kept as iCalendar text: the caller stores
 * it as an opaque string and hands it back, and the VTODO written from the task carries it
 * again. Inside: the properties and components as they came (X- properties, DTSTART, EXDATE,
 * whole alarms the app cannot express), the VTIMEZONEs they refer to, and, per reminder, what
 * its alarm had besides its TRIGGER (`X-TODO-ALARM` with the reminder's key).
 */
import ICAL from 'ical.js';

const WRAPPER = 'x-todo-extras';
const ALARM_DETAILS = 'x-todo-alarm';
const REMINDER_KEY = 'x-todo-reminder';

const copyOf = (component: ICAL.Component): ICAL.Component => new ICAL.Component(structuredClone(component.toJSON()));

export class ExtrasBuilder {
  private readonly root = new ICAL.Component(WRAPPER);
  private readonly zoneIds = new Set<string>();

  keepProperty(prop: ICAL.Property): void {
    this.root.addProperty(ICAL.Property.fromString(prop.toICALString()));
    const tzid = prop.getParameter('tzid');
    if (typeof tzid === 'string') this.zoneIds.add(tzid);
  }

  keepComponent(component: ICAL.Component): void {
    this.root.addSubcomponent(copyOf(component));
    for (const prop of component.getAllProperties()) {
      const tzid = prop.getParameter('tzid');
      if (typeof tzid === 'string') this.zoneIds.add(tzid);
    }
  }

  /**
   * An alarm that became a reminder: everything but its TRIGGER, under the reminder's key. A
   * plain DISPLAY alarm is what the app writes itself (with the title of the day), so is not kept.
   */
  keepAlarmDetails(key: string, alarm: ICAL.Component): void {
    const details = alarm.getAllProperties().filter((p) => p.name !== 'trigger');
    const plain =
      alarm.getAllSubcomponents().length === 0 &&
      details.every(
        (p) => p.name === 'description' || (p.name === 'action' && String(p.getFirstValue()).toUpperCase() === 'DISPLAY'),
      );
    if (plain) return;
    const kept = new ICAL.Component(ALARM_DETAILS);
    kept.addPropertyWithValue(REMINDER_KEY, key);
    for (const prop of details) kept.addProperty(ICAL.Property.fromString(prop.toICALString()));
    for (const sub of alarm.getAllSubcomponents()) kept.addSubcomponent(copyOf(sub));
    this.root.addSubcomponent(kept);
  }

  /** The text to store; empty when there is nothing the app does not model. */
  finish(vtimezones: readonly ICAL.Component[]): string {
    for (const zone of vtimezones) {
      if (this.zoneIds.has(String(zone.getFirstPropertyValue('tzid')))) this.root.addSubcomponent(copyOf(zone));
    }
    const empty = this.root.getAllProperties().length === 0 && this.root.getAllSubcomponents().length === 0;
    return empty ? '' : this.root.toString();
  }
}

export interface Extras {
  properties: ICAL.Property[];
  /** Components to put back into the VTODO as they are (alarms the app cannot express …). */
  components: ICAL.Component[];
  /** VTIMEZONEs, for the VCALENDAR. */
  vtimezones: ICAL.Component[];
  /** What each reminder's alarm had besides its TRIGGER, by reminder key, in order. */
  alarmDetails: Map<string, ICAL.Component[]>;
}

export function readExtras(text: string | undefined): Extras {
  const extras: Extras = { properties: [], components: [], vtimezones: [], alarmDetails: new Map() };
  if (!text) return extras;
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  if (root.name !== WRAPPER) throw new Error('not the extras of a VTODO parsed by this module');
  // A copy: adding a property to the VTODO takes it out of this component (and its live list).
  extras.properties = [...root.getAllProperties()];
  for (const component of root.getAllSubcomponents()) {
    if (component.name === 'vtimezone') extras.vtimezones.push(component);
    else if (component.name !== ALARM_DETAILS) extras.components.push(component);
    else {
      const key = String(component.getFirstPropertyValue(REMINDER_KEY));
      component.removeAllProperties(REMINDER_KEY);
      extras.alarmDetails.set(key, [...(extras.alarmDetails.get(key) ?? []), component]);
    }
  }
  return extras;
}

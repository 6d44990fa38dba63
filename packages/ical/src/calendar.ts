/** The VCALENDAR around components this module writes. */
import ICAL from 'ical.js';

export const PRODID = '-//todo-app//todo-app//EN';

export function newCalendar(name?: string): ICAL.Component {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', PRODID);
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  if (name) calendar.addPropertyWithValue('x-wr-calname', name);
  return calendar;
}

/** The calendar's text, with CRLF line ends as RFC 5545 wants and a final line end. */
export const calendarText = (calendar: ICAL.Component): string => `${calendar.toString()}\r\n`;

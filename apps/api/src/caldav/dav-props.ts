/**
 * The URLs of the CalDAV tree and the properties of each kind of resource in it: the principal,
 * the calendar home, one calendar per project and one `.ics` resource per task (docs/caldav.md).
 */
import type { DavCalendar, DavResource } from '@todo/services';
import { APPLE, CALDAV, CALSERVER, DAV, c, d, escapeXml, key, type QName } from './dav-xml.js';

export const DAV_ROOT = '/dav/';
export const PRINCIPAL = '/dav/principal/';
export const HOME = '/dav/calendars/';
export const calendarHref = (projectId: string): string => `${HOME}${projectId}/`;
export const resourceHref = (projectId: string, name: string): string =>
  `${calendarHref(projectId)}${encodeURIComponent(name)}.ics`;

/** A property's value as XML, or undefined when this resource does not have it (reported 404). */
export type PropSource = (q: QName) => string | undefined;

const q = (ns: string, name: string): QName => ({ ns, name });
const href = (path: string) => d('href', escapeXml(path));

/** What `allprop` and an empty PROPFIND answer (RFC 4918 §9.1): the live properties clients look for. */
export const ALLPROP: QName[] = [
  q(DAV, 'resourcetype'),
  q(DAV, 'displayname'),
  q(DAV, 'getetag'),
  q(DAV, 'getcontenttype'),
  q(DAV, 'current-user-principal'),
  q(CALSERVER, 'getctag'),
  q(DAV, 'sync-token'),
];

function common(name: string): string | undefined {
  if (name === 'current-user-principal' || name === 'owner' || name === 'principal-URL') return href(PRINCIPAL);
  return undefined;
}

function pick(q: QName, table: Record<string, string | undefined>): string | undefined {
  return table[key(q)] ?? (q.ns === DAV ? common(q.name) : undefined);
}

export function principalProps(displayName: string): PropSource {
  return (prop) =>
    pick(prop, {
      [`{${DAV}}resourcetype`]: d('principal') + d('collection'),
      [`{${DAV}}displayname`]: escapeXml(displayName),
      [`{${CALDAV}}calendar-home-set`]: href(HOME),
      [`{${CALDAV}}calendar-user-address-set`]: undefined,
    });
}

export function homeProps(): PropSource {
  return (prop) =>
    pick(prop, {
      [`{${DAV}}resourcetype`]: d('collection'),
      [`{${DAV}}displayname`]: 'Projects',
      [`{${DAV}}current-user-privilege-set`]: privileges(true),
    });
}

/** Viewers read only: no write, bind (create) or unbind (delete) (RFC 3744 §5.4). */
function privileges(writable: boolean): string {
  const names = writable ? ['read', 'write', 'write-content', 'write-properties', 'bind', 'unbind'] : ['read'];
  return names.map((n) => d('privilege', d(n))).join('') + d('privilege', c('read-free-busy'));
}

const REPORTS = ['calendar-multiget', 'calendar-query'].map((n) => d('supported-report', d('report', c(n))));

export function calendarProps(calendar: DavCalendar): PropSource {
  const { project } = calendar;
  return (prop) =>
    pick(prop, {
      [`{${DAV}}resourcetype`]: d('collection') + c('calendar'),
      [`{${DAV}}displayname`]: escapeXml(project.name),
      [`{${CALDAV}}supported-calendar-component-set`]: c('comp', '').replace('/>', ' name="VTODO"/>'),
      [`{${CALSERVER}}getctag`]: escapeXml(calendar.ctag),
      [`{${DAV}}sync-token`]: escapeXml(calendar.syncToken),
      [`{${DAV}}current-user-privilege-set`]: privileges(calendar.writable),
      [`{${DAV}}supported-report-set`]: REPORTS.join('') + d('supported-report', d('report', d('sync-collection'))),
      [`{${APPLE}}calendar-color`]: project.color ? escapeXml(project.color) : undefined,
      [`{${CALDAV}}calendar-timezone`]: undefined,
    });
}

export function resourceProps(resource: DavResource, withData: boolean): PropSource {
  return (prop) =>
    pick(prop, {
      [`{${DAV}}resourcetype`]: '',
      [`{${DAV}}getetag`]: escapeXml(resource.etag),
      [`{${DAV}}getcontenttype`]: 'text/calendar; charset=utf-8; component=vtodo',
      [`{${DAV}}getlastmodified`]: new Date(resource.task.updatedAt).toUTCString(),
      [`{${DAV}}displayname`]: undefined,
      [`{${CALDAV}}calendar-data`]: withData ? escapeXml(resource.ics) : undefined,
    });
}

/** Splits the asked-for properties into found (with values) and missing. */
export function evaluate(source: PropSource, wanted: readonly QName[]): { found: [QName, string][]; missing: QName[] } {
  const found: [QName, string][] = [];
  const missing: QName[] = [];
  for (const prop of wanted) {
    const value = source(prop);
    if (value === undefined) missing.push(prop);
    else found.push([prop, value]);
  }
  return { found, missing };
}

/**
 * REPORT on a calendar: calendar-multiget and calendar-query (RFC 4791 §7.8–7.9; filters on
 * the VTODO component, a time range on its due, completed or not) and sync-collection (RFC 6578).
 */
import type { Element as XmlElement } from '@xmldom/xmldom';
import { DomainError, type Task } from '@todo/domain';
import type { DavResource, Principal, Services } from '@todo/services';
import { evaluate, resourceHref, resourceProps } from './dav-props.js';
import { targetOf } from './dav-target.js';
import {
  CALDAV,
  child,
  children,
  DAV,
  descendants,
  goneResponse,
  multistatus,
  parseXml,
  qnameOf,
  response,
  textOf,
} from './dav-xml.js';

export async function report(
  services: Services,
  principal: Principal,
  projectId: string,
  body: string | undefined,
): Promise<string> {
  const root = parseXml(body);
  if (!root) throw DomainError.field('VALIDATION_FAILED', 'body', 'a REPORT needs a body');
  const prop = child(root, DAV, 'prop');
  const wanted = prop ? children(prop).map(qnameOf) : [{ ns: DAV, name: 'getetag' }];
  const withData = wanted.some((q) => q.ns === CALDAV && q.name === 'calendar-data');
  const answer = (r: DavResource) => {
    const { found, missing } = evaluate(resourceProps(r, withData), wanted);
    return response(resourceHref(projectId, r.name), found, missing);
  };
  const { ns, name } = qnameOf(root);
  if (ns === CALDAV && name === 'calendar-multiget') {
    const hrefs = children(root, DAV, 'href').map(textOf);
    const names = hrefs
      .map((h) => targetOf(pathOf(h)))
      .map((t) => (t?.kind === 'resource' && t.projectId === projectId ? t.name : null));
    const found = await services.caldav.resources(
      principal,
      projectId,
      names.filter((n): n is string => n !== null),
    );
    const byName = new Map(found.map((r) => [r.name, r]));
    return multistatus(
      hrefs.map((href, i) => {
        const resource = names[i] ? byName.get(names[i]) : undefined;
        return resource ? answer(resource) : goneResponse(href);
      }),
    );
  }
  if (ns === CALDAV && name === 'calendar-query') {
    const matches = queryFilter(child(root, CALDAV, 'filter'));
    const all = await services.caldav.resources(principal, projectId);
    return multistatus(all.filter((r) => matches(r.task)).map(answer));
  }
  if (ns === DAV && name === 'sync-collection') {
    const token = textOf(child(root, DAV, 'sync-token')) || null;
    const changes = await services.caldav.changes(principal, projectId, token);
    return multistatus(
      [...changes.changed.map(answer), ...changes.deleted.map((n) => goneResponse(resourceHref(projectId, n)))],
      changes.syncToken,
    );
  }
  throw DomainError.field('VALIDATION_FAILED', 'body', `unsupported REPORT ${name}`);
}

/**
 * The filter of a calendar-query as a test on tasks. Understood: the VCALENDAR/VTODO
 * comp-filters (any other component matches nothing), a time-range on the VTODO (its due; an
 * undated task matches, RFC 4791 §9.9), and COMPLETED or STATUS prop-filters for done or not.
 */
function queryFilter(filter: XmlElement | undefined): (task: Task) => boolean {
  if (!filter) return () => true;
  const calendar = child(filter, CALDAV, 'comp-filter');
  if (!calendar || calendar.getAttribute('name')?.toUpperCase() !== 'VCALENDAR') return () => true;
  const comps = children(calendar, CALDAV, 'comp-filter');
  if (!comps.length) return () => true;
  const todo = comps.find((f) => f.getAttribute('name')?.toUpperCase() === 'VTODO');
  if (!todo) return () => false;
  const tests: ((task: Task) => boolean)[] = [];
  const range = child(todo, CALDAV, 'time-range');
  if (range) {
    const start = icalInstant(range.getAttribute('start'));
    const end = icalInstant(range.getAttribute('end'));
    tests.push((task) => {
      if (!task.dueAt) return true;
      const due = new Date(task.dueAt).getTime();
      return (start === null || due >= start) && (end === null || due < end);
    });
  }
  for (const propFilter of descendants(todo, CALDAV, 'prop-filter')) {
    const prop = propFilter.getAttribute('name')?.toUpperCase();
    const undefinedWanted = Boolean(child(propFilter, CALDAV, 'is-not-defined'));
    if (prop === 'COMPLETED') tests.push((task) => (task.status === 'completed') !== undefinedWanted);
    const match = child(propFilter, CALDAV, 'text-match');
    if (prop === 'STATUS' && match) {
      const negate = match.getAttribute('negate-condition') === 'yes';
      const value = textOf(match).toUpperCase();
      tests.push((task) => ((task.status === 'completed' ? 'COMPLETED' : 'NEEDS-ACTION') === value) !== negate);
    }
  }
  return (task) => tests.every((test) => test(task));
}

/** An href as a path: clients send paths, some full URLs. */
const pathOf = (href: string): string => (/^https?:/i.test(href) ? new URL(href).pathname : href);

/** `20261231T000000Z` → epoch ms; null when absent. */
function icalInstant(value: string | null): number | null {
  if (!value) return null;
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value.trim());
  if (!m) throw DomainError.field('VALIDATION_FAILED', 'time-range', `not a UTC date-time: ${value}`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

/** PROPFIND (RFC 4918 §9.1) with Depth 0 or 1 over the CalDAV tree. */
import type { Principal, Services } from '@todo/services';
import { DomainError } from '@todo/domain';
import {
  ALLPROP,
  calendarHref,
  calendarProps,
  evaluate,
  HOME,
  homeProps,
  PRINCIPAL,
  principalProps,
  resourceHref,
  resourceProps,
  type PropSource,
} from './dav-props.js';
import type { DavTarget } from './dav-target.js';
import { child, children, DAV, multistatus, parseXml, qnameOf, response, type QName } from './dav-xml.js';

/** The properties a PROPFIND or REPORT body asks for (`<d:prop>`); all of ours for `allprop` or no body. */
export function wantedProps(body: string | undefined): QName[] {
  const root = parseXml(body);
  const prop = root ? child(root, DAV, 'prop') : undefined;
  return prop ? children(prop).map(qnameOf) : ALLPROP;
}

export async function propfind(
  services: Services,
  principal: Principal,
  target: DavTarget,
  depth: string | undefined,
  body: string | undefined,
): Promise<string> {
  const wanted = wantedProps(body);
  const deep = depth !== '0';
  const entries: [string, PropSource][] = [];
  switch (target.kind) {
    case 'principal':
      entries.push([PRINCIPAL, principalProps('todo-app')]);
      break;
    case 'home':
      entries.push([HOME, homeProps()]);
      if (deep) {
        for (const calendar of await services.caldav.calendars(principal)) {
          entries.push([calendarHref(calendar.project.id), calendarProps(calendar)]);
        }
      }
      break;
    case 'calendar': {
      const calendar = await services.caldav.calendar(principal, target.projectId);
      entries.push([calendarHref(target.projectId), calendarProps(calendar)]);
      if (deep) {
        const withData = wanted.some((q) => q.name === 'calendar-data');
        for (const resource of await services.caldav.resources(principal, target.projectId)) {
          entries.push([resourceHref(target.projectId, resource.name), resourceProps(resource, withData)]);
        }
      }
      break;
    }
    case 'resource': {
      const resource = await services.caldav.resource(principal, target.projectId, target.name);
      if (!resource) throw new DomainError('TASK_NOT_FOUND', `no ${target.name}.ics in this calendar`);
      entries.push([resourceHref(target.projectId, resource.name), resourceProps(resource, true)]);
    }
  }
  return multistatus(
    entries.map(([href, source]) => {
      const { found, missing } = evaluate(source, wanted);
      return response(href, found, missing);
    }),
  );
}

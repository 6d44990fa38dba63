/**
 * The XML of WebDAV/CalDAV. Requests are parsed with @xmldom/xmldom, a maintained W3C DOM that
 * resolves namespaces: clients spell `DAV:` as `d:`, `D:`, `A:` or a default namespace, so only
 * the resolved namespace URI may be compared (a parser that only strips prefixes would mix up
 * `DAV:getetag` and a vendor's). Responses are written here, with fixed prefixes.
 */
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { DomainError } from '@todo/domain';

export const DAV = 'DAV:';
export const CALDAV = 'urn:ietf:params:xml:ns:caldav';
export const CALSERVER = 'http://calendarserver.org/ns/';
export const APPLE = 'http://apple.com/ns/ical/';

const PREFIXES: Record<string, string> = { [DAV]: 'd', [CALDAV]: 'c', [CALSERVER]: 'cs', [APPLE]: 'ic' };

/** A property or element name: its namespace and local name. */
export interface QName {
  ns: string;
  name: string;
}

export const key = (q: QName): string => `{${q.ns}}${q.name}`;
export const qnameOf = (el: XmlElement): QName => ({ ns: el.namespaceURI ?? '', name: el.localName ?? el.nodeName });

/** The request's document element; null for an empty body. A body that is not XML is VALIDATION_FAILED. */
export function parseXml(text: string | undefined): XmlElement | null {
  if (!text?.trim()) return null;
  try {
    const doc = new DOMParser({ onError: () => undefined }).parseFromString(text, 'application/xml');
    const root = doc.documentElement;
    if (!root) throw new Error('no document element');
    return root as unknown as XmlElement;
  } catch (error) {
    throw DomainError.field('VALIDATION_FAILED', 'body', `not XML: ${(error as Error).message.slice(0, 200)}`);
  }
}

export function children(el: XmlElement, ns?: string, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== 1) continue;
    const child = node as unknown as XmlElement;
    if ((ns === undefined || child.namespaceURI === ns) && (name === undefined || child.localName === name)) out.push(child);
  }
  return out;
}

export const child = (el: XmlElement, ns: string, name: string): XmlElement | undefined => children(el, ns, name)[0];

/** Every descendant named so, in document order. */
export function descendants(el: XmlElement, ns: string, name: string): XmlElement[] {
  return Array.from(el.getElementsByTagNameNS(ns, name)) as unknown as XmlElement[];
}

export const textOf = (el: XmlElement | undefined): string => (el?.textContent ?? '').trim();

export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** `<prefix:name>inner</prefix:name>`, declaring a namespace of its own when it has no fixed prefix. */
export function element(q: QName, inner = ''): string {
  const prefix = PREFIXES[q.ns];
  const tag = prefix ? `${prefix}:${q.name}` : `x:${q.name}`;
  const declared = prefix ? '' : ` xmlns:x="${escapeXml(q.ns)}"`;
  return inner ? `<${tag}${declared}>${inner}</${tag}>` : `<${tag}${declared}/>`;
}

export const d = (name: string, inner = ''): string => element({ ns: DAV, name }, inner);
export const c = (name: string, inner = ''): string => element({ ns: CALDAV, name }, inner);

/** One `<d:response>`: found properties with 200, missing ones with 404 (RFC 4918 §9.1). */
export function response(href: string, found: readonly [QName, string][], missing: readonly QName[] = []): string {
  const stat = (props: string, status: string) => d('propstat', d('prop', props) + d('status', `HTTP/1.1 ${status}`));
  return d(
    'response',
    d('href', escapeXml(href)) +
      (found.length ? stat(found.map(([q, inner]) => element(q, inner)).join(''), '200 OK') : '') +
      (missing.length ? stat(missing.map((q) => element(q)).join(''), '404 Not Found') : '') +
      (!found.length && !missing.length ? stat('', '200 OK') : ''),
  );
}

/** A member that is gone (sync-collection) or was asked for and does not exist (multiget). */
export const goneResponse = (href: string): string =>
  d('response', d('href', escapeXml(href)) + d('status', 'HTTP/1.1 404 Not Found'));

export function multistatus(responses: readonly string[], syncToken?: string): string {
  const ns = Object.entries(PREFIXES)
    .map(([uri, prefix]) => ` xmlns:${prefix}="${uri}"`)
    .join('');
  const token = syncToken ? `<d:sync-token>${escapeXml(syncToken)}</d:sync-token>` : '';
  return `<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus${ns}>${responses.join('')}${token}</d:multistatus>`;
}

/** A precondition's `<d:error>` body (RFC 4918 §16). */
export function errorBody(condition: QName): string {
  const ns = Object.entries(PREFIXES)
    .map(([uri, prefix]) => ` xmlns:${prefix}="${uri}"`)
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<d:error${ns}>${element(condition)}</d:error>`;
}

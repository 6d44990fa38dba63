/** What a `/dav/…` path names: the principal, the calendar home, a calendar or a task's `.ics`. */
export type DavTarget =
  | { kind: 'principal' }
  | { kind: 'home' }
  | { kind: 'calendar'; projectId: string }
  | { kind: 'resource'; projectId: string; name: string };

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** null: no such place (404), including a calendar whose id cannot be a project's. */
export function targetOf(url: string): DavTarget | null {
  const path = url.split('?')[0] ?? '';
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'dav') return null;
  if (parts.length === 1 || (parts.length === 2 && parts[1] === 'principal')) return { kind: 'principal' };
  if (parts[1] !== 'calendars') return null;
  if (parts.length === 2) return { kind: 'home' };
  const projectId = parts[2]!.toLowerCase();
  if (!UUID.test(projectId)) return null;
  if (parts.length === 3) return { kind: 'calendar', projectId };
  if (parts.length !== 4 || !parts[3]!.endsWith('.ics')) return null;
  let name: string;
  try {
    name = decodeURIComponent(parts[3]!.slice(0, -'.ics'.length));
  } catch {
    return null;
  }
  return name ? { kind: 'resource', projectId, name } : null;
}

/**
 * A generic iCalendar file of VTODOs (a calendar app's export, or one `.ics` of todo-app's
 * archive): each VTODO through @todo/ical's own mapping (docs/calendar.md), its UID as the
 * import key, RELATED-TO as the parent, the calendar's X-WR-CALNAME as the project.
 */
import ICAL from 'ical.js';
import { isDomainError } from '@todo/domain';
import { parseVtodo } from '@todo/ical';
import { cleanName, cleanTags, importInvalid, type ImportPlan } from './plan.js';

export interface IcalFile {
  name: string;
  text: string;
}

/** Reads the files; a file that is not iCalendar at all refuses the import, a VTODO that cannot be mapped is reported. */
export function readIcal(files: readonly IcalFile[], timeZone: string, plan: ImportPlan = emptyPlan()): ImportPlan {
  for (const file of files) readFile(file, timeZone, plan);
  return plan;
}

const emptyPlan = (): ImportPlan => ({ format: 'ical', projects: [], tasks: [], unmapped: [] });

function rootOf(file: IcalFile): ICAL.Component {
  try {
    const root = new ICAL.Component(ICAL.parse(file.text) as unknown[]);
    if (root.name !== 'vcalendar') throw new Error('the file holds no VCALENDAR');
    return root;
  } catch (error) {
    const line = /line (\d+)/i.exec((error as Error).message)?.[1];
    throw importInvalid(`${file.name}${line ? ` line ${line}` : ''}`, `not iCalendar: ${(error as Error).message.slice(0, 200)}`);
  }
}

function readFile(file: IcalFile, timeZone: string, plan: ImportPlan): void {
  const root = rootOf(file);
  const calendarName = root.getFirstPropertyValue('x-wr-calname');
  const fileName = file.name.replace(/\.ics$/i, '');
  const name = typeof calendarName === 'string' && calendarName.trim() ? calendarName : fileName;
  let projectKey: string | null = null;
  if (name && !/^inbox$/i.test(name.trim())) {
    const clean = cleanName(name, 'Calendar');
    projectKey = `ical:${clean.toLowerCase()}`;
    if (!plan.projects.some((p) => p.key === projectKey))
      plan.projects.push({ key: projectKey, name: clean, parentKey: null, color: null });
  }
  const vtimezones = root.getAllSubcomponents('vtimezone');
  root.getAllSubcomponents('vtodo').forEach((vtodo, i) => {
    const where = `${file.name} VTODO ${i + 1}`;
    const single = new ICAL.Component('vcalendar');
    single.addPropertyWithValue('version', '2.0');
    for (const zone of vtimezones) single.addSubcomponent(zone);
    single.addSubcomponent(vtodo);
    try {
      const parsed = parseVtodo(single.toString(), { timeZone });
      plan.tasks.push({
        externalId: parsed.uid,
        projectKey,
        parentExternalId: parsed.parentUid,
        ...parsed.fields,
        tags: cleanTags(parsed.fields.tags, where, plan.unmapped),
        completed: parsed.status === 'completed',
        completedAt: parsed.completedAt,
        where,
      });
      if (parsed.extras.trim()) plan.unmapped.push({ where, reason: 'properties the app does not model are not imported' });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      plan.unmapped.push({ where, reason: `${error.message}: not imported` });
    }
  });
  const others = root.getAllSubcomponents().filter((c) => c.name !== 'vtodo' && c.name !== 'vtimezone');
  if (others.length)
    plan.unmapped.push({
      where: file.name,
      reason: `${others.length} ${others[0]!.name.toUpperCase()}… components are not tasks: not imported`,
    });
}

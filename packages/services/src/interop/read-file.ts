/**
 * A file to import, as uploaded: a zip (todo-app's export, Todoist's backup of CSVs) or a
 * single file (a Todoist CSV, an iCalendar file, `todo-app.json`). The format is the caller's
 * or told from the content; the result is one plan (plan.ts).
 */
import { unzipSync } from 'fflate';
import { readIcal } from './ical-file.js';
import { importInvalid, type ImportFormat, type ImportPlan } from './plan.js';
import { EXPORT_DOCUMENT_NAME, readTodoAppDocument } from './todo-app-format.js';
import { readTodoist, type PhraseContext } from './todoist-csv.js';

export interface UploadedFile {
  bytes: Uint8Array;
  /** The file's name, when known: names the project of a single CSV or .ics file. */
  name?: string | undefined;
  format?: ImportFormat | undefined;
}

interface NamedText {
  name: string;
  text: string;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Unpacked size one archive may have: a zip bomb is refused before it fills memory. */
export const MAX_UNPACKED_BYTES = 200 * 1024 * 1024;

const isZip = (bytes: Uint8Array) => ZIP_MAGIC.every((b, i) => bytes[i] === b);
const decoder = new TextDecoder('utf-8');

function unpack(bytes: Uint8Array): NamedText[] {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        total += file.originalSize;
        if (total > MAX_UNPACKED_BYTES) throw importInvalid('archive', `unpacks to more than ${MAX_UNPACKED_BYTES} bytes`);
        return !file.name.endsWith('/') && !/(^|\/)(__MACOSX|\.)/.test(file.name);
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'IMPORT_INVALID') throw error;
    throw importInvalid('archive', `not a readable zip: ${(error as Error).message.slice(0, 200)}`);
  }
  return Object.entries(files).map(([name, content]) => ({ name, text: decoder.decode(content) }));
}

const baseName = (name: string) => name.split('/').pop() ?? name;

function formatOf(files: NamedText[]): ImportFormat {
  if (files.some((f) => baseName(f.name) === EXPORT_DOCUMENT_NAME)) return 'todo-app';
  const first = files[0]?.text.trimStart() ?? '';
  if (first.startsWith('{')) return 'todo-app';
  if (/^BEGIN:VCALENDAR/i.test(first) || files.some((f) => /\.ics$/i.test(f.name))) return 'ical';
  if (/^\uFEFF?"?TYPE"?\s*,/i.test(first) || files.some((f) => /\.csv$/i.test(f.name))) return 'todoist';
  throw importInvalid(
    'file',
    'not a format this app imports: todo-app export (.zip or .json), Todoist CSV (or its backup .zip), iCalendar (.ics)',
  );
}

/** The file as a plan. `clock`: for Todoist's date words ("tomorrow") and the zone of floating times. */
export function readUpload(file: UploadedFile, clock: PhraseContext): ImportPlan {
  if (file.bytes.length === 0) throw importInvalid('file', 'the file is empty');
  const files = isZip(file.bytes) ? unpack(file.bytes) : [{ name: file.name ?? 'file', text: decoder.decode(file.bytes) }];
  if (!files.length) throw importInvalid('archive', 'the archive holds no files');
  const format = file.format ?? formatOf(files);
  switch (format) {
    case 'todo-app': {
      // The archive's .ics files are the same tasks for calendar apps: the document has everything.
      const doc = files.find((f) => baseName(f.name) === EXPORT_DOCUMENT_NAME) ?? (files.length === 1 ? files[0] : undefined);
      if (!doc) throw importInvalid('archive', `no ${EXPORT_DOCUMENT_NAME} in the archive`);
      return readTodoAppDocument(doc.text, baseName(doc.name));
    }
    case 'todoist':
      return readTodoist(
        files.filter((f) => files.length === 1 || /\.csv$/i.test(f.name)).map((f) => ({ name: baseName(f.name), text: f.text })),
        clock,
      );
    case 'ical':
      return readIcal(
        files.filter((f) => files.length === 1 || /\.ics$/i.test(f.name)).map((f) => ({ name: baseName(f.name), text: f.text })),
        clock.timeZone,
      );
  }
}

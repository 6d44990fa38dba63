/**
 * @module @todo/domain/browser — the part of the domain the web UI bundles: no zod and no
 * Temporal polyfill, which together outweigh the whole UI. The web takes types from
 * `@todo/domain` with `import type` (erased from the bundle) and values from here only.
 */
export { parseTaskPhrase, parseDuePhrase, type TaskPhrase, type DuePhrase, type PhraseClock } from './phrases/index.js';
export { addCalendarDays } from './time/calendar.js';
export { TASK_EVENT_TYPES, type TaskEventType } from './event-types.js';

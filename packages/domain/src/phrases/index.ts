export { parseTaskPhrase, type TaskPhrase, type PhraseClock } from './task-phrase.js';
export { parseDuePhrase, type DuePhrase } from './due-phrase.js';

export { normalizeRecurrence, describeRecurrence } from './normalize.js';
export {
  previewOccurrences,
  nextOccurrence,
  type PreviewInput,
  type NextOccurrenceInput,
  type RepeatFrom,
} from './occurrences.js';

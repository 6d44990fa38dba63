export { normalizeRecurrence, describeRecurrence } from './normalize.js';
export {
  previewOccurrences,
  nextOccurrence,
  firstOccurrenceOnOrAfter,
  assertRepeatsBeforeUntil,
  type PreviewInput,
  type NextOccurrenceInput,
  type RepeatFrom,
} from './occurrences.js';

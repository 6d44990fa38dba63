import { describeRule } from './describe.js';
import { parsePhrase } from './phrase.js';
import { finishRule, formatRule, invalidRecurrence, type RecurrenceRule } from './rule.js';
import { looksLikeRRule, parseRRule } from './rrule.js';

// Far longer than any real rule or phrase; bounds parser work on hostile input.
const MAX_INPUT_LENGTH = 500;

/** Any accepted input (RRULE text or an English phrase) → the validated structured rule. */
export function parseRecurrence(input: unknown, field: string): RecurrenceRule {
  if (typeof input !== 'string') throw invalidRecurrence(field, 'the recurrence must be a string');
  const trimmed = input.trim();
  if (trimmed === '') throw invalidRecurrence(field, 'the recurrence is empty');
  if (trimmed.length > MAX_INPUT_LENGTH) {
    throw invalidRecurrence(field, `the recurrence is longer than ${MAX_INPUT_LENGTH} characters`);
  }
  const draft = looksLikeRRule(trimmed) ? parseRRule(trimmed, field) : parsePhrase(trimmed, field);
  return finishRule(draft, field);
}

/**
 * Accepts an RRULE (with or without "RRULE:", any case and part order) or an English phrase
 * ("every 2 weeks on mon and fri", "last friday of the month", "every day until 2027-06-30")
 * and returns the canonical RRULE plus its English description.
 */
export function normalizeRecurrence(input: string, field = 'recurrence.rule'): { rule: string; text: string } {
  const rule = parseRecurrence(input, field);
  return { rule: formatRule(rule), text: describeRule(rule) };
}

/** English for a rule, e.g. "every 2 weeks on Monday and Friday". */
export function describeRecurrence(rule: string): string {
  return describeRule(parseRecurrence(rule, 'recurrence.rule'));
}

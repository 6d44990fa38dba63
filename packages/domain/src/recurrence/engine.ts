import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { formatRule, type RecurrenceRule } from './rule.js';

/*
 * rrule-temporal expands the rule on *dates only*: the anchor is midnight UTC of the local
 * anchor date, and callers attach the task's wall-clock time afterwards. Expanding in the task
 * zone instead would follow RFC 5545 and silently drop an occurrence whose wall time falls in a
 * DST gap; a task must still come due that day (localToInstant resolves the gap forward).
 * COUNT and UNTIL are stripped: the series applies them itself, because COUNT is counted by
 * occurrence index (the due is always the first occurrence) and UNTIL needs the task zone.
 */

// Generous for real rules; a never-matching rule fails in ~100 ms instead of hanging.
const MAX_ITERATIONS = 10_000;

function isEngineLimit(error: unknown): boolean {
  // RangeError: a date beyond Temporal's range, only reachable by huge INTERVALs.
  return error instanceof RangeError || (error instanceof Error && /maximum (iterations|candidate)/i.test(error.message));
}

export class DateRule {
  private readonly engine: RRuleTemporal<Temporal.ZonedDateTime>;

  constructor(rule: RecurrenceRule, anchor: Temporal.PlainDate) {
    const unbounded: RecurrenceRule = { ...rule };
    delete unbounded.count;
    delete unbounded.until;
    this.engine = new RRuleTemporal({
      rruleString: formatRule(unbounded),
      dtstart: anchor.toZonedDateTime('UTC'),
      temporal: Temporal,
      maxIterations: MAX_ITERATIONS,
    });
  }

  /** The first rule instance strictly after `date`, or null when there is none within the caps. */
  after(date: Temporal.PlainDate): Temporal.PlainDate | null {
    try {
      const next = this.engine.next(date.toZonedDateTime('UTC'), false);
      return next ? next.toPlainDate() : null;
    } catch (error) {
      if (isEngineLimit(error)) return null;
      throw error;
    }
  }
}

/**
 * Repeat: a builder for the simple rules (frequency, interval, weekdays, day of month), the RRULE
 * or phrase itself, and a preview of the next occurrences from the API.
 */
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, type Preview } from '../api.js';
import { builderToRule, DEFAULT_BUILDER, ruleToBuilder, WEEKDAY_CODES, type Builder, type Freq } from '../recurrence.js';
import { Field, Icon } from '../ui.js';
import type { DueForm } from './taskForm.js';

type RepeatFrom = 'due' | 'completion';

/** The next 5 occurrences from the due date, from the API (which also normalises phrases). */
function useRecurrencePreview(rule: string, due: DueForm, zone: string) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { kind: dueKind, date, time } = due;
  useEffect(() => {
    if (!rule.trim()) {
      setPreview(null);
      setError(null);
      return;
    }
    const timer = setTimeout(() => {
      const params = new URLSearchParams({ rule: rule.trim(), count: '5', timeZone: zone });
      if (dueKind === 'date' && date) params.set('start', date);
      if (dueKind === 'datetime' && date) params.set('start', `${date}T${time || '00:00'}`);
      api
        .preview(params)
        .then((p) => {
          setPreview(p);
          setError(null);
        })
        .catch((e: unknown) => {
          setPreview(null);
          setError(e instanceof ApiError ? (e.errors[0]?.message ?? e.detail) : String(e));
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [rule, date, time, dueKind, zone]);
  return { preview, error };
}

export function RepeatFields({
  rule,
  onRule,
  repeatFrom,
  onRepeatFrom,
  due,
  zone,
  error,
}: {
  rule: string;
  onRule: (rule: string) => void;
  repeatFrom: RepeatFrom;
  onRepeatFrom: (from: RepeatFrom) => void;
  /** The series starts at the due date, in `zone`. */
  due: DueForm;
  zone: string;
  error: string | undefined;
}) {
  const builder = useMemo(() => (rule ? ruleToBuilder(rule) : null), [rule]);
  const { preview, error: previewError } = useRecurrencePreview(rule, due, zone);

  function updateBuilder(change: Partial<Builder>) {
    onRule(builderToRule({ ...(builder ?? DEFAULT_BUILDER), ...change }));
  }

  return (
    <fieldset>
      <legend>Repeat</legend>
      <div className="row">
        <Field label="Frequency">
          {(p) => (
            <select
              {...p}
              value={rule ? (builder?.freq ?? 'custom') : ''}
              onChange={(e) =>
                e.target.value ? updateBuilder({ freq: e.target.value as Freq, byDay: [], monthDay: null }) : onRule('')
              }
            >
              <option value="">Does not repeat</option>
              <option value="DAILY">Daily</option>
              <option value="WEEKLY">Weekly</option>
              <option value="MONTHLY">Monthly</option>
              <option value="YEARLY">Yearly</option>
              {rule && !builder && <option value="custom">Custom</option>}
            </select>
          )}
        </Field>
        {builder && (
          <Field label="Every (interval)">
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={999}
                value={builder.interval}
                onChange={(e) => updateBuilder({ interval: Math.max(1, Number(e.target.value) || 1) })}
              />
            )}
          </Field>
        )}
        {builder?.freq === 'MONTHLY' && (
          <Field label="On day of month">
            {(p) => (
              <select
                {...p}
                value={builder.monthDay ?? ''}
                onChange={(e) => updateBuilder({ monthDay: e.target.value ? Number(e.target.value) : null })}
              >
                <option value="">Same as due date</option>
                {Array.from({ length: 31 }, (_, i) => (
                  <option key={i + 1} value={i + 1}>
                    {i + 1}
                  </option>
                ))}
                <option value={-1}>Last day</option>
              </select>
            )}
          </Field>
        )}
      </div>
      {builder?.freq === 'WEEKLY' && (
        <div className="weekdays" role="group" aria-label="On weekdays">
          {WEEKDAY_CODES.map((d) => (
            <label key={d} className="chip-check">
              <input
                type="checkbox"
                checked={builder.byDay.includes(d)}
                onChange={(e) =>
                  updateBuilder({ byDay: e.target.checked ? [...builder.byDay, d] : builder.byDay.filter((x) => x !== d) })
                }
              />
              {d}
            </label>
          ))}
        </div>
      )}
      <Field
        label="RRULE or phrase"
        error={error ?? previewError ?? undefined}
        hint='e.g. "every weekday", "last friday of the month" or FREQ=WEEKLY;BYDAY=MO'
      >
        {(p) => <input {...p} value={rule} onChange={(e) => onRule(e.target.value)} spellCheck={false} />}
      </Field>
      {rule && (
        <Field label="Repeat from">
          {(p) => (
            <select {...p} value={repeatFrom} onChange={(e) => onRepeatFrom(e.target.value as RepeatFrom)}>
              <option value="due">The due date</option>
              <option value="completion">The completion date</option>
            </select>
          )}
        </Field>
      )}
      {preview && (
        <div className="preview" aria-live="polite">
          <p>
            <Icon name="repeat" /> {preview.text} <code>{preview.rule}</code>
          </p>
          <p className="muted">Next occurrences ({preview.timeZone}):</p>
          <ol className="occurrences" aria-label="Next occurrences">
            {preview.occurrences.map((o) => (
              <li key={o}>{o.replace('T', ' ').slice(0, 16)}</li>
            ))}
          </ol>
        </div>
      )}
    </fieldset>
  );
}

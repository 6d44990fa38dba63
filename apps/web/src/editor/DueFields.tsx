/** Due: none, an all-day date, or a date and time in a zone (empty zone = floating). */
import { Field } from '../ui.js';
import type { DueForm } from './taskForm.js';

const zones = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

export function DueFields({
  idBase,
  value,
  onChange,
  userZone,
  error,
}: {
  /** Prefix for the radio group's name and the zone list's id, unique per editor. */
  idBase: string;
  value: DueForm;
  onChange: (change: Partial<DueForm>) => void;
  userZone: string;
  error: string | undefined;
}) {
  const { kind, date, time, zone } = value;
  return (
    <fieldset>
      <legend>Due</legend>
      <div className="segmented" role="radiogroup" aria-label="Due type">
        {(
          [
            ['none', 'No date'],
            ['date', 'All day'],
            ['datetime', 'Date and time'],
          ] as const
        ).map(([k, text]) => (
          <label key={k}>
            <input type="radio" name={`${idBase}-due`} checked={kind === k} onChange={() => onChange({ kind: k })} />
            {text}
          </label>
        ))}
      </div>
      {kind !== 'none' && (
        <div className="row">
          <Field label="Date" error={error}>
            {(p) => <input {...p} type="date" value={date} onChange={(e) => onChange({ date: e.target.value })} />}
          </Field>
          {kind === 'datetime' && (
            <>
              <Field label="Time">
                {(p) => <input {...p} type="time" value={time} onChange={(e) => onChange({ time: e.target.value })} />}
              </Field>
              <Field label="Time zone" hint={`Empty = floating (follows your zone, now ${userZone}).`}>
                {(p) => (
                  <>
                    <input
                      {...p}
                      list={`${idBase}-zones`}
                      value={zone}
                      onChange={(e) => onChange({ zone: e.target.value })}
                      placeholder="Floating"
                    />
                    <datalist id={`${idBase}-zones`}>
                      {zones.map((z) => (
                        <option key={z} value={z} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
            </>
          )}
        </div>
      )}
    </fieldset>
  );
}

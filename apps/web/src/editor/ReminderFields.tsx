/** Reminders: rows of "N units before due" or "at a time" (local to the task's zone). */
import { Field } from '../ui.js';
import { newReminderRow, type ReminderRow } from './taskForm.js';

export function ReminderFields({
  rows,
  onChange,
  zone,
  error,
}: {
  rows: ReminderRow[];
  onChange: (change: (rows: ReminderRow[]) => ReminderRow[]) => void;
  zone: string;
  error: string | undefined;
}) {
  const update = (key: string, change: Partial<ReminderRow>) =>
    onChange((rs) => rs.map((x) => (x.key === key ? { ...x, ...change } : x)));
  return (
    <fieldset>
      <legend>Reminders</legend>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {rows.length === 0 && <p className="muted">No reminders.</p>}
      <ul className="reminders">
        {rows.map((r, i) => (
          <li key={r.key} className="row">
            <Field label={`Reminder ${i + 1} type`}>
              {(p) => (
                <select {...p} value={r.type} onChange={(e) => update(r.key, { type: e.target.value as ReminderRow['type'] })}>
                  <option value="relative">Before due</option>
                  <option value="absolute">At a time</option>
                </select>
              )}
            </Field>
            {r.type === 'relative' ? (
              <>
                <Field label="Amount">
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={0}
                      value={r.amount}
                      onChange={(e) => update(r.key, { amount: Number(e.target.value) })}
                    />
                  )}
                </Field>
                <Field label="Unit">
                  {(p) => (
                    <select
                      {...p}
                      value={r.unit}
                      onChange={(e) => update(r.key, { unit: e.target.value as ReminderRow['unit'] })}
                    >
                      <option value="minutes">minutes before</option>
                      <option value="hours">hours before</option>
                      <option value="days">days before</option>
                    </select>
                  )}
                </Field>
              </>
            ) : (
              <Field label={`Remind at (${zone})`}>
                {(p) => (
                  <input
                    {...p}
                    type="datetime-local"
                    step={1}
                    value={r.at}
                    onChange={(e) => update(r.key, { at: e.target.value })}
                  />
                )}
              </Field>
            )}
            <button
              type="button"
              className="link danger"
              onClick={() => onChange((rs) => rs.filter((x) => x.key !== r.key))}
              aria-label={`Remove reminder ${i + 1}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => onChange((rs) => [...rs, newReminderRow(zone)])}>
        Add reminder
      </button>
    </fieldset>
  );
}

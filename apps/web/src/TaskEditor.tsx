/** The task editor: every field of a task, with problem+json errors next to each field. */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import {
  api,
  ApiError,
  PRIORITIES,
  type Due,
  type Label,
  type Preview,
  type Priority,
  type ReminderInput,
  type Task,
  type TaskInput,
  type User,
} from './api.js';
import { renderMarkdown } from './markdown.js';
import { builderToRule, DEFAULT_BUILDER, ruleToBuilder, WEEKDAY_CODES, type Builder, type Freq } from './recurrence.js';
import { Field, FormError, fieldMessage, Icon } from './ui.js';
import { localParts, zonedToInstant } from './views.js';

type DueKind = 'none' | 'date' | 'datetime';
interface ReminderRow {
  key: string;
  type: 'relative' | 'absolute';
  amount: number;
  unit: 'minutes' | 'hours' | 'days';
  at: string; // datetime-local, in the task's zone
}

const UNIT_MINUTES = { minutes: 1, hours: 60, days: 1440 } as const;
let rowKey = 0;

function toRows(task: Task, zone: string): ReminderRow[] {
  return task.reminders.map((r) => {
    const key = `r${rowKey++}`;
    if (r.type === 'absolute')
      return { key, type: 'absolute', amount: 30, unit: 'minutes', at: localParts(new Date(r.at), zone).slice(0, 16) };
    const unit =
      r.minutesBefore % 1440 === 0 && r.minutesBefore > 0
        ? 'days'
        : r.minutesBefore % 60 === 0 && r.minutesBefore > 0
          ? 'hours'
          : 'minutes';
    return { key, type: 'relative', amount: r.minutesBefore / UNIT_MINUTES[unit], unit, at: '' };
  });
}

const zones = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

export function TaskEditor({
  task,
  user,
  categories,
  onSaved,
  onClose,
  onDelete,
  onCategoryCreated,
  onChanged,
}: {
  task: Task;
  user: User;
  categories: Label[];
  onSaved: (task: Task) => void;
  onClose: () => void;
  onDelete: (task: Task) => void;
  onCategoryCreated: (label: Label) => void;
  onChanged: () => void;
}) {
  const titleId = useId();
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [descTab, setDescTab] = useState<'write' | 'preview'>('write');
  const [priority, setPriority] = useState<Priority>(task.priority);
  const [dueKind, setDueKind] = useState<DueKind>(!task.due ? 'none' : 'date' in task.due ? 'date' : 'datetime');
  const [date, setDate] = useState(task.due ? ('date' in task.due ? task.due.date : task.due.dateTime.slice(0, 10)) : '');
  const [time, setTime] = useState(task.due && 'dateTime' in task.due ? task.due.dateTime.slice(11, 16) : '09:00');
  const [zone, setZone] = useState(task.due && 'dateTime' in task.due ? (task.due.timeZone ?? '') : '');
  const [rule, setRule] = useState(task.recurrence?.rule ?? '');
  const [repeatFrom, setRepeatFrom] = useState<'due' | 'completion'>(task.recurrence?.repeatFrom ?? 'due');
  const effectiveZone = (dueKind === 'datetime' && zone) || user.timeZone;
  const [reminderRows, setReminderRows] = useState<ReminderRow[]>(() => toRows(task, effectiveZone));
  // Reminders are sent only when edited: re-sending fired ones would arm them again.
  const [remindersDirty, setRemindersDirty] = useState(false);
  const reminders = reminderRows;
  const setReminders = (change: (rows: ReminderRow[]) => ReminderRow[]) => {
    setRemindersDirty(true);
    setReminderRows(change);
  };
  const [categoryId, setCategoryId] = useState(task.categoryId ?? '');
  const [newCategory, setNewCategory] = useState('');
  const [tags, setTags] = useState(task.tags.join(', '));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [subtasks, setSubtasks] = useState<Task[] | null>(null);
  const [subtaskTitle, setSubtaskTitle] = useState('');
  const titleRef = useRef<HTMLInputElement>(null);
  const builder = useMemo(() => (rule ? ruleToBuilder(rule) : null), [rule]);

  useEffect(() => titleRef.current?.focus(), [task.id]);

  // Preview of the next 5 occurrences, from the API (which also normalises phrases).
  useEffect(() => {
    if (!rule.trim()) {
      setPreview(null);
      setPreviewError(null);
      return;
    }
    const timer = setTimeout(() => {
      const params = new URLSearchParams({ rule: rule.trim(), count: '5', timeZone: effectiveZone });
      if (dueKind === 'date' && date) params.set('start', date);
      if (dueKind === 'datetime' && date) params.set('start', `${date}T${time || '00:00'}`);
      api
        .preview(params)
        .then((p) => {
          setPreview(p);
          setPreviewError(null);
        })
        .catch((e: unknown) => {
          setPreview(null);
          setPreviewError(e instanceof ApiError ? (e.errors[0]?.message ?? e.detail) : String(e));
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [rule, date, time, dueKind, effectiveZone]);

  const loadSubtasks = () => {
    api
      .tasks(new URLSearchParams({ parentId: task.id, status: 'all', sort: 'created', limit: '100' }))
      .then((page) => setSubtasks(page.items))
      .catch(() => setSubtasks([]));
  };
  useEffect(loadSubtasks, [task.id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  function updateBuilder(change: Partial<Builder>) {
    setRule(builderToRule({ ...(builder ?? DEFAULT_BUILDER), ...change }));
  }

  function buildPatch(): TaskInput {
    let due: Due | null = null;
    if (dueKind === 'date' && date) due = { date };
    if (dueKind === 'datetime' && date) due = { dateTime: `${date}T${time || '00:00'}`, timeZone: zone || null };
    const reminderInputs: ReminderInput[] = reminders.flatMap((r): ReminderInput[] => {
      if (r.type === 'relative')
        return [{ type: 'relative', minutesBefore: Math.max(0, Math.round(r.amount * UNIT_MINUTES[r.unit])) }];
      return r.at ? [{ type: 'absolute', at: zonedToInstant(r.at, effectiveZone) }] : [];
    });
    return {
      title,
      description,
      priority,
      due,
      recurrence: rule.trim() ? { rule: rule.trim(), repeatFrom } : null,
      ...(remindersDirty ? { reminders: reminderInputs } : {}),
      categoryId: categoryId || null,
      tags: tags
        .split(',')
        .map((t) => t.trim().replace(/^#/, ''))
        .filter(Boolean),
    };
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.updateTask(task.id, buildPatch()));
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  }

  async function addCategory() {
    if (!newCategory.trim()) return;
    try {
      const label = await api.createCategory(newCategory.trim());
      onCategoryCreated(label);
      setCategoryId(label.id);
      setNewCategory('');
    } catch (e) {
      setError(e);
    }
  }

  async function addSubtask(event: FormEvent) {
    event.preventDefault();
    if (!subtaskTitle.trim()) return;
    try {
      await api.createTask({ title: subtaskTitle.trim(), parentId: task.id });
      setSubtaskTitle('');
      loadSubtasks();
      onChanged();
    } catch (e) {
      setError(e);
    }
  }

  async function toggleSubtask(sub: Task) {
    setSubtasks(
      (list) => list?.map((s) => (s.id === sub.id ? { ...s, status: s.status === 'open' ? 'completed' : 'open' } : s)) ?? null,
    );
    try {
      await (sub.status === 'open' ? api.complete(sub.id) : api.reopen(sub.id));
    } catch (e) {
      setError(e);
    }
    loadSubtasks();
    onChanged();
  }

  const fields = ['title', 'description', 'priority', 'due', 'recurrence', 'reminders', 'categoryId', 'tags'];
  return (
    <section className="editor" role="dialog" aria-labelledby={titleId} aria-modal="false">
      <header className="editor-head">
        <h2 id={titleId}>
          Edit task <span className="muted">#{task.number}</span>
        </h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close editor">
          <Icon name="close" />
        </button>
      </header>
      <form onSubmit={(e) => void save(e)} onChange={() => error !== null && setError(null)} noValidate className="editor-form">
        <Field label="Title" error={fieldMessage(error, 'title')}>
          {(p) => <input {...p} ref={titleRef} value={title} onChange={(e) => setTitle(e.target.value)} required />}
        </Field>

        <div className="field">
          <div className="tabs" role="tablist" aria-label="Description">
            <span className="label-text" id={`${titleId}-desc`}>
              Description (Markdown)
            </span>
            <button type="button" role="tab" aria-selected={descTab === 'write'} onClick={() => setDescTab('write')}>
              Write
            </button>
            <button type="button" role="tab" aria-selected={descTab === 'preview'} onClick={() => setDescTab('preview')}>
              Preview
            </button>
          </div>
          {descTab === 'write' ? (
            <textarea
              aria-labelledby={`${titleId}-desc`}
              rows={5}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              aria-invalid={fieldMessage(error, 'description') ? true : undefined}
            />
          ) : (
            <div
              className="markdown"
              role="tabpanel"
              aria-label="Description preview"
              // Safe: renderMarkdown escapes all input before adding its own tags (markdown.ts).
              dangerouslySetInnerHTML={{ __html: renderMarkdown(description) || '<p class="muted">Nothing to preview.</p>' }}
            />
          )}
          {fieldMessage(error, 'description') && <p className="field-error">{fieldMessage(error, 'description')}</p>}
        </div>

        <div className="row">
          <Field label="Priority" error={fieldMessage(error, 'priority')}>
            {(p) => (
              <select {...p} value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
                {PRIORITIES.map((x) => (
                  <option key={x} value={x}>
                    {x[0]!.toUpperCase() + x.slice(1)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Category" error={fieldMessage(error, 'categoryId')}>
            {(p) => (
              <select {...p} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
                <option value="">No category</option>
                {categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="row inline-add">
          <Field label="New category">
            {(p) => <input {...p} value={newCategory} onChange={(e) => setNewCategory(e.target.value)} placeholder="e.g. Work" />}
          </Field>
          <button type="button" onClick={() => void addCategory()} disabled={!newCategory.trim()}>
            Add category
          </button>
        </div>

        <Field label="Tags (comma-separated)" error={fieldMessage(error, 'tags')}>
          {(p) => <input {...p} value={tags} onChange={(e) => setTags(e.target.value)} placeholder="home, errands" />}
        </Field>

        <fieldset>
          <legend>Due</legend>
          <div className="segmented" role="radiogroup" aria-label="Due type">
            {(
              [
                ['none', 'No date'],
                ['date', 'All day'],
                ['datetime', 'Date and time'],
              ] as const
            ).map(([kind, text]) => (
              <label key={kind}>
                <input type="radio" name={`${titleId}-due`} checked={dueKind === kind} onChange={() => setDueKind(kind)} />
                {text}
              </label>
            ))}
          </div>
          {dueKind !== 'none' && (
            <div className="row">
              <Field label="Date" error={fieldMessage(error, 'due')}>
                {(p) => <input {...p} type="date" value={date} onChange={(e) => setDate(e.target.value)} />}
              </Field>
              {dueKind === 'datetime' && (
                <>
                  <Field label="Time">
                    {(p) => <input {...p} type="time" value={time} onChange={(e) => setTime(e.target.value)} />}
                  </Field>
                  <Field label="Time zone" hint={`Empty = floating (follows your zone, now ${user.timeZone}).`}>
                    {(p) => (
                      <>
                        <input
                          {...p}
                          list={`${titleId}-zones`}
                          value={zone}
                          onChange={(e) => setZone(e.target.value)}
                          placeholder="Floating"
                        />
                        <datalist id={`${titleId}-zones`}>
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

        <fieldset>
          <legend>Repeat</legend>
          <div className="row">
            <Field label="Frequency">
              {(p) => (
                <select
                  {...p}
                  value={rule ? (builder?.freq ?? 'custom') : ''}
                  onChange={(e) =>
                    e.target.value ? updateBuilder({ freq: e.target.value as Freq, byDay: [], monthDay: null }) : setRule('')
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
            error={fieldMessage(error, 'recurrence') ?? previewError ?? undefined}
            hint='e.g. "every weekday", "last friday of the month" or FREQ=WEEKLY;BYDAY=MO'
          >
            {(p) => <input {...p} value={rule} onChange={(e) => setRule(e.target.value)} spellCheck={false} />}
          </Field>
          {rule && (
            <Field label="Repeat from">
              {(p) => (
                <select {...p} value={repeatFrom} onChange={(e) => setRepeatFrom(e.target.value as 'due' | 'completion')}>
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

        <fieldset>
          <legend>Reminders</legend>
          {fieldMessage(error, 'reminders') && (
            <p className="field-error" role="alert">
              {fieldMessage(error, 'reminders')}
            </p>
          )}
          {reminders.length === 0 && <p className="muted">No reminders.</p>}
          <ul className="reminders">
            {reminders.map((r, i) => (
              <li key={r.key} className="row">
                <Field label={`Reminder ${i + 1} type`}>
                  {(p) => (
                    <select
                      {...p}
                      value={r.type}
                      onChange={(e) =>
                        setReminders((rs) =>
                          rs.map((x) => (x.key === r.key ? { ...x, type: e.target.value as 'relative' | 'absolute' } : x)),
                        )
                      }
                    >
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
                          onChange={(e) =>
                            setReminders((rs) => rs.map((x) => (x.key === r.key ? { ...x, amount: Number(e.target.value) } : x)))
                          }
                        />
                      )}
                    </Field>
                    <Field label="Unit">
                      {(p) => (
                        <select
                          {...p}
                          value={r.unit}
                          onChange={(e) =>
                            setReminders((rs) =>
                              rs.map((x) => (x.key === r.key ? { ...x, unit: e.target.value as ReminderRow['unit'] } : x)),
                            )
                          }
                        >
                          <option value="minutes">minutes before</option>
                          <option value="hours">hours before</option>
                          <option value="days">days before</option>
                        </select>
                      )}
                    </Field>
                  </>
                ) : (
                  <Field label={`Remind at (${effectiveZone})`}>
                    {(p) => (
                      <input
                        {...p}
                        type="datetime-local"
                        step={1}
                        value={r.at}
                        onChange={(e) =>
                          setReminders((rs) => rs.map((x) => (x.key === r.key ? { ...x, at: e.target.value } : x)))
                        }
                      />
                    )}
                  </Field>
                )}
                <button
                  type="button"
                  className="link danger"
                  onClick={() => setReminders((rs) => rs.filter((x) => x.key !== r.key))}
                  aria-label={`Remove reminder ${i + 1}`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() =>
              setReminders((rs) => [
                ...rs,
                {
                  key: `r${rowKey++}`,
                  type: 'relative',
                  amount: 30,
                  unit: 'minutes',
                  at: localParts(new Date(Date.now() + 3600_000), effectiveZone).slice(0, 16),
                },
              ])
            }
          >
            Add reminder
          </button>
        </fieldset>

        <FormError error={error} fields={fields} />
        <div className="editor-actions">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={() => onDelete(task)}>
            Delete
          </button>
        </div>
      </form>

      <section className="subtasks" aria-labelledby={`${titleId}-subs`}>
        <h3 id={`${titleId}-subs`}>Subtasks</h3>
        {subtasks === null ? (
          <p className="muted">Loading…</p>
        ) : subtasks.length === 0 ? (
          <p className="muted">No subtasks yet.</p>
        ) : (
          <ul>
            {subtasks.map((s) => (
              <li key={s.id}>
                <label className={s.status === 'completed' ? 'done' : ''}>
                  <input type="checkbox" checked={s.status === 'completed'} onChange={() => void toggleSubtask(s)} />
                  {s.title}
                </label>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={(e) => void addSubtask(e)} className="row inline-add">
          <Field label="New subtask">
            {(p) => <input {...p} value={subtaskTitle} onChange={(e) => setSubtaskTitle(e.target.value)} />}
          </Field>
          <button type="submit" disabled={!subtaskTitle.trim()}>
            Add subtask
          </button>
        </form>
      </section>
    </section>
  );
}

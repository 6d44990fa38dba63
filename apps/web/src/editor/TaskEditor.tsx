/**
 * The task editor: every field of a task, with problem+json errors next to each field. The form
 * state lives here (a save sends it all at once); each section renders its own fields.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, type Priority, type Project, type Task, type TaskInput, type User } from '../api.js';
import { Field, FormError, fieldMessage, Icon } from '../ui.js';
import { ClassificationFields } from './ClassificationFields.js';
import { DescriptionField } from './DescriptionField.js';
import { DueFields } from './DueFields.js';
import { ReminderFields } from './ReminderFields.js';
import { RepeatFields } from './RepeatFields.js';
import { Subtasks } from './Subtasks.js';
import { dueForm, dueInput, reminderInputs, reminderRows, tagList, type DueForm, type ReminderRow } from './taskForm.js';

/** The fields that show their own errors; the form-level error lists the rest. */
const FIELDS = ['title', 'description', 'priority', 'due', 'recurrence', 'reminders', 'projectId', 'tags'];

export function TaskEditor({
  task,
  user,
  projects,
  onSaved,
  onClose,
  onDelete,
  onProjectCreated,
  onChanged,
}: {
  task: Task;
  user: User;
  projects: Project[];
  onSaved: (task: Task) => void;
  onClose: () => void;
  onDelete: (task: Task) => void;
  onProjectCreated: (project: Project) => void;
  onChanged: () => void;
}) {
  const titleId = useId();
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [priority, setPriority] = useState<Priority>(task.priority);
  const [due, setDue] = useState<DueForm>(() => dueForm(task.due));
  const [rule, setRule] = useState(task.recurrence?.rule ?? '');
  const [repeatFrom, setRepeatFrom] = useState<'due' | 'completion'>(task.recurrence?.repeatFrom ?? 'due');
  const effectiveZone = (due.kind === 'datetime' && due.zone) || user.timeZone;
  const [reminders, setReminderRows] = useState<ReminderRow[]>(() => reminderRows(task.reminders, effectiveZone));
  // Reminders are sent only when edited: re-sending fired ones would arm them again.
  const [remindersDirty, setRemindersDirty] = useState(false);
  const setReminders = (change: (rows: ReminderRow[]) => ReminderRow[]) => {
    setRemindersDirty(true);
    setReminderRows(change);
  };
  const [projectId, setProjectId] = useState(task.projectId ?? '');
  const [tags, setTags] = useState(task.tags.join(', '));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);

  useEffect(() => titleRef.current?.focus(), [task.id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  function buildPatch(): TaskInput {
    return {
      title,
      description,
      priority,
      due: dueInput(due),
      recurrence: rule.trim() ? { rule: rule.trim(), repeatFrom } : null,
      ...(remindersDirty ? { reminders: reminderInputs(reminders, effectiveZone) } : {}),
      ...(projectId ? { projectId } : {}),
      tags: tagList(tags),
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

        <DescriptionField
          labelId={`${titleId}-desc`}
          value={description}
          onChange={setDescription}
          error={fieldMessage(error, 'description')}
        />

        <ClassificationFields
          priority={priority}
          onPriority={setPriority}
          projectId={projectId}
          onProjectId={setProjectId}
          projects={projects}
          onProjectCreated={onProjectCreated}
          tags={tags}
          onTags={setTags}
          error={error}
          onError={setError}
        />

        <DueFields
          idBase={titleId}
          value={due}
          onChange={(change) => setDue((d) => ({ ...d, ...change }))}
          userZone={user.timeZone}
          error={fieldMessage(error, 'due')}
        />

        <RepeatFields
          rule={rule}
          onRule={setRule}
          repeatFrom={repeatFrom}
          onRepeatFrom={setRepeatFrom}
          due={due}
          zone={effectiveZone}
          error={fieldMessage(error, 'recurrence')}
        />

        <ReminderFields rows={reminders} onChange={setReminders} zone={effectiveZone} error={fieldMessage(error, 'reminders')} />

        <FormError error={error} fields={FIELDS} />
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

      <Subtasks parentId={task.id} headingId={`${titleId}-subs`} onChanged={onChanged} onError={setError} />
    </section>
  );
}

/**
 * The task editor: every field of a task, saved as you type (useAutosave.tsx), with problem+json
 * errors next to each field, a save status, and the "changed elsewhere" bar when another version
 * touched what is being typed. Each section renders its own fields.
 */
import { useEffect, useId, useMemo, useRef } from 'react';
import type { Project, Task, User } from '../api.js';
import { Field, FormError, fieldMessage, Icon } from '../ui.js';
import { ClassificationFields } from './ClassificationFields.js';
import { ConflictBar } from './ConflictBar.js';
import { DescriptionField } from './DescriptionField.js';
import { DueFields } from './DueFields.js';
import { formZone } from './editorForm.js';
import { ReminderFields } from './ReminderFields.js';
import { RepeatFields } from './RepeatFields.js';
import { Subtasks } from './Subtasks.js';
import { useAutosave, type SaveStatus } from './useAutosave.js';

/** The fields that show their own errors; the form-level error lists the rest. */
const FIELDS = ['title', 'description', 'priority', 'due', 'recurrence', 'reminders', 'projectId', 'tags'];

const STATUS_TEXT: Record<SaveStatus, string> = {
  idle: '',
  saving: 'Saving…',
  saved: 'Saved',
  offline: 'Offline — will retry',
  failed: 'Not saved: see the message below',
  conflict: 'Not saved: changed elsewhere',
};

export function TaskEditor({
  task,
  user,
  projects,
  onSaved,
  onClose,
  onDelete,
  onProjectCreated,
  onChanged,
  remoteChange,
}: {
  task: Task;
  user: User;
  projects: Project[];
  /** Each version saved (as typed). */
  onSaved: (task: Task) => void;
  onClose: () => void;
  onDelete: (task: Task) => void;
  onProjectCreated: (project: Project) => void;
  onChanged: () => void;
  /** Counts live updates of this task made elsewhere: each one is read and merged. */
  remoteChange: number;
}) {
  const titleId = useId();
  const { form, set, status, error, setError, conflict, flush, keepMine, takeTheirs, refresh } = useAutosave({
    task,
    userZone: user.timeZone,
    onSaved,
  });
  const effectiveZone = formZone(form, user.timeZone);
  const projectNames = useMemo(() => new Map(projects.map((p) => [p.id, p.name])), [projects]);
  const titleRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    titleRef.current?.focus();
  }, [task.id]);
  useEffect(() => {
    if (remoteChange) void refresh();
  }, [remoteChange, refresh]);

  // Esc closes; the typing is saved on the way out (useAutosave). While the bar asks, it stays open.
  const close = () => {
    if (conflict) {
      document.querySelector<HTMLButtonElement>('.conflict-bar button')?.focus();
      return;
    }
    onClose();
  };
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="editor" role="dialog" aria-labelledby={titleId} aria-modal="false">
      <header className="editor-head">
        <h2 id={titleId}>
          Edit task <span className="muted">#{task.number}</span>
        </h2>
        <span className="muted save-status" role="status">
          {STATUS_TEXT[status]}
        </span>
        <button type="button" className="icon-button" onClick={close} aria-label="Close editor">
          <Icon name="close" />
        </button>
      </header>
      {conflict && (
        <ConflictBar
          conflict={conflict}
          form={form}
          userZone={user.timeZone}
          projectNames={projectNames}
          onKeepMine={keepMine}
          onTakeTheirs={takeTheirs}
        />
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void flush();
        }}
        onBlur={() => void flush()}
        noValidate
        className="editor-form"
      >
        <Field label="Title" error={fieldMessage(error, 'title')}>
          {(p) => <input {...p} ref={titleRef} value={form.title} onChange={(e) => set('title', e.target.value)} required />}
        </Field>

        <DescriptionField
          labelId={`${titleId}-desc`}
          value={form.description}
          onChange={(v) => set('description', v)}
          error={fieldMessage(error, 'description')}
        />

        <ClassificationFields
          priority={form.priority}
          onPriority={(v) => set('priority', v)}
          projectId={form.projectId}
          onProjectId={(v) => set('projectId', v)}
          projects={projects}
          onProjectCreated={onProjectCreated}
          tags={form.tags}
          onTags={(v) => set('tags', v)}
          error={error}
          onError={setError}
        />

        <DueFields
          idBase={titleId}
          value={form.due}
          onChange={(change) => set('due', (d) => ({ ...d, ...change }))}
          userZone={user.timeZone}
          error={fieldMessage(error, 'due')}
        />

        <RepeatFields
          rule={form.rule}
          onRule={(v) => set('rule', v)}
          repeatFrom={form.repeatFrom}
          onRepeatFrom={(v) => set('repeatFrom', v)}
          due={form.due}
          zone={effectiveZone}
          error={fieldMessage(error, 'recurrence')}
        />

        <ReminderFields
          rows={form.reminders}
          onChange={(change) => set('reminders', change)}
          zone={effectiveZone}
          error={fieldMessage(error, 'reminders')}
        />

        <FormError error={error} fields={FIELDS} />
        <div className="editor-actions">
          <button type="button" onClick={close}>
            Close
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

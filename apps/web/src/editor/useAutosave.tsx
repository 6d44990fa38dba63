/**
 * Save as you type. Each change marks its task field unsaved and is sent ~600 ms after the last
 * keystroke — at once on blur, Esc, switching task, or the tab going away (keepalive) — as a
 * PATCH of the unsaved fields only, with If-Match naming the version the form is based on.
 *
 * A change made elsewhere (a 412 on save, or a live update) is merged when it touched no field
 * with unsaved typing: those fields take the other version, the typing stays. When it touched
 * one, saving stops and `conflict` lists those fields with both values until the user keeps
 * theirs (sent again against the new version) or takes the other. Typing is never dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Task, type Versioned } from '../api.js';
import { changedFields, FIELD_OF, formFromTask, patchFor, withFields, type EditorForm, type TaskField } from './editorForm.js';

export const SAVE_DELAY_MS = 600;
const RETRY_MS = 3000;

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'offline' | 'failed' | 'conflict';

export interface Conflict {
  theirs: Versioned;
  /** Fields changed both here (unsaved) and there. */
  fields: TaskField[];
}

export function useAutosave({
  task,
  userZone,
  onSaved,
}: {
  task: Task;
  userZone: string;
  /** Each version a save wrote (the list shows it). */
  onSaved: (task: Task) => void;
}) {
  const [form, setForm] = useState<EditorForm>(() => formFromTask(task, userZone));
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflictState] = useState<Conflict | null>(null);

  const formRef = useRef(form);
  // The version the form is based on: the list's copy until the editor's own read (etag '') answers.
  const base = useRef<Versioned>({ task, etag: '' });
  // Unsaved fields, each with the revision of its last change (a save clears only what it sent).
  const unsaved = useRef(new Map<TaskField, number>());
  const revision = useRef(0);
  const inFlight = useRef<Promise<void> | null>(null);
  const conflictRef = useRef<Conflict | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ onSaved, userZone });
  latest.current = { onSaved, userZone };

  const setConflict = (c: Conflict | null) => {
    conflictRef.current = c;
    setConflictState(c);
  };
  const replaceForm = (next: EditorForm) => {
    formRef.current = next;
    setForm(next);
  };

  /** Takes `theirs` into the form for `fields` (none of them unsaved here). */
  const adopt = (theirs: Task, fields: TaskField[]) => {
    if (fields.length) replaceForm(withFields(formRef.current, formFromTask(theirs, latest.current.userZone), fields));
  };

  /** Another version turned up: merge it, or stop at a conflict when it touched unsaved fields. */
  const reconcile = (theirs: Versioned): boolean => {
    const changed = changedFields(base.current.task, theirs.task);
    const clash = changed.filter((f) => unsaved.current.has(f));
    adopt(
      theirs.task,
      changed.filter((f) => !unsaved.current.has(f)),
    );
    if (clash.length) {
      setConflict({ theirs, fields: clash });
      setStatus('conflict');
      return false;
    }
    base.current = theirs;
    return true;
  };

  const save = useCallback(async (opts: { keepalive?: boolean } = {}): Promise<void> => {
    clearTimeout(timer.current);
    if (conflictRef.current || !unsaved.current.size) return;
    if (inFlight.current) {
      // One save at a time, each against the version the last one made.
      await inFlight.current;
      return save(opts);
    }
    if (!base.current.etag) return; // the editor's read is still on its way; it saves when it answers
    const sent = new Map(unsaved.current);
    const fields = [...sent.keys()];
    setStatus('saving');
    let again = true;
    const run = (async () => {
      try {
        const saved = await api.updateTaskIf(
          base.current.task.id,
          patchFor(formRef.current, fields, latest.current.userZone),
          base.current.etag,
          opts,
        );
        base.current = saved;
        for (const [field, rev] of sent) if (unsaved.current.get(field) === rev) unsaved.current.delete(field);
        setError(null);
        setStatus(unsaved.current.size ? 'saving' : 'saved');
        latest.current.onSaved(saved.task);
      } catch (e) {
        again = false;
        if (e instanceof ApiError && e.status === 412 && e.current) {
          if (reconcile(e.current)) schedule(0);
        } else if (e instanceof ApiError && e.status === 0) {
          setStatus('offline');
          schedule(RETRY_MS);
        } else {
          // Refused (e.g. an invalid field): shown at the field; the next change tries again.
          setError(e);
          setStatus('failed');
        }
      }
    })();
    inFlight.current = run;
    await run;
    inFlight.current = null;
    if (again && unsaved.current.size && !conflictRef.current) schedule(SAVE_DELAY_MS);
    // `schedule` and `reconcile` only use refs: one `save` for the editor's life.
  }, []);

  const schedule = (ms: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), ms);
  };

  /** A change to one part of the form: unsaved until the next save. */
  const set = <K extends keyof EditorForm>(key: K, value: EditorForm[K] | ((v: EditorForm[K]) => EditorForm[K])) => {
    const before = formRef.current[key];
    const next = typeof value === 'function' ? (value as (v: EditorForm[K]) => EditorForm[K])(before) : value;
    replaceForm({ ...formRef.current, [key]: next });
    unsaved.current.set(FIELD_OF[key], ++revision.current);
    setError(null);
    if (!conflictRef.current) {
      setStatus((s) => (s === 'offline' ? s : 'idle'));
      schedule(SAVE_DELAY_MS);
    }
  };

  /** Reads the task again (on open, and when a live update says it changed) and merges what changed. */
  const refresh = useCallback(async () => {
    let theirs: Versioned;
    try {
      theirs = await api.versionedTask(task.id);
    } catch (e) {
      // Until the editor knows the version it edits it cannot save: unreachable, it asks again.
      if (!base.current.etag && e instanceof ApiError && e.status === 0) {
        setStatus('offline');
        setTimeout(() => void refresh(), RETRY_MS);
      } else if (!base.current.etag) setError(e);
      return;
    }
    if (inFlight.current || conflictRef.current || theirs.etag === base.current.etag) return;
    if (reconcile(theirs) && unsaved.current.size) schedule(0);
  }, [task.id]);

  const keepMine = () => {
    const c = conflictRef.current;
    if (!c) return;
    base.current = c.theirs;
    setConflict(null);
    void save();
  };

  const takeTheirs = () => {
    const c = conflictRef.current;
    if (!c) return;
    for (const f of c.fields) unsaved.current.delete(f);
    adopt(c.theirs.task, c.fields);
    base.current = c.theirs;
    setConflict(null);
    setStatus('saved');
    if (unsaved.current.size) void save();
  };

  useEffect(() => {
    void refresh();
    const retry = () => void save();
    // The tab going away (closed, hidden, another app): what is typed goes now, surviving the page.
    const away = () => document.visibilityState === 'hidden' && void save({ keepalive: true });
    const leaving = () => void save({ keepalive: true });
    window.addEventListener('online', retry);
    document.addEventListener('visibilitychange', away);
    window.addEventListener('pagehide', leaving);
    return () => {
      window.removeEventListener('online', retry);
      document.removeEventListener('visibilitychange', away);
      window.removeEventListener('pagehide', leaving);
      // Closed or another task opened: the typing is saved on the way out. With a conflict still
      // open the user's text is kept over the other version rather than dropped.
      if (conflictRef.current) base.current = conflictRef.current.theirs;
      conflictRef.current = null;
      void save({ keepalive: true });
    };
  }, [refresh, save]);

  return { form, set, status, error, setError, conflict, flush: save, keepMine, takeTheirs, refresh };
}

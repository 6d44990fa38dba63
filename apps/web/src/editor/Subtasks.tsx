/** A task's subtasks: checked off in place, added by title; each change refreshes the list behind. */
import { useEffect, useState, type FormEvent } from 'react';
import { api, type Task } from '../api.js';
import { Field } from '../ui.js';

export function Subtasks({
  parentId,
  headingId,
  onChanged,
  onError,
}: {
  parentId: string;
  headingId: string;
  onChanged: () => void;
  onError: (error: unknown) => void;
}) {
  const [subtasks, setSubtasks] = useState<Task[] | null>(null);
  const [title, setTitle] = useState('');

  const load = () => {
    api
      .tasks(new URLSearchParams({ parentId, status: 'all', sort: 'created', limit: '100' }))
      .then((page) => setSubtasks(page.items))
      .catch(() => setSubtasks([]));
  };
  useEffect(load, [parentId]);

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!title.trim()) return;
    try {
      await api.createTask({ title: title.trim(), parentId });
      setTitle('');
      load();
      onChanged();
    } catch (e) {
      onError(e);
    }
  }

  async function toggle(sub: Task) {
    setSubtasks(
      (list) => list?.map((s) => (s.id === sub.id ? { ...s, status: s.status === 'open' ? 'completed' : 'open' } : s)) ?? null,
    );
    try {
      await (sub.status === 'open' ? api.complete(sub.id) : api.reopen(sub.id));
    } catch (e) {
      onError(e);
    }
    load();
    onChanged();
  }

  return (
    <section className="subtasks" aria-labelledby={headingId}>
      <h3 id={headingId}>Subtasks</h3>
      {subtasks === null ? (
        <p className="muted">Loading…</p>
      ) : subtasks.length === 0 ? (
        <p className="muted">No subtasks yet.</p>
      ) : (
        <ul>
          {subtasks.map((s) => (
            <li key={s.id}>
              <label className={s.status === 'completed' ? 'done' : ''}>
                <input type="checkbox" checked={s.status === 'completed'} onChange={() => void toggle(s)} />
                {s.title}
              </label>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void add(e)} className="row inline-add">
        <Field label="New subtask">{(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} />}</Field>
        <button type="submit" disabled={!title.trim()}>
          Add subtask
        </button>
      </form>
    </section>
  );
}

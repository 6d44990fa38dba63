/** The list screen's parts above the rows: quick add and filters (the rows: list/). */
import { forwardRef, useMemo, useState, type FormEvent } from 'react';
import { PRIORITIES, type Label } from './api.js';
import { parseTaskPhrase } from '@todo/domain/browser';
import { EMPTY_FILTERS, type Filters } from './views.js';
import { Icon } from './ui.js';

/** `today` is only there to read the words again when the day changes ("tomorrow" moves with it). */
type QuickAddProps = { today: string; timeZone: string; onAdd: (text: string) => Promise<boolean> };

export const QuickAdd = forwardRef<HTMLInputElement, QuickAddProps>(function QuickAdd({ today, timeZone, onAdd }, ref) {
  const [text, setText] = useState('');
  const parsed = useMemo(
    () => (text.trim() ? parseTaskPhrase(text, { now: new Date(), timeZone }) : null),
    [text, timeZone, today],
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    // Cleared at once (the row appears optimistically); the text comes back if adding fails.
    const submitted = text;
    setText('');
    const ok = await onAdd(submitted);
    if (!ok) setText((current) => current || submitted);
  }

  return (
    <form className="quick-add" onSubmit={(e) => void submit(e)} aria-label="Quick add">
      <label htmlFor="quick-add" className="sr-only">
        Add a task
      </label>
      <div className="quick-add-row">
        <Icon name="plus" />
        <input
          id="quick-add"
          ref={ref}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Add a task: Pay rent every month on the 1st at 9am #home !high"
          autoComplete="off"
          aria-describedby="quick-add-help"
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          Add
        </button>
      </div>
      <p id="quick-add-help" className="hint">
        {parsed ? (
          <span className="parsed" aria-live="polite">
            <span className="chip">{parsed.title || '(no title)'}</span>
            {parsed.date && <span className="chip">📅 {parsed.date}</span>}
            {parsed.time && <span className="chip">🕘 {parsed.time}</span>}
            {parsed.recurrence && <span className="chip">🔁 {parsed.recurrence.text}</span>}
            {parsed.priority && <span className="chip">! {parsed.priority}</span>}
            {parsed.project && <span className="chip">@{parsed.project}</span>}
            {parsed.tags.map((t) => (
              <span key={t} className="chip">
                #{t}
              </span>
            ))}
            {parsed.remindersMinutesBefore.map((m) => (
              <span key={m} className="chip">
                ⏰ {m} min before
              </span>
            ))}
          </span>
        ) : (
          <>
            Type naturally: dates (tomorrow, fri, dec 1), times (at 9am), repeats (every weekday), #tags, @project, !high, “remind
            me 30 min before”.
            <span className="shortcuts">
              {' '}
              Shortcuts: <kbd>n</kbd> new, <kbd>/</kbd> search, <kbd>x</kbd> complete, <kbd>j</kbd>/<kbd>k</kbd> move,{' '}
              <kbd>?</kbd> all.
            </span>
          </>
        )}
      </p>
    </form>
  );
});

export function FilterBar({
  filters,
  onChange,
  tags,
  projects,
  showProject,
}: {
  filters: Filters;
  onChange: (f: Filters) => void;
  tags: Label[];
  projects: Label[];
  showProject: boolean;
}) {
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });
  const active =
    filters.priorities.length +
    filters.tags.length +
    (filters.projectId ? 1 : 0) +
    (filters.dueAfter ? 1 : 0) +
    (filters.dueBefore ? 1 : 0);
  return (
    <details className="filters">
      <summary>
        Filters and sort{active ? ` (${active} active)` : ''}
        {filters.sort ? ` · sorted by ${filters.sort.replace('-', '')}` : ''}
      </summary>
      <div className="filters-body">
        <fieldset>
          <legend>Priority</legend>
          {PRIORITIES.filter((p) => p !== 'none').map((p) => (
            <label key={p} className="chip-check">
              <input
                type="checkbox"
                checked={filters.priorities.includes(p)}
                onChange={(e) =>
                  set({ priorities: e.target.checked ? [...filters.priorities, p] : filters.priorities.filter((x) => x !== p) })
                }
              />
              {p}
            </label>
          ))}
        </fieldset>
        <div className="row">
          <div className="field">
            <label htmlFor="filter-tag">Tag</label>
            <select
              id="filter-tag"
              value={filters.tags[0] ?? ''}
              onChange={(e) => set({ tags: e.target.value ? [e.target.value] : [] })}
            >
              <option value="">Any tag</option>
              {tags.map((t) => (
                <option key={t.id} value={t.name}>
                  #{t.name}
                </option>
              ))}
            </select>
          </div>
          {showProject && (
            <div className="field">
              <label htmlFor="filter-project">Project</label>
              <select id="filter-project" value={filters.projectId} onChange={(e) => set({ projectId: e.target.value })}>
                <option value="">Any project</option>
                {projects.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="filter-after">Due from</label>
            <input id="filter-after" type="date" value={filters.dueAfter} onChange={(e) => set({ dueAfter: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="filter-before">Due until</label>
            <input
              id="filter-before"
              type="date"
              value={filters.dueBefore}
              onChange={(e) => set({ dueBefore: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="filter-sort">Sort by</label>
            <select id="filter-sort" value={filters.sort} onChange={(e) => set({ sort: e.target.value })}>
              <option value="">Default</option>
              <option value="due">Due date</option>
              <option value="priority">Priority</option>
              <option value="-created">Newest</option>
              <option value="created">Oldest</option>
              <option value="title">Title A–Z</option>
              <option value="-updated">Recently changed</option>
            </select>
          </div>
        </div>
        <button type="button" onClick={() => onChange({ ...EMPTY_FILTERS, q: filters.q })} disabled={!active && !filters.sort}>
          Clear filters
        </button>
      </div>
    </details>
  );
}

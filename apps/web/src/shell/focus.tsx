/**
 * Where keyboard focus goes when what held it goes away: a completed row leaves the list, the
 * editor or a panel closes. Focus then lands on the row it was about (or the one after it),
 * never on the page itself, so the next j / k / x / Enter acts where the user was.
 */

const rowTitle = (id: string) => document.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(id)}"] .task-title`);

/** The id of the task row holding focus, if one does. */
export function focusedRowId(): string | null {
  return document.activeElement?.closest<HTMLElement>('li.task')?.dataset['taskId'] ?? null;
}

/**
 * Focuses a row's title once React has rendered the change under way (its commit runs before a
 * new task); the list itself when that row is gone.
 */
export function focusRowSoon(id: string | null): void {
  setTimeout(() => {
    const target = (id && rowTitle(id)) || document.querySelector<HTMLElement>('main#main');
    target?.focus();
  }, 0);
}

/** After `id` leaves the list: the row after it, else the one before (in screen order). */
export function neighbourOf<T extends { id: string }>(rows: readonly T[], id: string): T | null {
  const index = rows.findIndex((r) => r.id === id);
  if (index < 0) return null;
  return rows[index + 1] ?? rows[index - 1] ?? null;
}

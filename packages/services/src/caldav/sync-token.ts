/**
 * CalDAV sync tokens (RFC 6578) and ctags. A token names a moment T: "you have every change of
 * this calendar up to T". Changes after it are tasks written later and tasks deleted later —
 * the deletions read from the trash, which keeps a deleted task for `keptMs`. A token older than
 * that could miss a deletion, so it is refused (the client then syncs in full).
 *
 * T is the calendar's last change, but never older than half the trash window (rounded down to
 * ten minutes, so an idle calendar's token stays the same for a while): a client that syncs at
 * least every half hour never has its token refused, however long the calendar stays unchanged.
 */
const PREFIX = 'http://todo-app.invalid/ns/sync/';
const STEP_MS = 10 * 60 * 1000;

/** Changes written this long before a token are reported again: commits need not land in `updated_at` order. */
export const SYNC_OVERLAP_MS = 1000;

export function syncTokenAt(lastChange: Date, now: Date, keptMs: number): string {
  const floor = Math.floor((now.getTime() - keptMs / 2) / STEP_MS) * STEP_MS;
  return `${PREFIX}${Math.max(lastChange.getTime(), floor)}`;
}

/** The moment a token names; null when it is not ours or too old to be answered exactly. */
export function syncTokenMoment(token: string, now: Date, keptMs: number): Date | null {
  if (!token.startsWith(PREFIX)) return null;
  const ms = Number(token.slice(PREFIX.length));
  if (!Number.isSafeInteger(ms) || ms < now.getTime() - keptMs || ms > now.getTime() + STEP_MS) return null;
  return new Date(ms);
}

/** The calendar's ctag: changes exactly when something in it changes. */
export const ctagOf = (lastChange: Date): string => String(lastChange.getTime());

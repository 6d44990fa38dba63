/**
 * Toasts: short confirmations and errors, the last four kept, each gone after six seconds. A
 * toast for a completion or a delete carries Undo and stays eight seconds; while it is up,
 * Ctrl+Z (Cmd+Z) does the same — unless the keyboard is in a text field, whose own undo it is.
 * A toast may instead offer actions (a reminder's Done and Snooze): it then stays longer, and
 * goes once one is used.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

/** What a toast's Undo button does. */
export type Undo = () => unknown;

export interface ToastAction {
  label: string;
  /** The button's accessible name when the label alone is ambiguous, e.g. "Done: Call the bank". */
  name?: string;
  run: () => void | Promise<void>;
}

interface Toast {
  id: number;
  text: string;
  undo?: Undo | undefined;
  actions: readonly ToastAction[];
}
let toastId = 0;

const SHOWN_MS = 6000;
/** Long enough to notice the mistake and reach the button (at least five seconds). */
const UNDO_SHOWN_MS = 8000;
/** Long enough to read a reminder and reach its buttons, by mouse or keyboard. */
const WITH_ACTIONS_MS = 20_000;

/** Shows a toast: with an Undo (a function) or with actions (a list), or plain. */
export type ShowToast = (text: string, extra?: Undo | readonly ToastAction[]) => void;

const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && target.type !== 'checkbox'));

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const current = useRef<Toast[]>([]);
  current.current = toasts;
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const toast = useCallback<ShowToast>(
    (text, extra) => {
      const id = ++toastId;
      const undo = typeof extra === 'function' ? extra : undefined;
      const actions = Array.isArray(extra) ? (extra as readonly ToastAction[]) : [];
      setToasts((ts) => [...ts.slice(-3), { id, text, undo, actions }]);
      setTimeout(() => dismiss(id), undo ? UNDO_SHOWN_MS : actions.length ? WITH_ACTIONS_MS : SHOWN_MS);
    },
    [dismiss],
  );
  /** Runs a toast's Undo once: the toast goes at once, so a second press cannot undo twice. */
  const runUndo = useCallback(
    (t: Toast) => {
      if (!t.undo) return;
      dismiss(t.id);
      current.current = current.current.filter((x) => x.id !== t.id);
      void t.undo();
    },
    [dismiss],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'z') return;
      if (typingIn(e.target)) return;
      const last = [...current.current].reverse().find((t) => t.undo);
      if (!last) return;
      e.preventDefault();
      runUndo(last);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [runUndo]);

  return { toasts, toast, runUndo, dismiss };
}

export function Toasts({
  toasts,
  onUndo,
  dismiss,
}: {
  toasts: Toast[];
  onUndo: (toast: Toast) => void;
  dismiss: (id: number) => void;
}) {
  return (
    <div className="toasts" aria-live="polite" role="status">
      {toasts.map((t) => (
        <div key={t.id} className={t.actions.length ? 'toast with-actions' : 'toast'}>
          <p>{t.text}</p>
          {t.undo && (
            <button type="button" className="toast-undo" onClick={() => onUndo(t)} aria-keyshortcuts="Control+Z Meta+Z">
              Undo
            </button>
          )}
          {t.actions.length > 0 && (
            <div className="toast-actions">
              {t.actions.map((a) => (
                <button
                  key={a.label}
                  type="button"
                  aria-label={a.name}
                  onClick={() => {
                    dismiss(t.id);
                    void a.run();
                  }}
                >
                  {a.label}
                </button>
              ))}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

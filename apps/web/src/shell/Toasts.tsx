/**
 * Toasts: short confirmations and errors, the last four kept, each gone after six seconds. A
 * toast for a completion or a delete carries Undo and stays eight seconds; while it is up,
 * Ctrl+Z (Cmd+Z) does the same — unless the keyboard is in a text field, whose own undo it is.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

/** What a toast's Undo button does. */
export type Undo = () => unknown;

interface Toast {
  id: number;
  text: string;
  undo?: Undo | undefined;
}
let toastId = 0;

const SHOWN_MS = 6000;
/** Long enough to notice the mistake and reach the button (at least five seconds). */
const UNDO_SHOWN_MS = 8000;

export type ShowToast = (text: string, undo?: Undo) => void;

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
    (text, undo) => {
      const id = ++toastId;
      setToasts((ts) => [...ts.slice(-3), { id, text, undo }]);
      setTimeout(() => dismiss(id), undo ? UNDO_SHOWN_MS : SHOWN_MS);
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

  return { toasts, toast, runUndo };
}

export function Toasts({ toasts, onUndo }: { toasts: Toast[]; onUndo: (toast: Toast) => void }) {
  return (
    <div className="toasts" aria-live="polite" role="status">
      {toasts.map((t) => (
        <p key={t.id} className="toast">
          <span>{t.text}</span>
          {t.undo && (
            <button type="button" className="toast-undo" onClick={() => onUndo(t)} aria-keyshortcuts="Control+Z Meta+Z">
              Undo
            </button>
          )}
        </p>
      ))}
    </div>
  );
}

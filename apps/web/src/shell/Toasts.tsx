/**
 * Toasts: short confirmations and errors, the last four kept, each gone after six seconds. A
 * toast may offer actions (a reminder's Done and Snooze): it then stays longer, and goes once
 * one is used.
 */
import { useCallback, useState } from 'react';

export interface ToastAction {
  label: string;
  /** The button's accessible name when the label alone is ambiguous, e.g. "Done: Call the bank". */
  name?: string;
  run: () => void | Promise<void>;
}

interface Toast {
  id: number;
  text: string;
  actions: readonly ToastAction[];
}
let toastId = 0;

const PLAIN_MS = 6000;
/** Long enough to read a reminder and reach its buttons, by mouse or keyboard. */
const WITH_ACTIONS_MS = 20_000;

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const toast = useCallback(
    (text: string, actions: readonly ToastAction[] = []) => {
      const id = ++toastId;
      setToasts((ts) => [...ts.slice(-3), { id, text, actions }]);
      setTimeout(() => dismiss(id), actions.length ? WITH_ACTIONS_MS : PLAIN_MS);
    },
    [dismiss],
  );
  return { toasts, toast, dismiss };
}

export function Toasts({ toasts, dismiss }: { toasts: Toast[]; dismiss: (id: number) => void }) {
  return (
    <div className="toasts" aria-live="polite" role="status">
      {toasts.map((t) => (
        <div key={t.id} className={t.actions.length ? 'toast with-actions' : 'toast'}>
          <p>{t.text}</p>
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

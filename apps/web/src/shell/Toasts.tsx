/** Toasts: short confirmations and errors, the last four kept, each gone after six seconds. */
import { useCallback, useState } from 'react';

interface Toast {
  id: number;
  text: string;
}
let toastId = 0;

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toast = useCallback((text: string) => {
    const id = ++toastId;
    setToasts((ts) => [...ts.slice(-3), { id, text }]);
    setTimeout(() => setToasts((ts) => ts.filter((t) => t.id !== id)), 6000);
  }, []);
  return { toasts, toast };
}

export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div className="toasts" aria-live="polite" role="status">
      {toasts.map((t) => (
        <p key={t.id} className="toast">
          {t.text}
        </p>
      ))}
    </div>
  );
}

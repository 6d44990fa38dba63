/** Small shared pieces: labelled fields with their problem+json error, states, icons. */
import { useId, type ReactNode } from 'react';
import { ApiError } from './api.js';

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {message}
    </p>
  );
}

/** A label + control + its error; the control gets id, aria-invalid and aria-describedby. */
export function Field({
  label,
  error,
  hint,
  children,
  className,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  className?: string;
  children: (props: { id: string; 'aria-invalid': boolean | undefined; 'aria-describedby': string | undefined }) => ReactNode;
}) {
  const id = useId();
  const described = [error ? `${id}-err` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={`${id}-err`} message={error} />
    </div>
  );
}

/** A form-level error: the problem's detail, when no field shows it. */
export function FormError({ error, fields }: { error: unknown; fields?: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    const shown = fields ?? [];
    const unshown = error.errors.filter(
      (e) => !shown.some((f) => e.field === f || e.field.startsWith(`${f}.`) || e.field.startsWith(`${f}[`)),
    );
    if (error.errors.length && !unshown.length) return null;
    return (
      <div className="form-error" role="alert">
        {error.detail || error.message}
        {unshown.length > 0 && (
          <ul>
            {unshown.map((e) => (
              <li key={e.field + e.message}>
                {e.field ? `${e.field}: ` : ''}
                {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div className="form-error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </div>
  );
}

export const fieldMessage = (error: unknown, field: string): string | undefined =>
  error instanceof ApiError ? error.fieldMessage(field) : undefined;

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}…
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <p className="state-title">Something went wrong</p>
      <p>{error instanceof Error ? error.message : String(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Icon({
  name,
}: {
  name:
    | 'bell'
    | 'chat'
    | 'gear'
    | 'menu'
    | 'close'
    | 'repeat'
    | 'search'
    | 'logout'
    | 'plus'
    | 'alarm'
    | 'check'
    | 'chevron-down'
    | 'chevron-right';
}) {
  const paths: Record<typeof name, string> = {
    bell: 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z',
    chat: 'M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H8l-4 4V5a1 1 0 0 1 1-1Z',
    gear: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8Zm8.9 5.5-1.7-.3a7 7 0 0 1-.7 1.7l1 1.4-1.9 1.9-1.4-1a7 7 0 0 1-1.7.7l-.3 1.7h-2.7l-.3-1.7a7 7 0 0 1-1.7-.7l-1.4 1-1.9-1.9 1-1.4a7 7 0 0 1-.7-1.7l-1.7-.3v-2.7l1.7-.3a7 7 0 0 1 .7-1.7l-1-1.4 1.9-1.9 1.4 1a7 7 0 0 1 1.7-.7l.3-1.7h2.7l.3 1.7a7 7 0 0 1 1.7.7l1.4-1 1.9 1.9-1 1.4a7 7 0 0 1 .7 1.7l1.7.3Z',
    menu: 'M3 6h18v2H3Zm0 5h18v2H3Zm0 5h18v2H3Z',
    close: 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6Z',
    repeat: 'M17 1l4 4-4 4V6H7a3 3 0 0 0-3 3v2H2V9a5 5 0 0 1 5-5h10Zm-10 22-4-4 4-4v3h10a3 3 0 0 0 3-3v-2h2v2a5 5 0 0 1-5 5H7Z',
    search: 'M10 2a8 8 0 0 1 6.3 12.9l5.4 5.4-1.4 1.4-5.4-5.4A8 8 0 1 1 10 2Zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12Z',
    logout: 'M10 3H4v18h6v-2H6V5h4Zm6 4-1.4 1.4 2.6 2.6H9v2h8.2l-2.6 2.6L16 17l5-5Z',
    plus: 'M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7Z',
    check: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4Z',
    'chevron-down': 'M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6Z',
    'chevron-right': 'M8.6 16.6 13.2 12 8.6 7.4 10 6l6 6-6 6Z',
    alarm: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm0 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16Zm-1 3v6.6l4.6 2.8 1-1.7-3.6-2.2V7Z',
  };
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="currentColor" />
    </svg>
  );
}

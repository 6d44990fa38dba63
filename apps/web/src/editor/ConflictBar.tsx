/** "Changed elsewhere": the fields this editor and another version both changed, side by side, and the two ways out. */
import { useEffect, useRef } from 'react';
import { FIELD_LABELS, fieldText, formText, type EditorForm } from './editorForm.js';
import type { Conflict } from './useAutosave.js';

export function ConflictBar({
  conflict,
  form,
  userZone,
  projectNames,
  onKeepMine,
  onTakeTheirs,
}: {
  conflict: Conflict;
  form: EditorForm;
  userZone: string;
  projectNames: ReadonlyMap<string, string>;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // Announced once as it appears (role="alert"); focus stays where the user is typing. (Braces:
  // scrollIntoView may return a promise, which React would take for a cleanup function.)
  useEffect(() => {
    void ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return (
    <div ref={ref} className="conflict-bar" role="alert" aria-labelledby="conflict-title">
      <p id="conflict-title">
        <strong>This task was changed elsewhere</strong> while you were editing it. Your changes are not saved yet.
      </p>
      <table className="conflict-fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Yours</th>
            <th scope="col">Changed elsewhere</th>
          </tr>
        </thead>
        <tbody>
          {conflict.fields.map((field) => (
            <tr key={field}>
              <th scope="row">{FIELD_LABELS[field]}</th>
              <td>{formText(form, field, userZone, projectNames)}</td>
              <td>{fieldText(conflict.theirs.task, field, projectNames)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="conflict-actions">
        <button type="button" className="primary" onClick={onKeepMine}>
          Keep mine
        </button>
        <button type="button" onClick={onTakeTheirs}>
          Take theirs
        </button>
      </div>
    </div>
  );
}

/**
 * The keyboard shortcuts, opened with `?`: a modal <dialog>, so the browser keeps focus inside
 * it, Escape closes it, and the page behind is inert; focus goes back where it was.
 */
import { useEffect, useRef } from 'react';
import { Icon } from '../ui.js';

export const SHORTCUTS: readonly (readonly [keys: string[], what: string])[] = [
  [['n'], 'Add a task (focus quick add)'],
  [['/'], 'Search'],
  [['j', 'k'], 'Next / previous task'],
  [['x'], 'Complete the selected task'],
  [['Ctrl+Z', '⌘Z'], 'Undo the last completion or delete, while its toast shows'],
  [['Enter'], 'Open the selected task'],
  [['Esc'], 'Close the editor or panel; clear the search'],
  [['?'], 'Show these shortcuts'],
];

export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    return () => {
      dialog?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="shortcut-sheet"
      aria-labelledby="shortcuts-title"
      onCancel={(e) => {
        e.preventDefault(); // closed by React, which then unmounts it
        onClose();
      }}
    >
      <div className="panel-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close shortcuts" autoFocus>
          <Icon name="close" />
        </button>
      </div>
      <dl>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what} className="shortcut">
            <dt>
              {keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' / '}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </dialog>
  );
}

/** Keyboard shortcuts: n new, / search, x complete, j/k move, ? the shortcut sheet, Escape closes panels. */
import { useEffect, type Dispatch, type RefObject, type SetStateAction } from 'react';
import type { Task } from '../api.js';
import type { Panel } from './Topbar.js';

export function useShortcuts({
  active,
  tasks,
  selectedId,
  setSelectedId,
  toggle,
  panel,
  closePanel,
  showShortcuts,
  navOpen,
  setNavOpen,
  setSearchText,
  quickAddRef,
  searchRef,
}: {
  /** The task list is on screen: the list shortcuts apply. */
  active: boolean;
  tasks: Task[] | null;
  selectedId: string | null;
  setSelectedId: (id: string) => void;
  toggle: (task: Task) => Promise<void>;
  panel: Panel;
  /** Closes the open panel, focus going back where it was. */
  closePanel: () => void;
  showShortcuts: () => void;
  navOpen: boolean;
  setNavOpen: Dispatch<SetStateAction<boolean>>;
  setSearchText: (text: string) => void;
  quickAddRef: RefObject<HTMLInputElement | null>;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      // A modal dialog (the shortcut sheet) has the keyboard to itself.
      if (document.querySelector('dialog[open]')) return;
      const target = e.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      if (e.key === 'Escape' && typing && target === searchRef.current) {
        setSearchText('');
        return;
      }
      if (typing && !(target instanceof HTMLInputElement && target.type === 'checkbox')) return;
      if (e.key === 'Escape' && navOpen) {
        setNavOpen(false);
        return;
      }
      if (e.key === 'Escape' && panel !== 'none') {
        closePanel();
        return;
      }
      if (e.key === '?') {
        e.preventDefault();
        showShortcuts();
        return;
      }
      if (!active) return;
      if (e.key === 'n') {
        e.preventDefault();
        quickAddRef.current?.focus();
      } else if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
      } else if ((e.key === 'j' || e.key === 'k') && tasks?.length) {
        e.preventDefault();
        const index = tasks.findIndex((t) => t.id === selectedId);
        const next = tasks[Math.min(tasks.length - 1, Math.max(0, index < 0 ? 0 : index + (e.key === 'j' ? 1 : -1)))]!;
        setSelectedId(next.id);
        document.querySelector<HTMLElement>(`[data-task-id="${next.id}"] .task-title`)?.focus();
      } else if (e.key === 'x') {
        const task = tasks?.find((t) => t.id === selectedId);
        if (task) {
          e.preventDefault();
          void toggle(task);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
    // The setters and refs are stable; everything the handler reads is listed.
  }, [active, tasks, selectedId, toggle, panel, closePanel, showShortcuts, navOpen]);
}

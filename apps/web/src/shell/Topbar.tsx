/** The top bar: menu toggle, brand, search, live indicator, panel toggles, settings and log out. */
import { type RefObject } from 'react';
import { api } from '../api.js';
import { Icon } from '../ui.js';

/** Which side panel the top bar has open; the editor is a panel too, but it opens on a task. */
export type Panel = 'none' | 'notifications' | 'chat';

export function Topbar({
  navOpen,
  onToggleNav,
  navigate,
  searchRef,
  searchText,
  onSearch,
  live,
  unread,
  panel,
  onToggleNotifications,
  chatAvailable,
  onToggleChat,
  settingsCurrent,
  onLoggedOut,
}: {
  navOpen: boolean;
  onToggleNav: () => void;
  navigate: (path: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  searchText: string;
  onSearch: (text: string) => void;
  live: boolean;
  unread: number;
  panel: Panel;
  onToggleNotifications: () => void;
  /** A model is configured: the assistant button is shown only then. */
  chatAvailable: boolean;
  onToggleChat: () => void;
  settingsCurrent: boolean;
  onLoggedOut: () => void;
}) {
  async function logOut() {
    try {
      await api.logOut();
    } finally {
      onLoggedOut();
    }
  }

  return (
    <header className="topbar">
      <button
        type="button"
        className="icon-button menu-button"
        aria-label="Menu"
        aria-expanded={navOpen}
        aria-controls="sidebar"
        onClick={onToggleNav}
      >
        <Icon name="menu" />
      </button>
      <a
        className="brand"
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        <span aria-hidden="true">✓</span> todo-app
      </a>
      <div className="search" role="search">
        <Icon name="search" />
        <label htmlFor="search" className="sr-only">
          Search tasks
        </label>
        <input
          id="search"
          ref={searchRef}
          type="search"
          placeholder="Search  ( / )"
          value={searchText}
          onChange={(e) => onSearch(e.target.value)}
          autoComplete="off"
        />
      </div>
      <span className={`live ${live ? 'on' : ''}`} title={live ? 'Live updates on' : 'Live updates reconnecting'}>
        <span className="sr-only">{live ? 'Live updates on' : 'Live updates reconnecting'}</span>
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label={`Notifications${unread ? `, ${unread} unread` : ''}`}
        aria-expanded={panel === 'notifications'}
        onClick={onToggleNotifications}
      >
        <Icon name="bell" />
        {unread > 0 && (
          <span className="badge" aria-hidden="true">
            {unread}
          </span>
        )}
      </button>
      {chatAvailable && (
        <button
          type="button"
          className="icon-button"
          aria-label="Assistant"
          aria-expanded={panel === 'chat'}
          onClick={onToggleChat}
        >
          <Icon name="chat" />
        </button>
      )}
      <a
        className="icon-button"
        href="/settings"
        aria-label="Settings"
        aria-current={settingsCurrent ? 'page' : undefined}
        onClick={(e) => {
          e.preventDefault();
          navigate('/settings');
        }}
      >
        <Icon name="gear" />
      </a>
      <button type="button" className="icon-button" aria-label="Log out" onClick={() => void logOut()}>
        <Icon name="logout" />
      </button>
    </header>
  );
}

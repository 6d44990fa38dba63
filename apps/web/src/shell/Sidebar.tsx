/** The sidebar: the fixed views, then one link per project and per tag; a drawer on phones. */
import { type Label, type Project, type User } from '../api.js';
import { projectTree, viewPath, type View } from '../views.js';

export function Sidebar({
  open,
  onClose,
  navigate,
  currentView,
  projects,
  tags,
  user,
}: {
  open: boolean;
  onClose: () => void;
  navigate: (path: string) => void;
  /** The view on screen, null on other pages (nothing is marked current). */
  currentView: View | null;
  projects: Project[];
  tags: Label[];
  user: User;
}) {
  const navLink = (v: View, text: string, depth = 0) => {
    const path = viewPath(v);
    const current = currentView !== null && viewPath(currentView) === path;
    return (
      <li key={path} className={depth ? `nav-depth-${depth}` : undefined}>
        <a
          href={path}
          aria-current={current ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            onClose();
            navigate(path);
          }}
        >
          {text}
        </a>
      </li>
    );
  };

  return (
    <>
      {open && <div className="backdrop" aria-hidden="true" onClick={onClose} />}
      <nav id="sidebar" className={`sidebar ${open ? 'open' : ''}`} aria-label="Views">
        <ul>
          {navLink({ kind: 'today' }, 'Today')}
          {navLink({ kind: 'upcoming' }, 'Upcoming')}
          {navLink({ kind: 'overdue' }, 'Overdue')}
          {navLink({ kind: 'all' }, 'All tasks')}
          {navLink({ kind: 'completed' }, 'Completed')}
        </ul>
        <h2 className="nav-heading">Projects</h2>
        {projects.length === 0 ? (
          <p className="muted small nav-empty">None yet — add “@work” in quick add.</p>
        ) : (
          <ul>
            {projectTree(projects).map(({ project, depth }) => navLink({ kind: 'project', id: project.id }, project.name, depth))}
          </ul>
        )}
        <h2 className="nav-heading">Tags</h2>
        {tags.length === 0 ? (
          <p className="muted small nav-empty">None yet — add “#home” in quick add.</p>
        ) : (
          <ul>{tags.map((t) => navLink({ kind: 'tag', name: t.name }, `#${t.name}`))}</ul>
        )}
        <p className="muted small nav-empty">Signed in as {user.name ?? user.email}</p>
      </nav>
    </>
  );
}

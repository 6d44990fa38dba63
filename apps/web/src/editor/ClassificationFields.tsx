/** Priority, project (with adding a new one in place) and tags. */
import { useState } from 'react';
import { api, PRIORITIES, type Priority, type Project } from '../api.js';
import { Field, fieldMessage } from '../ui.js';

export function ClassificationFields({
  priority,
  onPriority,
  projectId,
  onProjectId,
  projects,
  onProjectCreated,
  tags,
  onTags,
  error,
  onError,
}: {
  priority: Priority;
  onPriority: (priority: Priority) => void;
  projectId: string;
  onProjectId: (id: string) => void;
  projects: Project[];
  onProjectCreated: (project: Project) => void;
  /** Comma-separated, as typed. */
  tags: string;
  onTags: (tags: string) => void;
  /** The editor's last save error, for the field messages. */
  error: unknown;
  onError: (error: unknown) => void;
}) {
  const [newProject, setNewProject] = useState('');

  async function addProject() {
    if (!newProject.trim()) return;
    try {
      const label = await api.createProject(newProject.trim());
      onProjectCreated(label);
      onProjectId(label.id);
      setNewProject('');
    } catch (e) {
      onError(e);
    }
  }

  return (
    <>
      <div className="row">
        <Field label="Priority" error={fieldMessage(error, 'priority')}>
          {(p) => (
            <select {...p} value={priority} onChange={(e) => onPriority(e.target.value as Priority)}>
              {PRIORITIES.map((x) => (
                <option key={x} value={x}>
                  {x[0]!.toUpperCase() + x.slice(1)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Project" error={fieldMessage(error, 'projectId')}>
          {(p) => (
            <select {...p} value={projectId} onChange={(e) => onProjectId(e.target.value)}>
              {/* A task is always in a project: a new one without a choice goes to the Inbox. */}
              {!projectId && <option value="">Inbox</option>}
              {projects.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="row inline-add">
        <Field label="New project">
          {(p) => <input {...p} value={newProject} onChange={(e) => setNewProject(e.target.value)} placeholder="e.g. Work" />}
        </Field>
        <button type="button" onClick={() => void addProject()} disabled={!newProject.trim()}>
          Add project
        </button>
      </div>

      <Field label="Tags (comma-separated)" error={fieldMessage(error, 'tags')}>
        {(p) => <input {...p} value={tags} onChange={(e) => onTags(e.target.value)} placeholder="home, errands" />}
      </Field>
    </>
  );
}

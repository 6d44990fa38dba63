/** Projects and tags: for the sidebar, the filters, the editor, and quick add's "@project". */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type Label, type Project } from '../api.js';

export type Labels = ReturnType<typeof useLabels>;

export function useLabels() {
  const [projects, setProjects] = useState<Project[]>([]);
  const [tags, setTags] = useState<Label[]>([]);

  const loadLabels = useCallback(() => {
    api
      .projects()
      .then((r) => setProjects(r.items))
      .catch(() => {});
    api
      .tags()
      .then((r) => setTags(r.items))
      .catch(() => {});
  }, []);
  useEffect(loadLabels, [loadLabels]);

  const projectNames = useMemo(() => new Map(projects.map((c) => [c.id, c.name])), [projects]);
  /** Every task without another project is in the Inbox: rows do not say so. */
  const inboxId = projects.find((p) => p.inbox)?.id;

  const addProject = useCallback((project: Project) => setProjects((cs) => [...cs, project]), []);

  /** The id of the project with this name (any case), created when there is none. */
  async function resolveProject(name: string): Promise<string> {
    const existing = projects.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (existing) return existing.id;
    const created = await api.createProject(name);
    setProjects((cs) => [...cs, created]);
    return created.id;
  }

  return { projects, tags, projectNames, inboxId, loadLabels, addProject, resolveProject };
}

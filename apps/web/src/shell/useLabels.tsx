/** Categories and tags: for the sidebar, the filters, the editor, and quick add's "@category". */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type Label } from '../api.js';

export type Labels = ReturnType<typeof useLabels>;

export function useLabels() {
  const [categories, setCategories] = useState<Label[]>([]);
  const [tags, setTags] = useState<Label[]>([]);

  const loadLabels = useCallback(() => {
    api
      .categories()
      .then((r) => setCategories(r.items))
      .catch(() => {});
    api
      .tags()
      .then((r) => setTags(r.items))
      .catch(() => {});
  }, []);
  useEffect(loadLabels, [loadLabels]);

  const categoryNames = useMemo(() => new Map(categories.map((c) => [c.id, c.name])), [categories]);

  const addCategory = useCallback((category: Label) => setCategories((cs) => [...cs, category]), []);

  /** The id of the category with this name (any case), created when there is none. */
  async function resolveCategory(name: string): Promise<string> {
    const existing = categories.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (existing) return existing.id;
    const created = await api.createCategory(name);
    setCategories((cs) => [...cs, created]);
    return created.id;
  }

  return { categories, tags, categoryNames, loadLabels, addCategory, resolveCategory };
}

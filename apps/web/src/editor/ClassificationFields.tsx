/** Priority, category (with adding a new one in place) and tags. */
import { useState } from 'react';
import { api, PRIORITIES, type Label, type Priority } from '../api.js';
import { Field, fieldMessage } from '../ui.js';

export function ClassificationFields({
  priority,
  onPriority,
  categoryId,
  onCategoryId,
  categories,
  onCategoryCreated,
  tags,
  onTags,
  error,
  onError,
}: {
  priority: Priority;
  onPriority: (priority: Priority) => void;
  categoryId: string;
  onCategoryId: (id: string) => void;
  categories: Label[];
  onCategoryCreated: (label: Label) => void;
  /** Comma-separated, as typed. */
  tags: string;
  onTags: (tags: string) => void;
  /** The editor's last save error, for the field messages. */
  error: unknown;
  onError: (error: unknown) => void;
}) {
  const [newCategory, setNewCategory] = useState('');

  async function addCategory() {
    if (!newCategory.trim()) return;
    try {
      const label = await api.createCategory(newCategory.trim());
      onCategoryCreated(label);
      onCategoryId(label.id);
      setNewCategory('');
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
        <Field label="Category" error={fieldMessage(error, 'categoryId')}>
          {(p) => (
            <select {...p} value={categoryId} onChange={(e) => onCategoryId(e.target.value)}>
              <option value="">No category</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="row inline-add">
        <Field label="New category">
          {(p) => <input {...p} value={newCategory} onChange={(e) => setNewCategory(e.target.value)} placeholder="e.g. Work" />}
        </Field>
        <button type="button" onClick={() => void addCategory()} disabled={!newCategory.trim()}>
          Add category
        </button>
      </div>

      <Field label="Tags (comma-separated)" error={fieldMessage(error, 'tags')}>
        {(p) => <input {...p} value={tags} onChange={(e) => onTags(e.target.value)} placeholder="home, errands" />}
      </Field>
    </>
  );
}

/** The description: Markdown, written in a textarea or previewed rendered. */
import { useState } from 'react';
import { renderMarkdown } from '../markdown.js';

export function DescriptionField({
  labelId,
  value,
  onChange,
  error,
}: {
  labelId: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  return (
    <div className="field">
      <div className="tabs" role="tablist" aria-label="Description">
        <span className="label-text" id={labelId}>
          Description (Markdown)
        </span>
        <button type="button" role="tab" aria-selected={tab === 'write'} onClick={() => setTab('write')}>
          Write
        </button>
        <button type="button" role="tab" aria-selected={tab === 'preview'} onClick={() => setTab('preview')}>
          Preview
        </button>
      </div>
      {tab === 'write' ? (
        <textarea
          aria-labelledby={labelId}
          rows={5}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
        />
      ) : (
        <div
          className="markdown"
          role="tabpanel"
          aria-label="Description preview"
          // Safe: renderMarkdown escapes all input before adding its own tags (markdown.ts).
          dangerouslySetInnerHTML={{ __html: renderMarkdown(value) || '<p class="muted">Nothing to preview.</p>' }}
        />
      )}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}

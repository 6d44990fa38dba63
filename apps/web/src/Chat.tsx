/**
 * The assistant panel: POST /api/chat streams text/event-stream (`delta`, `tool_call`,
 * `tool_result`, `done`). Tool calls the assistant made are shown inline.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { toApiError } from './api.js';
import { SseParser } from './sse.js';
import { Icon } from './ui.js';

interface ToolCall {
  name: string;
  arguments: unknown;
  ok?: boolean;
}
interface Message {
  role: 'user' | 'assistant';
  text: string;
  tools: ToolCall[];
  error?: string;
}

export function ChatPanel({ onClose, onToolResult }: { onClose: () => void; onToolResult: () => void }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [input, setInput] = useState('');
  const [busy, setBusy] = useState(false);
  const [conversationId, setConversationId] = useState<string | undefined>();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const logRef = useRef<HTMLDivElement>(null);

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [messages]);

  const patchLast = (change: (m: Message) => Message) => setMessages((ms) => [...ms.slice(0, -1), change(ms[ms.length - 1]!)]);

  async function send(event?: FormEvent) {
    event?.preventDefault();
    const message = input.trim();
    if (!message || busy) return;
    setInput('');
    setBusy(true);
    setMessages((ms) => [...ms, { role: 'user', text: message, tools: [] }, { role: 'assistant', text: '', tools: [] }]);
    try {
      const res = await fetch('/api/chat', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(conversationId ? { message, conversationId } : { message }),
      });
      if (!res.ok) {
        const problem = await toApiError(res);
        const text =
          res.status === 404
            ? 'The assistant is not available on this server yet.'
            : problem.code === 'CHAT_NOT_CONFIGURED' || res.status === 503
              ? 'The assistant is not set up: an administrator needs to configure a chat model for this server.'
              : problem.detail || `The assistant failed (HTTP ${res.status}).`;
        patchLast((m) => ({ ...m, error: text }));
        return;
      }
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const ev of parser.push(decoder.decode(value, { stream: true }))) {
          let data: Record<string, unknown> = {};
          try {
            data = JSON.parse(ev.data) as Record<string, unknown>;
          } catch {
            continue;
          }
          if (ev.event === 'delta') patchLast((m) => ({ ...m, text: m.text + String(data.text ?? '') }));
          else if (ev.event === 'tool_call')
            patchLast((m) => ({ ...m, tools: [...m.tools, { name: String(data.name), arguments: data.arguments }] }));
          else if (ev.event === 'tool_result') {
            patchLast((m) => {
              const tools = [...m.tools];
              const index = tools.map((t) => t.name).lastIndexOf(String(data.name));
              if (index >= 0) tools[index] = { ...tools[index]!, ok: Boolean(data.ok) };
              return { ...m, tools };
            });
            onToolResult();
          } else if (ev.event === 'done' && typeof data.conversationId === 'string') setConversationId(data.conversationId);
          else if (ev.event === 'error')
            patchLast((m) => ({ ...m, error: String(data.detail ?? data.message ?? 'The assistant failed.') }));
        }
      }
    } catch {
      patchLast((m) => ({ ...m, error: 'The connection to the assistant was lost.' }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <aside className="panel chat" aria-labelledby="chat-title">
      <header className="panel-head">
        <h2 id="chat-title">Assistant</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close assistant">
          <Icon name="close" />
        </button>
      </header>
      <div className="chat-log" ref={logRef} aria-live="polite" role="log" aria-label="Conversation">
        {messages.length === 0 && (
          <p className="muted">Ask me to add, find or reschedule tasks — e.g. “What is due this week?”</p>
        )}
        {messages.map((m, i) => (
          <div key={i} className={`msg ${m.role}`}>
            <span className="sr-only">{m.role === 'user' ? 'You:' : 'Assistant:'}</span>
            {m.tools.map((t, j) => (
              <p key={j} className="tool-call">
                <span aria-hidden="true">⚙</span> {t.name}
                <code>{JSON.stringify(t.arguments ?? {})}</code>
                {t.ok === undefined ? ' …' : t.ok ? ' ✓ done' : ' ✗ failed'}
              </p>
            ))}
            {m.text && <p className="msg-text">{m.text}</p>}
            {m.role === 'assistant' && !m.text && !m.error && busy && i === messages.length - 1 && (
              <p className="muted">Thinking…</p>
            )}
            {m.error && (
              <p className="field-error" role="alert">
                {m.error}
              </p>
            )}
          </div>
        ))}
      </div>
      <form className="chat-form" onSubmit={(e) => void send(e)}>
        <label htmlFor="chat-input" className="sr-only">
          Message the assistant
        </label>
        <textarea
          id="chat-input"
          ref={inputRef}
          rows={2}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
          placeholder="Message the assistant"
        />
        <button type="submit" className="primary" disabled={busy || !input.trim()}>
          Send
        </button>
      </form>
    </aside>
  );
}

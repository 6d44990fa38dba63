/**
 * TEST DOUBLE — a scripted, OpenAI-wire-compatible `POST /chat/completions` server for tests.
 * It is not a model: each request gets the next scripted turn, streamed as `data:` chunks in
 * the chat.completion.chunk format (text deltas, tool-call fragments), then `data: [DONE]`.
 * It records every request body so tests can check what the agent sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export type ScriptedTurn =
  | { text: string[] }
  | { toolCalls: { id: string; name: string; arguments: string[] }[]; text?: string[] }
  | { status: number; body: string };

export interface OpenAiTestDouble {
  baseUrl: string;
  requests: { headers: IncomingMessage['headers']; body: any }[];
  script(...turns: ScriptedTurn[]): void;
  close(): Promise<void>;
}

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'scripted-test-double',
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;

export async function startOpenAiTestDouble(): Promise<OpenAiTestDouble> {
  const queue: ScriptedTurn[] = [];
  const requests: OpenAiTestDouble['requests'] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(raw || '{}') });
      const turn = queue.shift();
      if (!turn || req.url !== '/v1/chat/completions') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"test double: no scripted turn"}}');
        return;
      }
      if ('status' in turn) {
        res.writeHead(turn.status, { 'content-type': 'application/json' }).end(turn.body);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }));
      for (const piece of turn.text ?? []) res.write(chunk({ content: piece }));
      if ('toolCalls' in turn) {
        turn.toolCalls.forEach((call, index) => {
          res.write(
            chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
          );
          for (const part of call.arguments) res.write(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
        });
        res.write(chunk({}, 'tool_calls'));
      } else {
        res.write(chunk({}, 'stop'));
      }
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${address.port}/v1`,
    requests,
    script: (...turns) => queue.push(...turns),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

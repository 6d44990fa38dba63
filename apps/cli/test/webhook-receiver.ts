/** A real HTTP receiver of webhooks on loopback: records each request, answers as the test says. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** The path and query it was sent to. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Those answered 2xx: what the receiver took. */
  accepted(): ReceivedWebhook[];
  /** Decides the status of each request; 204 by default. */
  answer: (request: { headers: IncomingHttpHeaders; body: string }) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver = {
    received: [] as ReceivedWebhook[],
    answer: (() => 204) as WebhookReceiver['answer'],
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = receiver.answer({ headers: req.headers, body });
      receiver.received.push({ path: req.url ?? '', headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? '' : `receiver down (${status})`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    accepted: () => receiver.received.filter((r) => r.status < 300),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

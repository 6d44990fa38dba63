/**
 * A small typed client for the Dapr sidecar's HTTP API over Node's global `fetch`, not `@dapr/dapr`
 * (docs/decisions/0003-own-dapr-client.md). Every call carries `dapr-api-token` when one is configured
 * and has a timeout; a non-2xx answer becomes a `DaprError` with the status and Dapr's errorCode.
 */

export interface DaprClientOptions {
  /** The sidecar's HTTP port (`--dapr-http-port`, env `DAPR_HTTP_PORT`, default 3500). */
  httpPort: number;
  /** Default 127.0.0.1: the sidecar always runs next to the app. */
  host?: string;
  /** `DAPR_API_TOKEN`: sent as `dapr-api-token` on every call. */
  apiToken?: string | undefined;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
}

export interface DaprRequest {
  body?: unknown;
  /** Content type of `body`; default `application/json`. */
  contentType?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | undefined>;
  /** Statuses that are answers rather than errors (besides 2xx), e.g. 404 on a delete. */
  accept?: readonly number[];
  timeoutMs?: number;
}

export interface DaprResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** A non-2xx answer from the sidecar, or no answer at all (`status` 0). */
export class DaprError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Dapr's `errorCode` (e.g. `ERR_STATE_SAVE`), when the body carried one. */
    readonly errorCode: string | undefined,
    /** Dapr's `message`, or the raw body. */
    readonly detail: string,
  ) {
    super(message);
    this.name = 'DaprError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DaprClient {
  readonly baseUrl: string;
  private readonly apiToken: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: DaprClientOptions) {
    this.baseUrl = `http://${options.host ?? '127.0.0.1'}:${options.httpPort}`;
    this.apiToken = options.apiToken || undefined;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async request(method: string, path: string, init: DaprRequest = {}): Promise<DaprResponse> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { ...init.headers };
    if (this.apiToken) headers['dapr-api-token'] = this.apiToken;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] = init.contentType ?? 'application/json';
      body = JSON.stringify(init.body);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(init.timeoutMs ?? this.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DaprError(`dapr ${method} ${url.pathname}: ${reason}`, 0, undefined, reason);
    }
    const text = await response.text();
    if (response.ok || init.accept?.includes(response.status))
      return { status: response.status, headers: response.headers, text };
    let errorCode: string | undefined;
    let detail = text;
    try {
      const parsed = JSON.parse(text) as { errorCode?: unknown; message?: unknown };
      if (typeof parsed.errorCode === 'string') errorCode = parsed.errorCode;
      if (typeof parsed.message === 'string') detail = parsed.message;
    } catch {
      // not JSON: keep the raw body
    }
    throw new DaprError(
      `dapr ${method} ${url.pathname} answered ${response.status}${errorCode ? ` ${errorCode}` : ''}: ${detail}`,
      response.status,
      errorCode,
      detail,
    );
  }

  /**
   * Publishes a CloudEvent as is (`application/cloudevents+json`: Dapr keeps our `id`, which
   * consumers de-duplicate by; as plain JSON it would wrap it in a new one). `partitionKey` becomes the Kafka message key.
   */
  async publish(
    pubsubName: string,
    topic: string,
    event: unknown,
    options: { partitionKey?: string | undefined } = {},
  ): Promise<void> {
    await this.request('POST', `/v1.0/publish/${encodeURIComponent(pubsubName)}/${encodeURIComponent(topic)}`, {
      body: event,
      contentType: 'application/cloudevents+json',
      query: { 'metadata.partitionKey': options.partitionKey },
    });
  }

  /**
   * One secret from a secret store (`GET /v1.0/secrets/{store}/{key}`), or null
   * when the store has no such key (stores answer that with ERR_SECRET_GET "… not found").
   */
  async getSecret(store: string, key: string): Promise<string | null> {
    try {
      const res = await this.request('GET', `/v1.0/secrets/${encodeURIComponent(store)}/${encodeURIComponent(key)}`);
      const values = JSON.parse(res.text || '{}') as Record<string, unknown>;
      const value = values[key];
      return typeof value === 'string' ? value : null;
    } catch (error) {
      if (error instanceof DaprError && error.errorCode === 'ERR_SECRET_GET' && /not found/i.test(error.detail)) return null;
      throw error;
    }
  }

  /**
   * Resolves once the sidecar's APIs and components are up (`/v1.0/healthz/outbound`, 204).
   * This one does not wait for the app, so the app may call it during its own start.
   */
  waitForOutbound(options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
    return this.waitFor('/v1.0/healthz/outbound', options);
  }

  /** Resolves once `/v1.0/healthz` is 204: components, app channel and scheduler are ready. */
  waitForHealthy(options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
    return this.waitFor('/v1.0/healthz', options);
  }

  private async waitFor(
    path: string,
    { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number },
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
      try {
        const res = await this.request('GET', path, { timeoutMs: Math.max(intervalMs, 1_000) });
        if (res.status === 204 || res.status === 200) return;
        last = `status ${res.status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() >= deadline)
        throw new Error(`dapr sidecar at ${this.baseUrl} not ready (${path}) after ${timeoutMs} ms: ${last}`);
      await sleep(intervalMs);
    }
  }
}

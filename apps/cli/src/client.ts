/** A small API client for the CLI: JSON in, JSON out, problem+json turned into readable errors. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Credentials {
  server: string;
  token: string;
}

const credentialsFile = (env: NodeJS.ProcessEnv) =>
  join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'todo-app', 'credentials.json');

export function saveCredentials(env: NodeJS.ProcessEnv, creds: Credentials): string {
  const file = credentialsFile(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return file;
}

/**
 * `--server`/`--token` flags win over TODO_URL/TODO_TOKEN, which win over `todo login`'s file.
 * Without any of them the server is the local one on `PORT` (as `todo start` reads it).
 */
export function resolveCredentials(env: NodeJS.ProcessEnv, flags: { server?: string; token?: string }): Partial<Credentials> {
  let saved: Partial<Credentials> = {};
  try {
    saved = JSON.parse(readFileSync(credentialsFile(env), 'utf8')) as Credentials;
  } catch {
    // no saved login
  }
  return {
    server: flags.server ?? env['TODO_URL'] ?? saved.server ?? `http://localhost:${env['PORT'] ?? 8080}`,
    token: flags.token ?? env['TODO_TOKEN'] ?? saved.token,
  };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ApiClient {
  constructor(
    private readonly server: string,
    private readonly token: string | undefined,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, {
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    return (await (await ApiClient.checked(response)).json().catch(() => ({}))) as T;
  }

  /** The response as it comes (a download, a stream of lines), with the credential; an error status is thrown as `request` throws it. */
  async stream(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Uint8Array | null } = {},
  ): Promise<Response> {
    return ApiClient.checked(await this.send(method, path, init));
  }

  private async send(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Uint8Array | string | null },
  ) {
    try {
      return await fetch(new URL(path, this.server), {
        method,
        headers: { ...init.headers, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        body: init.body ?? null,
      });
    } catch (error) {
      throw new ApiError(
        0,
        'UNREACHABLE',
        `cannot reach ${this.server} (${(error as Error).message}); is \`todo start\` running?`,
      );
    }
  }

  private static async checked(response: Response): Promise<Response> {
    if (response.ok) return response;
    const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const errors = Array.isArray(payload['errors']) ? (payload['errors'] as { field: string; message: string }[]) : [];
    const message = errors.length
      ? errors.map((e) => `${e.field}: ${e.message}`).join('\n')
      : String(payload['detail'] ?? response.statusText);
    throw new ApiError(response.status, String(payload['code'] ?? response.status), message);
  }
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCredentials, saveCredentials } from '../src/client.js';

describe('which server the CLI talks to', () => {
  const config = () => mkdtempSync(join(tmpdir(), 'todo-cli-'));

  it('is the local server on PORT when nothing else names one', () => {
    const env = { XDG_CONFIG_HOME: config(), PORT: '9123' };
    expect(resolveCredentials(env, {}).server).toBe('http://localhost:9123');
    expect(resolveCredentials({ XDG_CONFIG_HOME: config() }, {}).server).toBe('http://localhost:8080');
  });

  it('prefers the flag, then TODO_URL, then the saved login, over PORT', () => {
    const env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: config(), PORT: '9123' };
    saveCredentials(env, { server: 'http://saved:1', token: 't' });
    expect(resolveCredentials(env, {}).server).toBe('http://saved:1');
    expect(resolveCredentials({ ...env, TODO_URL: 'http://env:2' }, {}).server).toBe('http://env:2');
    expect(resolveCredentials({ ...env, TODO_URL: 'http://env:2' }, { server: 'http://flag:3' }).server).toBe('http://flag:3');
  });
});

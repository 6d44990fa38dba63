/**
 * Static checks of the image definition against the code and the chart (no Docker engine
 * is needed; lint it with hadolint by hand: `hadolint Dockerfile`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './chart.js';

const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
const cliPackage = JSON.parse(readFileSync(join(root, 'apps/cli/package.json'), 'utf8')) as { bin: Record<string, string> };

describe('Dockerfile', () => {
  it('is multi-stage on Node 24 LTS and ends as a non-root user', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => m[2]);
    expect(froms).toEqual(['build', 'runtime']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it('runs the CLI under tini, one image for every role, with a /healthz healthcheck', () => {
    // The `todo` command and the image's entrypoint run the same built file.
    expect(cliPackage.bin.todo).toBe('./bin/todo.js');
    expect(readFileSync(join(root, 'apps/cli/bin/todo.js'), 'utf8')).toContain("import('../dist/main.js')");
    expect(dockerfile).toContain('ENTRYPOINT ["tini", "--", "node", "apps/cli/dist/main.js"]');
    expect(dockerfile).toMatch(/^CMD \["start"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('keeps local state, build output and secrets out of the build context', () => {
    for (const pattern of ['**/node_modules', '**/dist', 'data', '.git', '.env']) expect(dockerignore).toContain(pattern);
    // npm ci needs every workspace manifest, including the e2e one.
    expect(dockerignore).toContain('!e2e/package.json');
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.base.json'])
      expect(existsSync(join(root, f)), f).toBe(true);
  });
});

/**
 * The built web UI (apps/web/dist) at `/`. Its build writes `.br` and `.gz` next to each asset,
 * sent as they are to clients that accept them. Assets have content-hashed names, so they are
 * cached for good; the HTML that names them is revalidated on every load, so a browser never
 * asks for the assets of a version that is no longer deployed.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sep } from 'node:path';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

const HASHED = `${sep}assets${sep}`;

export async function registerWebRoot(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    wildcard: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes(HASHED) ? IMMUTABLE : REVALIDATE);
    },
  });
}

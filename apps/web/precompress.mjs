// Writes `name.br` and `name.gz` next to each text asset of the bundle, so the server sends
// them as they are (@fastify/static `preCompressed`) instead of compressing on every request,
// and can afford the slowest, smallest settings once, at build time.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const TEXT = /\.(?:js|mjs|css|html|svg|json|txt|webmanifest)$/;
// Below this a compressed copy saves less than its own headers cost.
const MIN_BYTES = 1024;
const br = promisify(brotliCompress);
const gz = promisify(gzip);

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (TEXT.test(entry.name)) yield path;
  }
}

export async function precompress(dir) {
  for await (const path of files(dir)) {
    const bytes = await readFile(path);
    if (bytes.length < MIN_BYTES) continue;
    const brotli = await br(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    await writeFile(`${path}.br`, brotli);
    await writeFile(`${path}.gz`, await gz(bytes, { level: 9 }));
  }
}

/** Vite plugin: pre-compresses the written bundle. */
export const precompressPlugin = () => {
  let outDir = 'dist';
  return {
    name: 'todo-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    async closeBundle() {
      await precompress(outDir);
    },
  };
};

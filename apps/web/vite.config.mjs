// Production bundle served by the api role from apps/web/dist (apps/cli/src/runtime.ts).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompressPlugin } from './precompress.mjs';

export default defineConfig({
  plugins: [react(), precompressPlugin()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  // Workspace packages (@todo/domain/browser) are bundled from their TypeScript sources; the
  // rest are Vite's default client conditions.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
});

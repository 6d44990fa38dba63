/** Writes `.br` and `.gz` next to each text asset under `dir` (see precompress.mjs). */
export function precompress(dir: string): Promise<void>;
export function precompressPlugin(): import('vite').Plugin;

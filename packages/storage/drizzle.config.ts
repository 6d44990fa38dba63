import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './src/schema.ts',
    './src/schema-delivery.ts',
    './src/schema-webhooks.ts',
    './src/schema-feeds.ts',
    './src/schema-comments.ts',
    './src/schema-imports.ts',
  ],
  out: './migrations',
});

/** Every table, as one schema: what Drizzle's queries and `schema.*` in other packages see. */
export * from './schema.js';
export * from './schema-delivery.js';
export * from './schema-webhooks.js';
export * from './schema-feeds.js';
export * from './schema-comments.js';
export * from './schema-imports.js';

// Type-aware lint for async correctness (a forgotten await loses errors); Prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', '**/migrations/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['apps/web/src/**/*.tsx'],
    languageOptions: { parserOptions: { project: ['./apps/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The domain is pure: no I/O, no frameworks, so it runs and tests anywhere, the browser included.
    // So is the iCalendar mapping: text in, text out.
    files: ['packages/domain/src/**/*.ts', 'packages/ical/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'pg', 'drizzle-orm*', 'fastify*', '@electric-sql/*', '@todo/storage', '@todo/services'],
              message: 'the domain and the iCalendar mapping import no I/O',
            },
          ],
        },
      ],
    },
  },
  {
    // Apps reach the data through services (packages/services), never through repositories or
    // the Store's internals: that is where authorization and the events of a change are decided.
    // An app may open, restore and watch the database and build the Store to hand to the
    // services (composition).
    files: ['apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@todo/storage',
              allowImportNames: [
                'Store',
                'createDatabase',
                'Database',
                'DatabaseOptions',
                'OutboxMode',
                'Unlisten',
                'EmbeddedServerError',
                'MIGRATIONS_FOLDER',
                'writeBackup',
                'restoreBackup',
                'readBackupHeader',
                'BackupTarget',
                'RestoreSummary',
                'MigrationStatus',
                'WriteHealth',
              ],
              message: 'apps go through @todo/services, not repositories, rows or SQL of @todo/storage',
            },
          ],
          patterns: [
            {
              group: ['@todo/storage/*', '**/packages/storage/**'],
              message: 'apps go through @todo/services, not into the storage package',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[property.name='repos'], Property[key.name='repos'] > ObjectPattern, ObjectPattern > Property[key.name='repos']",
          message: "apps go through @todo/services, not the Store's repositories",
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
      },
    },
  },
  {
    // The web app's service worker: plain script, run by the browser in its own global scope.
    files: ['apps/web/public/sw.js'],
    languageOptions: { sourceType: 'script', globals: { self: 'readonly', fetch: 'readonly', URL: 'readonly' } },
  },
);

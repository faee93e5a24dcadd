import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Text that reads as SQL: a statement's opening words (for the services' no-SQL rule). */
const SQL_TEXT = String.raw`/^\s*(select\s[^]*\sfrom\s|insert\s+(or\s+\w+\s+)?into\s|update\s+\w+\s+set\s|delete\s+from\s|with\s+(recursive\s+)?\w+(\([^)]*\))?\s+as\s*\(|(create|drop)\s+(temp\s+)?(table|index|view|trigger)\s|alter\s+table\s|pragma\s|begin(\s+immediate)?\s*$|commit\s*$)/i`;

export default tseslint.config(
  // clients/*/src/schema.ts is openapi-typescript output, checked by `npm run client:check` instead.
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'migrations/', 'bench/.tmp/', 'clients/*/dist/', 'clients/*/src/schema.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Small files with one job, functions a reader takes in at once.
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Routes translate HTTP and call services; they never reach storage.
    files: ['src/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', 'pg', '**/db/*', '**/db/**'], message: 'routes call services; only the storage engines touch the database' }] }],
    },
  },
  {
    // Services hold the rules and talk to the storage port (src/db/store.ts) only: no engine,
    // driver or query builder, no connection, no SQL text.
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['better-sqlite3', 'pg', 'drizzle-orm'].map((name) => ({ name, message: 'services talk to the storage port (src/db/store.ts) only' })),
          patterns: [{ group: ['drizzle-orm/*', '**/db/sqlite/**', '**/db/pg/**', '**/db/open-store*'], message: 'services talk to the storage port (src/db/store.ts) only' }],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='$client']", message: 'a database connection belongs to its engine (src/db/<engine>/)' },
        { selector: `Literal[value=${SQL_TEXT}]`, message: 'SQL belongs to its engine (src/db/<engine>/)' },
        { selector: `TemplateElement[value.raw=${SQL_TEXT}]`, message: 'SQL belongs to its engine (src/db/<engine>/)' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

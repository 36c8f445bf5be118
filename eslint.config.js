// The folder says the runtime; these rules fail any import that crosses layers the wrong way.
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'url', 'util', 'stream', 'worker_threads'];
const SERVER_ONLY = ['@duckdb/*', '@nats-io/transport-node', 'ws'];

const layer = (message, groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map((group) => ({ group, message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'renderer/dist/**', 'docs/**'] },
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    // the Maps and Sets there are deliberate non-reactive bookkeeping (pending requests, chart registry)
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['analytics/common/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: layer('Bad layering: analytics/common is pure TypeScript shared by every runtime; it may not use Node, Electron, DuckDB, NATS transports, another layer or the development harness.', [
      [...NODE_BUILTINS, ...SERVER_ONLY, 'electron', '**/node/**', '**/renderer/**', '**/electron/**', '**/dev/**', '**/testing/**', 'fast-check', 'vitest'],
    ]),
  },
  {
    files: ['analytics/common/**/*.test.ts', 'analytics/common/**/testing/**'],
    rules: layer('Bad layering: analytics/common is pure TypeScript shared by every runtime; it may not use Node, Electron, DuckDB, NATS transports or another layer.', [
      [...NODE_BUILTINS, ...SERVER_ONLY, 'electron', '**/node/**', '**/renderer/**', '**/electron/**'],
    ]),
  },
  {
    files: ['analytics/node/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: layer('Bad layering: the engine (analytics/node) may not import the renderer, Electron or the development harness (dev/, testing/).', [
      ['electron', '**/renderer/**', '**/electron/**', '**/dev/**', '**/testing/**', 'fast-check', 'playwright-core', 'vitest'],
    ]),
  },
  {
    files: ['analytics/node/**/*.test.ts', 'analytics/node/**/testing/**'],
    rules: layer('Bad layering: the engine (analytics/node) may not import the renderer or Electron.', [
      ['electron', '**/renderer/**', '**/electron/**'],
    ]),
  },
  {
    files: ['dev/**/*.ts'],
    rules: layer('Bad layering: the harness drives the product from outside; it may not import Electron or the renderer.', [
      ['electron', '**/renderer/src/**'],
    ]),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    // tests drive the renderer's code against a real engine
    ignores: ['renderer/e2e/**', 'renderer/vite.config.ts', 'renderer/**/*.test.ts'],
    rules: layer('Bad layering: the renderer runs in the DOM; it reaches the engine only through the engine API.', [
      [...NODE_BUILTINS, ...SERVER_ONLY, 'electron', '**/analytics/node/**', '**/electron/**', '**/dev/**'],
    ]),
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: layer('Bad layering: the Electron shell may not import the renderer or the development harness (dev/, testing/).', [['**/renderer/**', '**/dev/**', '**/testing/**', 'playwright-core', 'fast-check', 'vitest']]),
  },
  {
    files: ['electron/**/*.test.ts'],
    rules: layer('Bad layering: the Electron shell may not import the renderer.', [['**/renderer/src/**']]),
  },
);

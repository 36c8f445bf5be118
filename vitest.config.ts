import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // compiles the renderer's rune classes (.svelte.ts) so their logic is tested as it runs in the wall
  plugins: [svelte({ configFile: false })],
  test: {
    include: ['analytics/**/*.test.ts', 'renderer/**/*.test.ts', 'electron/**/*.test.ts', 'dev/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // integration tests start their own nats-server and engines; two cores run them best one file at a time
    fileParallelism: false,
  },
});

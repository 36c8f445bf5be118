import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['analytics/**/*.test.ts', 'renderer/**/*.test.ts', 'electron/**/*.test.ts', 'dev/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // integration tests start their own nats-server and engines; two cores run them best one file at a time
    fileParallelism: false,
  },
});

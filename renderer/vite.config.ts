import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The wall is bundled whole (scripts, styles, map data, fonts): it must run with no internet.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
  },
  server: { fs: { allow: ['..'] } },
});

// Two pages from one build: the app (index.html, Preact) and GraphiQL (graphiql.html, React), both
// hash-named under dist/assets so the server can cache them forever. No source maps, no timestamps: the
// build must give the same bytes on every machine (scripts/check.mjs compares it with the committed dist).
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export default defineConfig({
  base: '/',
  // Preact's automatic JSX runtime for the app; the GraphiQL entry uses no JSX.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // GraphiQL (its own page, never loaded by the app) is one large chunk by nature.
    chunkSizeWarningLimit: 1500,
    // The page must load nothing inline (CSP `script-src 'self'`): every asset is a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // GraphiQL's dependencies mark modules "use client" for React server components; a browser bundle
      // has no server components, so the directive means nothing here.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        graphiql: resolve(import.meta.dirname, 'graphiql.html'),
      },
    },
  },
  server: {
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8080', ws: true },
      '/auth': 'http://127.0.0.1:8080',
      '/setup': 'http://127.0.0.1:8080',
    },
  },
});

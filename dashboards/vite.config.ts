import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// One page per role, built into dist/ for the hub to serve (Dashboards:Root). The hub answers
// /butik/{store}, /kommun, /kommun/rapport, /region and /admin itself, checking the session before it hands out the page;
// /service (the public kommunöversikt) it hands to anyone.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: {
        login: resolve(import.meta.dirname, 'index.html'),
        butik: resolve(import.meta.dirname, 'butik.html'),
        kommun: resolve(import.meta.dirname, 'kommun.html'),
        admin: resolve(import.meta.dirname, 'admin.html'),
        rapport: resolve(import.meta.dirname, 'rapport.html'),
        service: resolve(import.meta.dirname, 'service.html'),
        region: resolve(import.meta.dirname, 'region.html'),
      },
    },
  },
  server: {
    // `npm run dev` beside a running hub (./norsjo demo): the API and the page routes come from it.
    proxy: { '/api': 'http://127.0.0.1:5080' },
  },
});

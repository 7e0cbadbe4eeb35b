// Vite build of the web app: `npm run build:web` (scripts/build-web.mjs) writes web/dist, which
// src/http/web.ts serves at `/`. Everything is bundled locally: no CDN, no external fonts.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // keep the bundle self-contained: no inlined data: URLs for fonts or images the CSP would block
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite web` during development: the API runs on the Node server
    proxy: { '/api': 'http://localhost:3000', '/oauth': 'http://localhost:3000' },
  },
});

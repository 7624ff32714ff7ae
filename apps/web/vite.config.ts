import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Workspace packages are bundled from their TypeScript sources (the "source"
// export condition), so the web app never needs a prior `tsc -b`.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  server: {
    // `npm run dev -w @peerlink/web` proxies the API and signaling to a local gateway.
    proxy: {
      '/api': process.env.PEERLINK_GATEWAY ?? 'http://127.0.0.1:8000',
      '/socket.io': { target: process.env.PEERLINK_GATEWAY ?? 'http://127.0.0.1:8000', ws: true },
    },
  },
});

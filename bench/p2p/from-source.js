// Runs run.js against the TypeScript sources (no build needed), via Vite's SSR loader with the `source` export condition.
import { createServer } from 'vite';
const server = await createServer({ configFile: false, logLevel: 'error', root: process.cwd(), resolve: { conditions: ['source'] }, ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] }, noExternal: [/@peerlink/] }, server: { middlewareMode: true, hmr: false, ws: false } });
try { await server.ssrLoadModule('/bench/p2p/run.js'); } finally { await server.close(); }

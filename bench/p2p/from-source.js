// Runs run.js against the TypeScript sources (no build needed), via Vite's SSR
// loader with the `source` export condition. run.js then starts its peers the
// same way: `from-source.js <module>` loads that module and keeps the loader
// alive until the module exits the process.
import { createServer } from 'vite';
const module = process.argv[2];
process.env.BENCH_P2P_SOURCE = '1';
const server = await createServer({ configFile: false, logLevel: 'error', root: process.cwd(), resolve: { conditions: ['source'] }, ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] }, noExternal: [/@peerlink/] }, server: { middlewareMode: true, hmr: false, ws: false } });
if (module === undefined) {
  try { await server.ssrLoadModule('/bench/p2p/run.js'); } finally { await server.close(); }
} else {
  await server.ssrLoadModule(`/${module}`);
}

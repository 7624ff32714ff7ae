// Our TURN server alone, for `bench/turn/run.js`: started as a child process so
// its CPU time can be read from /proc/<pid>/stat. Uses the built package
// (`npm run build` first). Prints one JSON line `{ "port": N }` on stdout.
//   node peerlink-server.js SECRET REALM MIN_PORT MAX_PORT
import { createTurnServer } from '@peerlink/turn-server';

const [secret, realm, min, max] = process.argv.slice(2);
const server = await createTurnServer({
  secret,
  realm,
  port: 0,
  listenAddress: '127.0.0.1',
  relayPorts: { min: Number(min), max: Number(max) },
  allowPeers: ['127.0.0.1/32'],
  tcp: false,
});
process.stdout.write(`${JSON.stringify({ port: server.udpAddress.port })}\n`);
const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

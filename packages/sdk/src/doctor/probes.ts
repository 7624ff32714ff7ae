/** Doctor's probes over real sockets: TURN Allocate, gateway HTTP and tunnel upgrade, `/api/ice-servers`. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { z } from 'zod';
import type { HttpProbe, TurnProbe } from './report.js';
import { allocateRequest, authFromChallenge, deleteAllocationRequest, type TurnCredentials } from './stun-client.js';
import { DoctorProbeFailure, formatHostPort, type HostPort, type StunExchange } from './transports.js';

/**
 * Allocate on a TURN server. Without credentials one unauthenticated Allocate
 * is sent and a 401 counts as reachable; with credentials the 401 challenge is
 * answered and the allocation deleted again at once.
 */
export async function probeTurn(
  exchange: StunExchange,
  server: HostPort,
  credentials: TurnCredentials | undefined,
  newTransactionId: () => Uint8Array,
): Promise<TurnProbe> {
  const name = formatHostPort(server);
  try {
    const tid0 = newTransactionId();
    const first = await exchange.request(server, allocateRequest(tid0, undefined), tid0);
    if (first.kind === 'allocate-success') return { server: name, outcome: 'allocated', relayed: first.relayed };
    if (first.kind !== 'error') return { server: name, outcome: 'refused', error: 'DOCTOR_BAD_RESPONSE' };
    if (first.code !== 401) return { server: name, outcome: 'refused', error: 'DOCTOR_TURN_REFUSED', detail: `${first.code} ${first.reason}` };
    if (credentials === undefined) return { server: name, outcome: 'auth-required' };
    const auth = authFromChallenge(first, credentials);
    if (auth === undefined) return { server: name, outcome: 'refused', error: 'DOCTOR_BAD_RESPONSE', detail: '401 without REALM/NONCE' };
    const tid = newTransactionId();
    const second = await exchange.request(server, allocateRequest(tid, auth), tid, auth.key);
    if (second.kind !== 'allocate-success') {
      const detail = second.kind === 'error' ? `${second.code} ${second.reason}` : second.kind;
      return { server: name, outcome: 'refused', error: 'DOCTOR_TURN_REFUSED', detail };
    }
    const del = newTransactionId();
    await exchange.request(server, deleteAllocationRequest(del, auth), del).catch(() => undefined);
    return { server: name, outcome: 'allocated', relayed: second.relayed };
  } catch (err) {
    const error = err instanceof DoctorProbeFailure ? err.code : 'DOCTOR_UNREACHABLE';
    return { server: name, outcome: 'unreachable', error, detail: err instanceof Error ? err.message : String(err) };
  }
}

/** A request with an explicit timeout; resolves with the status (or the upgrade's 101). */
function httpStatus(url: URL, timeoutMs: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers, timeout: timeoutMs });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 101);
    });
    req.on('timeout', () => {
      req.destroy();
      reject(new DoctorProbeFailure('DOCTOR_TIMEOUT', `${url.href}: no answer within ${timeoutMs} ms`));
    });
    req.on('error', (err) => reject(new DoctorProbeFailure('DOCTOR_UNREACHABLE', `${url.href}: ${err.message}`)));
    req.end();
  });
}

/** `GET /healthz` on the gateway: reachable when it answers 200. */
export async function probeHttp(gateway: URL, timeoutMs: number): Promise<HttpProbe> {
  const url = new URL('/healthz', gateway);
  try {
    const status = await httpStatus(url, timeoutMs, {});
    return status === 200 ? { url: url.href, reachable: true, status } : { url: url.href, reachable: false, status, error: 'DOCTOR_HTTP_STATUS' };
  } catch (err) {
    return { url: url.href, reachable: false, error: err instanceof DoctorProbeFailure ? err.code : 'DOCTOR_UNREACHABLE' };
  }
}

/**
 * A WebSocket upgrade to the tunnel's client endpoint without a grant. The
 * gateway answers it (101, or 401/403 for a missing grant) when WebSocket
 * upgrades pass this network; proxies that strip upgrades answer otherwise or not at all.
 */
export async function probeTunnel(gateway: URL, timeoutMs: number): Promise<HttpProbe> {
  const url = new URL('/tunnel/client', gateway);
  const headers = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'cGVlcmxpbmstZG9jdG9yIQ==' };
  try {
    const status = await httpStatus(url, timeoutMs, headers);
    const reachable = status === 101 || status === 400 || status === 401 || status === 403;
    return reachable ? { url: url.href, reachable, status } : { url: url.href, reachable, status, error: 'DOCTOR_HTTP_STATUS' };
  } catch (err) {
    return { url: url.href, reachable: false, error: err instanceof DoctorProbeFailure ? err.code : 'DOCTOR_UNREACHABLE' };
  }
}

const iceServersBody = z.object({
  iceServers: z.array(z.object({ urls: z.array(z.string().max(2048)).max(32), username: z.string().max(513).optional(), credential: z.string().max(1024).optional() })).max(16),
});

/** ICE servers for the holder of `token`, from `GET /api/ice-servers` (zod-checked). */
export async function fetchIceServers(gateway: URL, token: string, timeoutMs: number): Promise<z.infer<typeof iceServersBody>['iceServers']> {
  const url = new URL('/api/ice-servers', gateway);
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new DoctorProbeFailure('DOCTOR_HTTP_STATUS', `${url.href}: HTTP ${res.status}`);
  const parsed = iceServersBody.safeParse(await res.json());
  if (!parsed.success) throw new DoctorProbeFailure('DOCTOR_BAD_RESPONSE', `${url.href}: unexpected body`);
  return parsed.data.iceServers;
}

/** `stun:`/`turn:` URL to host and port (default 3478); `undefined` for other schemes or TLS (`turns:`). */
export function iceUrlHostPort(url: string): (HostPort & { scheme: 'stun' | 'turn'; transport: 'udp' | 'tcp' | undefined }) | undefined {
  const m = /^(stun|turn):(\[[0-9a-fA-F:.]+\]|[^:?\s]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/.exec(url);
  if (m === null) return undefined;
  const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
  const port = m[3] === undefined ? 3478 : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { scheme: m[1] as 'stun' | 'turn', host, port, transport: m[4] as 'udp' | 'tcp' | undefined };
}

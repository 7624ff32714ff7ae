/**
 * `/tunnel/client?device=<id>`: a user's session toward one device. Each
 * stream the client opens starts with a stream request; the grant is checked
 * at that moment (a revoked grant refuses the next stream), then the stream
 * is paired with a new stream on the agent's session.
 */
import type { IncomingMessage } from 'node:http';
import type { P2PStream, SessionConnection } from '@peerlink/sdk';
import {
  GATEWAY_PEER_ID,
  deviceIdSchema,
  encodeStreamHeader,
  establishTunnelSession,
  pipeStreams,
  readStreamHeader,
  streamRequestSchema,
  type StreamResponse,
} from '@peerlink/agent/wire';
import type WebSocket from 'ws';
import type { AuthenticatedUser } from '../core/auth.js';
import type { TunnelContext } from './context.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

export interface ClientIdentity {
  readonly user: AuthenticatedUser;
  readonly deviceId: string;
}

/** Checks the upgrade: a valid user token and a device the user may see. */
export async function authenticateClientUpgrade(
  ctx: TunnelContext,
  req: IncomingMessage,
  url: URL,
  clients: number,
): Promise<{ ok: true; identity: ClientIdentity } | { ok: false; status: number; reason: string }> {
  if (clients >= ctx.options.maxClients) return { ok: false, status: 503, reason: 'too many tunnel clients' };
  const device = deviceIdSchema.safeParse(url.searchParams.get('device'));
  if (!device.success) return { ok: false, status: 400, reason: 'need ?device=<device id>' };
  const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
  if (token === undefined) return { ok: false, status: 401, reason: 'need Authorization: Bearer <token>' };
  let user: AuthenticatedUser;
  try {
    user = await ctx.tokens.verify(token);
  } catch {
    return { ok: false, status: 401, reason: 'invalid token' };
  }
  if (!(await ctx.devices.canAccess(device.data, user.userId))) return { ok: false, status: 404, reason: `no device "${device.data}"` };
  return { ok: true, identity: { user, deviceId: device.data } };
}

/** Runs the session of one client WebSocket; resolves when it ends. */
export async function serveClient(ctx: TunnelContext, ws: WebSocket, who: ClientIdentity): Promise<void> {
  let connection: SessionConnection;
  try {
    ({ connection } = await establishTunnelSession(ws, {
      peerId: GATEWAY_PEER_ID,
      isInitiator: false,
      path: { kind: 'tunnel', reason: 'gateway-tunnel' },
      options: ctx.options.session,
    }));
  } catch {
    ws.terminate();
    return;
  }
  for (;;) {
    const stream = await connection.acceptStream().catch(() => undefined);
    if (stream === undefined) return;
    void serveStream(ctx, who, stream).catch((err: unknown) => {
      ctx.log.warn({ deviceId: who.deviceId, err }, 'tunnel client stream failed');
      stream.reset();
    });
  }
}

async function serveStream(ctx: TunnelContext, who: ClientIdentity, stream: P2PStream): Promise<void> {
  const reader = stream.readable.getReader();
  const writer = stream.writable.getWriter();
  const answer = async (response: StreamResponse, close: boolean): Promise<void> => {
    await writer.write(encodeStreamHeader(response));
    if (close) await writer.close();
  };
  const request = await readStreamHeader(reader, streamRequestSchema);
  if (!request.ok) return answer({ ok: false, code: 'BAD_REQUEST', message: request.detail }, true);
  // The grant as it is now, not as it was when the session started.
  if (!(await ctx.devices.canAccess(who.deviceId, who.user.userId))) {
    ctx.log.info({ deviceId: who.deviceId, user: who.user.username }, 'tunnel stream refused: no grant');
    return answer({ ok: false, code: 'ACCESS_DENIED', message: `${who.user.username} has no access to "${who.deviceId}"` }, true);
  }
  const opened = await ctx.hub.openStream(who.deviceId, request.value.service, who.user.username);
  if (!opened.ok) return answer({ ok: false, code: opened.code, message: opened.message }, true);
  try {
    await answer({ ok: true }, false);
    const agentWriter = opened.stream.writable.getWriter();
    if (request.rest.length > 0) await agentWriter.write(request.rest);
    agentWriter.releaseLock();
    if (opened.rest.length > 0) await writer.write(opened.rest);
    writer.releaseLock();
    reader.releaseLock();
    await pipeStreams(stream, opened.stream);
  } finally {
    opened.release();
  }
}

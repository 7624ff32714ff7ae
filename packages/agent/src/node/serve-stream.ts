/**
 * Serving one inbound stream on the device: read its request, dial only the
 * configured target of the named service (anything else is refused with
 * `UNKNOWN_SERVICE`), answer, then join the TCP connection and the stream.
 */
import { connect, type Socket } from 'node:net';
import type { P2PStream } from '@peerlink/sdk';
import { splitHostPort } from '../config.js';
import { encodeStreamHeader, pipeSocketStream, readStreamHeader, streamRequestSchema, type PipeCounters, type StreamResponse } from '../wire/index.js';

/** How long dialling a service target may take before `TARGET_UNREACHABLE` (ms). */
export const TARGET_CONNECT_TIMEOUT_MS = 5_000;

export interface ServedStream {
  readonly service: string;
  /** The user the gateway says opened the stream, or `server-port`. */
  readonly peer: string;
  readonly counters: PipeCounters;
}

export interface ServeHooks {
  /** The stream was accepted and is now carrying bytes. */
  onOpen(stream: ServedStream): void;
  /** The stream ended (after onOpen). */
  onClose(stream: ServedStream): void;
  /** The stream was refused with a code. */
  onRefused(code: string, detail: string): void;
  /** Whether the opener may use this device now; absent: the transport already checked. */
  authorize?(): Promise<boolean>;
}

export async function serveStream(stream: P2PStream, targets: ReadonlyMap<string, string>, hooks: ServeHooks): Promise<void> {
  const reader = stream.readable.getReader();
  const writer = stream.writable.getWriter();
  const refuse = async (response: Extract<StreamResponse, { ok: false }>): Promise<void> => {
    hooks.onRefused(response.code, response.message);
    await writer.write(encodeStreamHeader(response));
    await writer.close();
    await reader.cancel().catch(() => {});
  };
  const request = await readStreamHeader(reader, streamRequestSchema);
  if (!request.ok) return refuse({ ok: false, code: 'BAD_REQUEST', message: request.detail });
  const target = targets.get(request.value.service);
  if (target === undefined) return refuse({ ok: false, code: 'UNKNOWN_SERVICE', message: `this agent exposes no service "${request.value.service}"` });
  if (hooks.authorize !== undefined && !(await hooks.authorize().catch(() => false))) {
    return refuse({ ok: false, code: 'ACCESS_DENIED', message: 'the gateway does not (or no longer) grant you access to this device' });
  }
  let socket: Socket;
  try {
    socket = await dial(target);
  } catch (err) {
    return refuse({ ok: false, code: 'TARGET_UNREACHABLE', message: `service "${request.value.service}": ${err instanceof Error ? err.message : String(err)}` });
  }
  await writer.write(encodeStreamHeader({ ok: true }));
  writer.releaseLock();
  reader.releaseLock();
  const served: ServedStream = { service: request.value.service, peer: request.value.user ?? 'server-port', counters: { bytesIn: 0, bytesOut: 0 } };
  hooks.onOpen(served);
  try {
    await pipeSocketStream(socket, stream, served.counters, request.rest);
  } finally {
    hooks.onClose(served);
  }
}

function dial(target: string): Promise<Socket> {
  const { host, port } = splitHostPort(target);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true, allowHalfOpen: true });
    const timer = setTimeout(() => socket.destroy(new Error(`connect to ${target} timed out`)), TARGET_CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => {}); // the pipe installs its own handler
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

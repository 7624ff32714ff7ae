/**
 * One forwarded TCP connection over a peerlink connection (tunnel or p2p):
 * opens a stream, sends the service header, waits for the agent's answer,
 * then pipes bytes both ways until both sides end.
 */
import type { Socket } from 'node:net';
import type { P2PConnection } from '@peerlink/sdk';
import { encodeStreamHeader, pipeSocketStream, readStreamHeader, streamResponseSchema } from '../wire/index.js';

export type ForwardOutcome =
  | { readonly ok: true; readonly bytesIn: number; readonly bytesOut: number }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Forwards `socket` (created paused) to `service` over `connection`; `onOpen` runs once the agent accepted. */
export async function forwardSocket(connection: P2PConnection, service: string, socket: Socket, onOpen: () => void = () => {}): Promise<ForwardOutcome> {
  const stream = await connection.openStream();
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  await writer.write(encodeStreamHeader({ service }));
  const answer = await readStreamHeader(reader, streamResponseSchema);
  if (!answer.ok || !answer.value.ok) {
    const code = answer.ok ? (answer.value.ok ? '' : answer.value.code) : 'BAD_REQUEST';
    const message = answer.ok ? (answer.value.ok ? '' : answer.value.message) : answer.detail;
    stream.reset();
    socket.destroy();
    return { ok: false, code, message };
  }
  writer.releaseLock();
  reader.releaseLock();
  onOpen();
  socket.resume();
  const counters = { bytesIn: 0, bytesOut: 0 };
  await pipeSocketStream(socket, stream, counters, answer.rest);
  return { ok: true, ...counters };
}

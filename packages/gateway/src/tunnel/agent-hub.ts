/**
 * The connected agents, one session per device, and opening streams on them.
 * Every open goes through {@link AgentHub.openStream}: it enforces the
 * per-device stream limit, sends the stream request, and waits for the
 * agent's answer so refusals reach the viewer with their code.
 */
import type { P2PStream, SessionConnection } from '@peerlink/sdk';
import { encodeStreamHeader, readStreamHeader, streamResponseSchema, type StreamRefusalCode } from '@peerlink/agent/wire';

export interface AgentEntry {
  readonly deviceId: string;
  readonly connection: SessionConnection;
  readonly services: ReadonlyMap<string, number | null>;
  readonly connectedAt: number;
  openStreams: number;
}

export type OpenResult =
  | { readonly ok: true; readonly stream: P2PStream; readonly rest: Uint8Array; release(): void }
  | { readonly ok: false; readonly code: StreamRefusalCode; readonly message: string };

export class AgentHub {
  readonly #agents = new Map<string, AgentEntry>();
  readonly #maxStreams: number;
  /** Streams opened toward agents since start, by outcome. */
  readonly counters = { opened: 0, refused: 0 };

  constructor(maxStreamsPerDevice: number) {
    this.#maxStreams = maxStreamsPerDevice;
  }

  get size(): number {
    return this.#agents.size;
  }

  get(deviceId: string): AgentEntry | undefined {
    return this.#agents.get(deviceId);
  }

  entries(): IterableIterator<AgentEntry> {
    return this.#agents.values();
  }

  /** Registers a session; returns the one it replaces (the caller closes it). */
  add(entry: AgentEntry): AgentEntry | undefined {
    const previous = this.#agents.get(entry.deviceId);
    this.#agents.set(entry.deviceId, entry);
    return previous;
  }

  /** Removes `entry` if it is still the current session of its device. */
  remove(entry: AgentEntry): boolean {
    if (this.#agents.get(entry.deviceId) !== entry) return false;
    this.#agents.delete(entry.deviceId);
    return true;
  }

  /** Opens a stream to `service` on the device's agent and waits for its answer. */
  async openStream(deviceId: string, service: string, user: string | undefined): Promise<OpenResult> {
    const entry = this.#agents.get(deviceId);
    if (entry === undefined || !entry.connection.isConnected) return this.#refuse('DEVICE_OFFLINE', `device "${deviceId}" is not connected`);
    if (entry.openStreams >= this.#maxStreams) return this.#refuse('STREAM_LIMIT', `device "${deviceId}" has ${this.#maxStreams} open streams`);
    entry.openStreams++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      entry.openStreams--;
    };
    let stream: P2PStream;
    try {
      stream = await entry.connection.openStream();
    } catch (err) {
      release();
      return this.#refuse('STREAM_LIMIT', `cannot open a stream: ${err instanceof Error ? err.message : String(err)}`);
    }
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    try {
      await writer.write(encodeStreamHeader(user === undefined ? { service } : { service, user }));
      const answer = await readStreamHeader(reader, streamResponseSchema);
      if (!answer.ok) throw new Error(answer.detail);
      if (!answer.value.ok) {
        release();
        stream.reset();
        return this.#refuse(answer.value.code, answer.value.message);
      }
      writer.releaseLock();
      reader.releaseLock();
      this.counters.opened++;
      return { ok: true, stream, rest: answer.rest, release };
    } catch (err) {
      release();
      stream.reset();
      return this.#refuse('DEVICE_OFFLINE', `agent did not answer the stream request: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #refuse(code: StreamRefusalCode, message: string): OpenResult {
    this.counters.refused++;
    return { ok: false, code, message };
  }
}

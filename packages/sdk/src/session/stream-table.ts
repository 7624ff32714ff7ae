import { DEFAULT_STREAM_WINDOW } from '@peerlink/protocol';

/** Flow-control and half-close state of one stream (RFC 9113 §5.1-style, reduced). */
export interface StreamState {
  readonly id: number;
  /** Bytes we may still send before the peer grants more. */
  sendCredit: number;
  /** Bytes the peer may still send before we grant more. */
  recvAllowance: number;
  /** Bytes the app consumed that we have not granted back yet. */
  pendingGrant: number;
  localFin: boolean;
  remoteFin: boolean;
}

/** Stream ids: the dialling side uses odd ids, the accepting side even ids (like yamux). */
export class StreamTable {
  readonly #streams = new Map<number, StreamState>();
  #nextLocalId: number;
  #localOpen = 0;
  #remoteOpen = 0;
  readonly #isInitiator: boolean;

  constructor(isInitiator: boolean) {
    this.#isInitiator = isInitiator;
    this.#nextLocalId = isInitiator ? 1 : 2;
  }

  get size(): number {
    return this.#streams.size;
  }

  get(id: number): StreamState | undefined {
    return this.#streams.get(id);
  }

  ids(): number[] {
    return [...this.#streams.keys()];
  }

  isLocalId(id: number): boolean {
    return id % 2 === (this.#isInitiator ? 1 : 0);
  }

  countOpen(local: boolean): number {
    return local ? this.#localOpen : this.#remoteOpen;
  }

  /** Allocates an id for a stream we open; `undefined` when ids ran out. */
  openLocal(recvWindow: number): StreamState | undefined {
    const id = this.#nextLocalId;
    if (id > 0xffff_ffff) return undefined;
    this.#nextLocalId += 2;
    return this.#add(id, DEFAULT_STREAM_WINDOW, recvWindow, true);
  }

  /** Registers a stream the peer opened; `undefined` when the id is ours or already used. */
  openRemote(id: number, sendCredit: number): StreamState | undefined {
    if (this.isLocalId(id) || this.#streams.has(id)) return undefined;
    return this.#add(id, sendCredit, DEFAULT_STREAM_WINDOW, false);
  }

  /** Forgets the stream when both halves are done (or on reset). */
  remove(id: number): void {
    if (!this.#streams.delete(id)) return;
    if (this.isLocalId(id)) this.#localOpen--;
    else this.#remoteOpen--;
  }

  #add(id: number, sendCredit: number, recvAllowance: number, local: boolean): StreamState {
    const state: StreamState = { id, sendCredit, recvAllowance, pendingGrant: 0, localFin: false, remoteFin: false };
    this.#streams.set(id, state);
    if (local) this.#localOpen++;
    else this.#remoteOpen++;
    return state;
  }
}

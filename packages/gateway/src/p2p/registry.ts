/**
 * Which socket holds which peer id, and which user owns it. Pure bookkeeping
 * (no I/O): the driver in `signaling.ts` asks and tells.
 */

export interface PeerOwner {
  readonly socketId: string;
  readonly userId: string;
}

export type ClaimResult = { readonly ok: true; readonly replaced: string | undefined } | { readonly ok: false; readonly code: 'PEER_ID_IN_USE' | 'TOO_MANY_PEER_IDS' };

/** How many released peer ids keep their owner on record (for `p2p:authorize` after the dialer left). */
export const RECENT_OWNERS_LIMIT = 10_000;

export class PeerRegistry {
  readonly #owners = new Map<string, PeerOwner>();
  /** Owner user of every peer id claimed lately, live or released; oldest dropped first. */
  readonly #recentUsers = new Map<string, string>();
  readonly #bySocket = new Map<string, Set<string>>();

  constructor(private readonly maxPeerIdsPerSocket: number) {}

  get size(): number {
    return this.#owners.size;
  }

  lookup(peerId: string): PeerOwner | undefined {
    return this.#owners.get(peerId);
  }

  /** The user who owns `peerId` now, or owned it last (bounded memory). */
  ownerUser(peerId: string): string | undefined {
    return this.#owners.get(peerId)?.userId ?? this.#recentUsers.get(peerId);
  }

  /** True when `socketId` registered `peerId`. */
  holds(socketId: string, peerId: string): boolean {
    return this.#owners.get(peerId)?.socketId === socketId;
  }

  /**
   * Gives `peerId` to the socket. Another socket of the same user loses it
   * (reconnect, second tab); a socket of another user keeps it.
   */
  claim(peerId: string, owner: PeerOwner): ClaimResult {
    const current = this.#owners.get(peerId);
    if (current !== undefined && current.userId !== owner.userId) return { ok: false, code: 'PEER_ID_IN_USE' };
    const held = this.#bySocket.get(owner.socketId) ?? new Set<string>();
    if (!held.has(peerId) && held.size >= this.maxPeerIdsPerSocket) return { ok: false, code: 'TOO_MANY_PEER_IDS' };
    if (current !== undefined && current.socketId !== owner.socketId) this.#bySocket.get(current.socketId)?.delete(peerId);
    held.add(peerId);
    this.#bySocket.set(owner.socketId, held);
    this.#owners.set(peerId, owner);
    this.#recentUsers.delete(peerId);
    this.#recentUsers.set(peerId, owner.userId);
    if (this.#recentUsers.size > RECENT_OWNERS_LIMIT) {
      const oldest = this.#recentUsers.keys().next().value;
      if (oldest !== undefined) this.#recentUsers.delete(oldest);
    }
    return { ok: true, replaced: current !== undefined && current.socketId !== owner.socketId ? current.socketId : undefined };
  }

  release(socketId: string, peerId: string): void {
    if (!this.holds(socketId, peerId)) return;
    this.#owners.delete(peerId);
    this.#bySocket.get(socketId)?.delete(peerId);
  }

  /** Drops everything the socket held; returns the peer ids released. */
  releaseSocket(socketId: string): string[] {
    const held = [...(this.#bySocket.get(socketId) ?? [])];
    for (const peerId of held) if (this.holds(socketId, peerId)) this.#owners.delete(peerId);
    this.#bySocket.delete(socketId);
    return held;
  }
}

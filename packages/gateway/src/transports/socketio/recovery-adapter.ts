/**
 * Connection state recovery with a bounded replay buffer. Socket.IO's own
 * `SessionAwareAdapter` keeps every emitted packet and prunes once a minute,
 * so at a sustained rate R it holds up to R × (grace + 60 s) packets (at the
 * benchmark's 20k relays/s: over a million, and the garbage collector walks
 * them all). This adapter keeps the same protocol (the offset id appended to
 * each event packet, sessions kept for the grace period, missed packets
 * replayed to the session's rooms) but holds a packet only for the grace
 * period and never more than `maxPackets` packets: the oldest go first.
 *
 * A client whose last seen packet has left the buffer is not recovered
 * (`socket.recovered` is false, it gets a new socket id); the call core then
 * rebinds the participant to the new socket, so only the dropped packets are
 * lost. Offsets are consecutive base-36 numbers, so finding one is O(1).
 */
import { Adapter, type BroadcastOptions, type PrivateSessionId, type Room, type Session } from 'socket.io-adapter';

export interface RecoveryBufferOptions {
  /** How long a disconnected session and an emitted packet stay available, ms (Socket.IO's `maxDisconnectionDuration`). */
  readonly windowMs: number;
  /** Most packets held for replay, over all sockets of the namespace; the oldest are dropped first. */
  readonly maxPackets: number;
  /** Clock, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
}

type PersistedSession = Parameters<Adapter['persistSession']>[0];

/**
 * A held packet. Most packets go to one room (a socket, a user) with no
 * exceptions: then only that room is kept, not the broadcast options (two Sets
 * and a flags object), since whatever a packet retains the garbage collector
 * copies and walks for as long as the packet is held.
 */
interface StoredPacket {
  readonly seq: number;
  readonly emittedAt: number;
  readonly room: Room | undefined;
  readonly opts: BroadcastOptions | undefined;
  readonly data: unknown[];
}

/** Socket.IO packet type of an event (`socket.io-parser`'s `PacketType.EVENT`). */
const EVENT_PACKET = 2;
/** Dropped slots at the front are compacted away once there are this many (and they outnumber the live ones). */
const COMPACT_AFTER = 1_024;
const OFFSET = /^[0-9a-z]{1,10}$/;

function shouldReplay(sessionRooms: readonly Room[], packet: StoredPacket): boolean {
  if (packet.room !== undefined) return sessionRooms.includes(packet.room);
  const opts = packet.opts as BroadcastOptions;
  const included = opts.rooms.size === 0 || sessionRooms.some((room) => opts.rooms.has(room));
  return included && !sessionRooms.some((room) => opts.except?.has(room) === true);
}

/** The adapter class to pass as Socket.IO's `adapter` option together with `connectionStateRecovery`. */
export function createRecoveryAdapter(options: RecoveryBufferOptions): typeof Adapter {
  const { windowMs, maxPackets } = options;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(maxPackets) || maxPackets < 1) throw new RangeError('recovery buffer maxPackets must be a positive integer');

  return class RecoveryAdapter extends Adapter {
    private readonly sessions = new Map<PrivateSessionId, PersistedSession & { readonly disconnectedAt: number }>();
    private packets: StoredPacket[] = [];
    /** Index of the oldest packet still held. */
    private head = 0;
    private nextSeq = 0;
    private readonly sweeper = setInterval(() => this.expire(now()), windowMs).unref();

    override close(): void {
      clearInterval(this.sweeper);
      this.sessions.clear();
      this.packets = [];
      this.head = 0;
    }

    /** Packets held for replay. */
    get heldPackets(): number {
      return this.packets.length - this.head;
    }

    override persistSession(session: PersistedSession): void {
      const at = now();
      this.expire(at);
      this.sessions.set(session.pid, { ...session, disconnectedAt: at });
    }

    override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
      const at = now();
      this.expire(at);
      const session = this.sessions.get(pid);
      this.sessions.delete(pid);
      const first = this.packets[this.head];
      const seq = OFFSET.test(offset) ? Number.parseInt(offset, 36) : -1;
      // The last packet the client saw must still be held (or be the newest, with nothing missed since).
      const known = seq === this.nextSeq - 1 || (first !== undefined && seq >= first.seq && seq < this.nextSeq);
      if (session === undefined || !known) return Promise.resolve(null as unknown as Session); // Socket.IO: null = not recovered
      const missedPackets: unknown[][] = [];
      const start = first === undefined ? this.packets.length : this.head + (seq + 1 - first.seq);
      for (let i = start; i < this.packets.length; i++) {
        const packet = this.packets[i] as StoredPacket;
        if (shouldReplay(session.rooms, packet)) missedPackets.push(packet.data);
      }
      const { sid, pid: restoredPid, rooms, data } = session;
      return Promise.resolve({ sid, pid: restoredPid, rooms, data, missedPackets });
    }

    override broadcast(packet: { type: number; id?: number; data: unknown[] }, opts: BroadcastOptions): void {
      // As SessionAwareAdapter: events without an ack, not volatile, get an offset and are held for replay.
      if (packet.type === EVENT_PACKET && packet.id === undefined && opts.flags?.volatile === undefined) {
        const at = now();
        const seq = this.nextSeq++;
        packet.data.push(seq.toString(36));
        const single = opts.rooms.size === 1 && (opts.except === undefined || opts.except.size === 0);
        const room = single ? (opts.rooms.values().next().value as Room) : undefined;
        this.packets.push({ seq, emittedAt: at, room, opts: single ? undefined : opts, data: packet.data });
        this.trim(at);
      }
      super.broadcast(packet, opts);
    }

    /** Drops packets older than the window or beyond the count limit (amortised O(1) per packet). */
    private trim(at: number): void {
      const threshold = at - windowMs;
      const packets = this.packets;
      let head = this.head;
      while (head < packets.length && (packets.length - head > maxPackets || (packets[head] as StoredPacket).emittedAt < threshold)) {
        head += 1;
      }
      if (head >= COMPACT_AFTER && head * 2 >= packets.length) {
        this.packets = packets.slice(head);
        head = 0;
      }
      this.head = head;
    }

    private expire(at: number): void {
      this.trim(at);
      // Insertion order is disconnection order, so the expired sessions come first.
      for (const [pid, session] of this.sessions) {
        if (session.disconnectedAt + windowMs >= at) break;
        this.sessions.delete(pid);
      }
    }
  };
}

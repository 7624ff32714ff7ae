/**
 * How the core answers requests.
 *
 * Authenticated replies carry SOFTWARE and MESSAGE-INTEGRITY (same algorithm
 * as the request). Unauthenticated replies (Binding, 401, 438, 400, 420…)
 * carry neither, are rate-limited per source IP, and are bounded in size to
 * limit amplification: never larger than the request, or — unless
 * `strictReplySize` — than the smallest possible 401 challenge for our realm.
 * The floor exists because real clients open with tiny requests that a
 * challenge can never fit under (Chromium: a 20-byte Binding and a 28-byte
 * Allocate, measured); with `strictReplySize` they are silently dropped.
 * FINGERPRINT is added to a reply when the request carried one.
 */
import { Attr, StunClass, StunMessageBuilder, getAttribute, type StunMessage } from '@peerlink/protocol';
import type { DropReason, RefusalReason, TurnAction } from './actions.js';
import type { Session } from './allocation.js';
import type { FiveTuple } from './five-tuple.js';
import { NONCE_LENGTH, type NonceIssuer } from './nonce.js';
import type { SourceRateLimiter } from './source-rate-limiter.js';

/** Reason phrases (RFC 8489 §14.8, RFC 8656 §18). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  420: 'Unknown Attribute',
  437: 'Allocation Mismatch',
  438: 'Stale Nonce',
  440: 'Address Family not Supported',
  441: 'Wrong Credentials',
  442: 'Unsupported Transport Protocol',
  443: 'Peer Address Family Mismatch',
  486: 'Allocation Quota Reached',
  500: 'Server Error',
  508: 'Insufficient Capacity',
};

const pad4 = (n: number): number => (n + 3) & ~3;

export type Decorate = (builder: StunMessageBuilder) => void;

export interface ReplierInit {
  readonly realm: string;
  readonly software: string | undefined;
  readonly strictReplySize: boolean;
  readonly nonces: NonceIssuer;
  readonly limiter: SourceRateLimiter;
}

export class Replier {
  readonly #init: ReplierInit;
  readonly #realmBytes: number;
  /** Size of the smallest 401 we can send (with FINGERPRINT): the unauthenticated size floor. */
  readonly challengeBytes: number;

  constructor(init: ReplierInit) {
    this.#init = init;
    this.#realmBytes = new TextEncoder().encode(init.realm).length;
    this.challengeBytes = 20 + 8 + 4 + pad4(this.#realmBytes) + 4 + pad4(NONCE_LENGTH) + 8;
  }

  /** A reply to an authenticated request (or to one remembered as a {@link ReplyTo}). */
  authenticated(request: StunMessage | ReplyTo, tuple: FiveTuple, cls: StunClass, session: Session, decorate: Decorate): TurnAction {
    const to = 'raw' in request ? replyTo(request) : request;
    const builder = new StunMessageBuilder(to.method, cls, to.transactionId);
    decorate(builder);
    if (this.#init.software !== undefined) builder.addString(Attr.SOFTWARE, this.#init.software);
    const bytes = builder.build({ integrity: { key: session.key, algorithm: session.algorithm }, fingerprint: to.fingerprint });
    return { type: 'send-to-client', fiveTuple: tuple, bytes };
  }

  /** An authenticated error response plus its `refused` record. */
  authenticatedError(request: StunMessage | ReplyTo, tuple: FiveTuple, session: Session, code: number, reason: RefusalReason, decorate?: Decorate): TurnAction[] {
    const send = this.authenticated(request, tuple, StunClass.ErrorResponse, session, (b) => {
      b.addErrorCode(code, REASON_PHRASES[code] ?? '');
      decorate?.(b);
    });
    return [send, { type: 'refused', code, reason }];
  }

  /** A reply to an unauthenticated request, subject to the rate limit and size bound. */
  unauthenticated(request: StunMessage, tuple: FiveTuple, now: number, build: (reasonPhrases: boolean) => StunMessageBuilder): TurnAction[] {
    if (!this.#init.limiter.allow(tuple.client.address, now)) return [drop('rate-limited')];
    const limit = this.#init.strictReplySize ? request.raw.length : Math.max(request.raw.length, this.challengeBytes);
    const fingerprint = hasFingerprint(request);
    for (const phrases of [true, false]) {
      const bytes = build(phrases).build({ fingerprint });
      if (bytes.length <= limit) return [{ type: 'send-to-client', fiveTuple: tuple, bytes }];
    }
    return [drop('reply-too-large')];
  }

  /** An unauthenticated error response (optionally with REALM and a fresh NONCE) plus its `refused` record. */
  unauthenticatedError(
    request: StunMessage,
    tuple: FiveTuple,
    now: number,
    code: number,
    reason: RefusalReason,
    options: { readonly challenge?: boolean; readonly unknown?: readonly number[] } = {},
  ): TurnAction[] {
    const actions = this.unauthenticated(request, tuple, now, (phrases) => {
      const b = new StunMessageBuilder(request.method, StunClass.ErrorResponse, request.transactionId);
      b.addErrorCode(code, phrases ? (REASON_PHRASES[code] ?? '') : '');
      if (options.unknown !== undefined) b.addUnknownAttributes(options.unknown);
      if (options.challenge === true) {
        b.addString(Attr.REALM, this.#init.realm);
        b.addString(Attr.NONCE, this.#init.nonces.issue(tuple.client.address, now));
      }
      return b;
    });
    const sent = actions.some((a) => a.type === 'send-to-client');
    return sent ? [...actions, { type: 'refused', code, reason }] : actions;
  }
}

/** What a reply needs to know about its request. */
export interface ReplyTo {
  readonly method: number;
  readonly transactionId: Uint8Array;
  /** Whether the request carried FINGERPRINT (the reply then does too). */
  readonly fingerprint: boolean;
}

export function replyTo(request: StunMessage): ReplyTo {
  return { method: request.method, transactionId: request.transactionId, fingerprint: hasFingerprint(request) };
}

export function hasFingerprint(message: StunMessage): boolean {
  return getAttribute(message, Attr.FINGERPRINT) !== undefined;
}

export function drop(reason: DropReason): TurnAction {
  return { type: 'drop', reason };
}

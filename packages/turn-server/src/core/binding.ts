/**
 * Binding requests (RFC 8489 §3): the client's reflexive address in
 * XOR-MAPPED-ADDRESS. With an alternate listener configured, responses also
 * carry RESPONSE-ORIGIN (the address that answered) and OTHER-ADDRESS (the
 * other listener) in the style of RFC 5780 §7.3, so a client can compare the
 * mapped address seen by two server ports and detect endpoint-dependent
 * mapping. CHANGE-REQUEST is not supported: it needs a second IP and makes a
 * reflector out of the server.
 */
import { Attr, StunClass, StunMessageBuilder, unknownComprehensionRequired, type StunMessage } from '@peerlink/protocol';
import type { TurnAction } from './actions.js';
import type { FiveTuple, TransportAddress } from './five-tuple.js';
import type { Replier } from './replies.js';

/** The two listeners of a server with an alternate port (RFC 5780 style). */
export interface AlternateListener {
  /** The main STUN/TURN listener, as advertised to clients. */
  readonly primary: TransportAddress;
  /** The Binding-only alternate listener (other port, optionally other IP), as advertised. */
  readonly alternate: TransportAddress;
}

/** Comprehension-required attributes a Binding request may carry (ICE connectivity checks included). */
export const BINDING_KNOWN_ATTRIBUTES: ReadonlySet<number> = new Set<number>([Attr.USERNAME, Attr.MESSAGE_INTEGRITY, Attr.MESSAGE_INTEGRITY_SHA256, Attr.PRIORITY, Attr.USE_CANDIDATE]);

const sameAddress = (a: TransportAddress, b: TransportAddress): boolean => a.port === b.port && a.address === b.address;

/**
 * Answers a Binding request received on `tuple.server`. The unauthenticated
 * size bound applies: when the RFC 5780 attributes do not fit (IPv6), the
 * compact response with only XOR-MAPPED-ADDRESS is sent.
 */
export function handleBinding(replies: Replier, request: StunMessage, tuple: FiveTuple, now: number, listeners: AlternateListener | undefined): TurnAction[] {
  const unknown = unknownComprehensionRequired(request, BINDING_KNOWN_ATTRIBUTES);
  if (unknown.length > 0) return replies.unauthenticatedError(request, tuple, now, 420, 'unknown-attribute', { unknown });
  return replies.unauthenticated(request, tuple, now, (full) => {
    const b = new StunMessageBuilder(request.method, StunClass.SuccessResponse, request.transactionId).addXorAddress(Attr.XOR_MAPPED_ADDRESS, tuple.client);
    if (full && listeners !== undefined) {
      const onAlternate = sameAddress(tuple.server, listeners.alternate);
      b.addAddress(Attr.RESPONSE_ORIGIN, onAlternate ? listeners.alternate : listeners.primary);
      b.addAddress(Attr.OTHER_ADDRESS, onAlternate ? listeners.primary : listeners.alternate);
    }
    return b;
  });
}

import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser, TokenVerifier } from '../core/auth.js';
import { GatewayError } from '../errors.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * The user of a request carrying `Authorization: Bearer <token>`. Missing,
 * malformed, bad or expired tokens → `GatewayError('UNAUTHENTICATED')` (401).
 */
export async function requireUser(request: FastifyRequest, tokens: TokenVerifier): Promise<AuthenticatedUser> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') throw new GatewayError('UNAUTHENTICATED', 'missing Authorization: Bearer token');
  const match = BEARER.exec(header);
  if (!match?.[1]) throw new GatewayError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token>"');
  return tokens.verify(match[1]);
}

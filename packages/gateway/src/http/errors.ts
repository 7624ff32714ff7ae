/**
 * One error shape for the whole API: `{error: {code, message}}` with a
 * stable `code` (see `ERROR_CODES`). Fastify's own errors (bad JSON, body
 * too large, wrong content type, rate limit) are mapped onto those codes;
 * unexpected errors become 500 `INTERNAL` without details (they are logged).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type ErrorCode, isGatewayError } from '../errors.js';
import { describeIssues } from './schemas.js';

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Status → code for errors raised by Fastify and its plugins. */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'ACCESS_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}

function isFastifyError(err: unknown): err is FastifyError & { statusCode: number } {
  return err instanceof Error && 'statusCode' in err && typeof err.statusCode === 'number';
}

export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (isGatewayError(err)) {
    // Internal failures keep their detail in the log, not in the response.
    const message = err.status >= 500 && err.code === 'INTERNAL' ? 'internal error' : err.message;
    return { status: err.status, body: errorBody(err.code, message) };
  }
  if (err instanceof z.ZodError) return { status: 400, body: errorBody('VALIDATION_FAILED', describeIssues(err, 'request')) };
  if (isFastifyError(err) && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, body: errorBody(codeForStatus(err.statusCode), err.message) };
  }
  return { status: 500, body: errorBody('INTERNAL', 'internal error') };
}

function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorResponse(err);
  if (status >= 500) request.log.error({ err }, 'request failed');
  return reply.code(status).send(body);
}

/** Installs the error handler on `app` (an encapsulated context). */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
}

/**
 * Installs the JSON 404 handler. Only on the `/api` prefix: the root 404
 * handler belongs to the composition root (it may serve the web app).
 */
export function installNotFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url}`)));
}

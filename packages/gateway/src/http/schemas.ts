/**
 * Request schemas of the HTTP API (zod: parse, don't cast) and the limits
 * they enforce. Every limit here is part of the documented API.
 */
import { z } from 'zod';

/** Largest accepted request body, bytes (larger → 413 `PAYLOAD_TOO_LARGE`). */
export const HTTP_BODY_LIMIT_BYTES = 64 * 1024;
/** Usernames: 3–32 characters from `[a-zA-Z0-9_.-]`, unique case-insensitively. */
export const USERNAME_PATTERN = /^[a-zA-Z0-9_.-]{3,32}$/;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
/** Usernames listed in `POST /api/chats` `members`. */
export const CHAT_MEMBERS_MIN = 1;
/** A chat holds at most this many members, creator included. */
export const CHAT_MEMBERS_MAX = 16;
export const CHAT_TITLE_MAX_LENGTH = 100;

export const username = z.string().regex(USERNAME_PATTERN, 'must be 3–32 characters of letters, digits, "_", "." or "-"');

export const credentialsBody = z.strictObject({
  username,
  password: z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});
export type CredentialsBody = z.infer<typeof credentialsBody>;

/** Login checks only the shape: a wrong-format username simply does not match. */
export const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export const createChatBody = z.strictObject({
  members: z.array(username).min(CHAT_MEMBERS_MIN).max(CHAT_MEMBERS_MAX),
  title: z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(CHAT_TITLE_MAX_LENGTH)
    .nullish()
    .transform((t) => t ?? null),
});

/** Query of `GET /api/calls`; `limit` defaults to 50, at most 200. */
export const listCallsQuery = z.object({
  chatId: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Formats zod issues as `field: problem; field: problem`. */
export function describeIssues(error: z.ZodError, where: string): string {
  const problems = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  return `invalid ${where}: ${problems.join('; ')}`;
}

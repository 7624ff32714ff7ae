/**
 * Generated secrets: when `PEERLINK_JWT_SECRET` or `PEERLINK_TURN_SECRET` is not
 * given, a random one is generated once and kept in `<dataDir>/secrets.json`
 * (mode 0600), so tokens and TURN credentials survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { GatewayError } from './errors.js';

export const SECRETS_FILE = 'secrets.json';

export interface Secrets {
  readonly jwtSecret: string;
  readonly turnSecret: string;
}

const fileSchema = z.object({
  jwtSecret: z.string().min(16).optional(),
  turnSecret: z.string().min(16).optional(),
});

function generate(): string {
  return randomBytes(32).toString('base64url');
}

async function readSecretsFile(path: string): Promise<z.infer<typeof fileSchema>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new GatewayError('BAD_REQUEST', `${path} is not valid JSON; fix or delete it`, { cause: err });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new GatewayError('BAD_REQUEST', `${path} is malformed: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}

/**
 * Returns the secrets to use: given values win; missing ones come from the
 * secrets file, or are generated and written there atomically.
 */
export async function resolveSecrets(
  dataDir: string,
  given: { jwtSecret: string | undefined; turnSecret: string | undefined },
): Promise<Secrets> {
  const path = join(dataDir, SECRETS_FILE);
  if (given.jwtSecret !== undefined && given.turnSecret !== undefined) {
    return { jwtSecret: given.jwtSecret, turnSecret: given.turnSecret };
  }
  await mkdir(dataDir, { recursive: true });
  const stored = await readSecretsFile(path);
  const next = { jwtSecret: stored.jwtSecret ?? generate(), turnSecret: stored.turnSecret ?? generate() };
  if (next.jwtSecret !== stored.jwtSecret || next.turnSecret !== stored.turnSecret) {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  }
  return { jwtSecret: given.jwtSecret ?? next.jwtSecret, turnSecret: given.turnSecret ?? next.turnSecret };
}

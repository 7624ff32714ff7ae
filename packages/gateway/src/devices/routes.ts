/**
 * Device registry HTTP API (issue 5):
 *
 *   POST   /api/devices                      {id, name?, services?} → 201 {device, credential}
 *   GET    /api/devices                      → {devices}: owned and granted
 *   GET    /api/devices/:id                  → device (404 unless owner or grantee)
 *   POST   /api/devices/:id/grants           {username} → 200 device (owner only)
 *   DELETE /api/devices/:id/grants/:username → 204 (owner only)
 *   DELETE /api/devices/:id                  → 204 (owner only; disconnects the agent)
 *
 * Devices a user may not see answer 404 (existence is not leaked); a grantee
 * changing what only the owner may change gets 403 `ACCESS_DENIED`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { deviceIdSchema, serviceNameSchema } from '@peerlink/agent/wire';
import type { AuthenticatedUser, TokenVerifier } from '../core/auth.js';
import type { UserStore } from '../core/ports.js';
import { GatewayError } from '../errors.js';
import { requireUser } from '../http/auth-guard.js';
import { installErrorHandler } from '../http/errors.js';
import { describeIssues, HTTP_BODY_LIMIT_BYTES, username } from '../http/schemas.js';
import { generateDeviceCredential, hashDeviceCredential } from './credentials.js';
import type { Device } from './model.js';
import type { SqlDeviceStore } from './store.js';

/** Most services one device may declare. */
export const MAX_DEVICE_SERVICES = 64;
export const DEVICE_NAME_MAX_LENGTH = 100;

export const createDeviceBody = z.strictObject({
  id: deviceIdSchema,
  name: z.string().trim().min(1).max(DEVICE_NAME_MAX_LENGTH).optional(),
  services: z.array(serviceNameSchema).max(MAX_DEVICE_SERVICES).optional(),
});
const grantBody = z.strictObject({ username });
const idParams = z.object({ id: deviceIdSchema });
const grantParams = z.object({ id: deviceIdSchema, username: z.string().min(1).max(64) });

export interface DeviceRoutesDeps {
  readonly devices: SqlDeviceStore;
  readonly users: Pick<UserStore, 'findUsersByUsernames'>;
  readonly tokens: TokenVerifier;
  /** Clock in epoch ms. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /** Host shown in `reachableAt` of server ports. Default `127.0.0.1`. */
  readonly serverHost?: string | undefined;
  /** Called after a device was deleted (the tunnel relay disconnects its agent). */
  readonly onDeviceDeleted?: ((id: string) => void) | undefined;
}

export interface DeviceView {
  id: string;
  name: string | null;
  owner: string;
  status: Device['status'];
  mode: Device['mode'];
  lastSeen: string | null;
  publicKey: string | null;
  peerId: string | null;
  createdAt: string;
  services: { name: string; serverPort: number | null; reachableAt: string | null }[];
  /** Only for the owner. */
  grants?: string[];
}

export function deviceView(device: Device, viewer: string, serverHost = '127.0.0.1'): DeviceView {
  return {
    id: device.id,
    name: device.name,
    owner: device.ownerUsername,
    status: device.status,
    mode: device.mode,
    lastSeen: device.lastSeen === null ? null : new Date(device.lastSeen).toISOString(),
    publicKey: device.publicKey,
    peerId: device.peerId,
    createdAt: new Date(device.createdAt).toISOString(),
    services: device.services.map((s) => ({ ...s, reachableAt: s.serverPort === null ? null : `${serverHost}:${s.serverPort}` })),
    ...(device.ownerId === viewer ? { grants: [...device.grants] } : {}),
  };
}

/** Registers the routes under `/api/devices` in their own encapsulated context. */
export async function registerDeviceRoutes(app: FastifyInstance, deps: DeviceRoutesDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  const host = deps.serverHost ?? '127.0.0.1';
  const visible = async (id: string, user: AuthenticatedUser): Promise<Device> => {
    const device = await deps.devices.getDevice(id);
    if (device === undefined || !(device.ownerId === user.userId || (await deps.devices.canAccess(id, user.userId)))) {
      throw new GatewayError('NOT_FOUND', `no device "${id}"`);
    }
    return device;
  };
  const owned = async (id: string, user: AuthenticatedUser): Promise<Device> => {
    const device = await visible(id, user);
    if (device.ownerId !== user.userId) throw new GatewayError('ACCESS_DENIED', `only the owner of "${id}" may do that`);
    return device;
  };
  const parse = <T>(schema: z.ZodType<T>, value: unknown, where: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new GatewayError('VALIDATION_FAILED', describeIssues(parsed.error, where));
    return parsed.data;
  };
  const conflict = (reply: FastifyReply, id: string): FastifyReply =>
    reply.code(409).send({ error: { code: 'DEVICE_EXISTS', message: `device "${id}" already exists` } });

  await app.register(
    async (api) => {
      installErrorHandler(api);
      api.post('/', { bodyLimit: HTTP_BODY_LIMIT_BYTES }, async (request, reply) => {
        const user = await requireUser(request, deps.tokens);
        const body = parse(createDeviceBody, request.body, 'device');
        if ((await deps.devices.findSecret(body.id)) !== undefined) return conflict(reply, body.id);
        const credential = generateDeviceCredential();
        try {
          await deps.devices.createDevice({ id: body.id, ownerId: user.userId, name: body.name ?? null, credentialHash: hashDeviceCredential(credential), services: body.services ?? [], createdAt: now() });
        } catch (err) {
          if (err instanceof GatewayError && err.code === 'BAD_REQUEST') return conflict(reply, body.id);
          throw err;
        }
        const device = await visible(body.id, user);
        return reply.code(201).send({ device: deviceView(device, user.userId, host), credential });
      });
      api.get('/', async (request) => {
        const user = await requireUser(request, deps.tokens);
        const devices = await deps.devices.listDevicesForUser(user.userId);
        return { devices: devices.map((d) => deviceView(d, user.userId, host)) };
      });
      api.get('/:id', async (request) => {
        const user = await requireUser(request, deps.tokens);
        const { id } = parse(idParams, request.params, 'device id');
        return deviceView(await visible(id, user), user.userId, host);
      });
      api.post('/:id/grants', { bodyLimit: HTTP_BODY_LIMIT_BYTES }, async (request) => {
        const user = await requireUser(request, deps.tokens);
        const { id } = parse(idParams, request.params, 'device id');
        const body = parse(grantBody, request.body, 'grant');
        const device = await owned(id, user);
        const [grantee] = await deps.users.findUsersByUsernames([body.username]);
        if (grantee === undefined) throw new GatewayError('NOT_FOUND', `no user "${body.username}"`);
        if (grantee.id !== device.ownerId) await deps.devices.grant(id, grantee.id, now());
        return deviceView(await visible(id, user), user.userId, host);
      });
      api.delete('/:id/grants/:username', async (request, reply) => {
        const user = await requireUser(request, deps.tokens);
        const { id, username: name } = parse(grantParams, request.params, 'grant');
        await owned(id, user);
        const [grantee] = await deps.users.findUsersByUsernames([name]);
        if (grantee === undefined || !(await deps.devices.revoke(id, grantee.id))) throw new GatewayError('NOT_FOUND', `"${name}" has no grant on "${id}"`);
        return reply.code(204).send();
      });
      api.delete('/:id', async (request, reply) => {
        const user = await requireUser(request, deps.tokens);
        const { id } = parse(idParams, request.params, 'device id');
        await owned(id, user);
        await deps.devices.deleteDevice(id);
        deps.onDeviceDeleted?.(id);
        return reply.code(204).send();
      });
    },
    { prefix: '/api/devices' },
  );
}

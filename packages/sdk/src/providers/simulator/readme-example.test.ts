import { describe, expect, it } from 'vitest';
import { isP2PError, readAll, SimulatorNetwork } from '../../index.js';

describe('README example', () => {
  it('runs as documented', async () => {
    const network = new SimulatorNetwork({ env: false, seed: 42, relay: true, defaults: { latencyMs: 30, packetLoss: 0.05 } });
    const camera = network.createProvider({ name: 'camera', nat: 'symmetric' });
    const viewer = network.createProvider({ name: 'viewer', nat: 'endpoint-independent' });
    const listener = await camera.listen();
    const served = (async () => {
      for await (const conn of listener) {
        const stream = await conn.acceptStream();
        const writer = stream.writable.getWriter();
        await writer.write(new TextEncoder().encode('hello'));
        await writer.close();
        return new Promise<string>((resolve) => conn.once('closed', (e) => resolve(e.reason)));
      }
      return '';
    })();
    const conn = await viewer.connect(camera.localPeerId);
    expect(conn.path).toEqual({ kind: 'relay', reason: 'symmetric-nat-one-side', local: 'relay', remote: 'relay' });
    const stream = await conn.openStream();
    await stream.writable.close();
    expect(new TextDecoder().decode(await readAll(stream))).toBe('hello');
    await conn.close('bye');
    expect(await served).toBe('bye');
    await listener.close();
    network.relay = false;
    const other = network.createProvider({ nat: 'symmetric' });
    await other.listen();
    const failure: unknown = await network.createProvider({ nat: 'symmetric' }).connect(other.localPeerId).catch((e: unknown) => e);
    expect(isP2PError(failure, 'CONNECTION_FAILED')).toBe(true);
  });
});

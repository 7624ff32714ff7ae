import { peerIdFromPublicKey } from '@peerlink/protocol';
import { runProviderCompliance } from '../../contract/compliance.js';
import { SimulatorNetwork } from './network.js';

runProviderCompliance('SimulatorProvider', async () => {
  const network = new SimulatorNetwork({ env: false, seed: 'compliance' });
  const providers: { close(): Promise<void> }[] = [];
  return {
    createProvider: async () => {
      const provider = network.createProvider();
      providers.push(provider);
      return provider;
    },
    unknownPeerId: () => peerIdFromPublicKey(new Uint8Array(32).fill(0xab)),
    settle: () => network.runUntilIdle(),
    close: async () => {
      await Promise.all(providers.map((p) => p.close()));
      await network.runUntilIdle();
    },
  };
});

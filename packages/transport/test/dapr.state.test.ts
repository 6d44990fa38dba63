/** The StateStore contract against a real daprd with the PostgreSQL v2 state store. */
import { afterAll, beforeAll, describe } from 'vitest';
import { DaprStateStore } from '../src/index.js';
import { runStateStoreContract } from './state-store.contract.js';
import { components, Sidecar } from './dapr.sidecar.js';

describe('Dapr state store (daprd + state.postgresql v2)', () => {
  let sidecar: Sidecar | undefined;
  beforeAll(async () => {
    sidecar = await Sidecar.start({ appId: 'state-test', resources: { 'statestore.yaml': components.statestore() } });
  });
  afterAll(async () => {
    await sidecar?.stop();
  });

  runStateStoreContract('DaprStateStore', async () => {
    if (!sidecar) throw new Error('daprd did not start');
    return { store: new DaprStateStore({ client: sidecar.client, storeName: 'statestore' }), close: async () => undefined };
  });
});

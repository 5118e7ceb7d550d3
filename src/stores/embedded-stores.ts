import path from 'node:path'
import Keyv from 'keyv'
import { cacheCodec } from '../cache/cache-codec.js'
import { LmdbKeyvStore } from '../cache/lmdb-keyv-store.js'
import { processLocalLock } from '../cache/single-flight.js'
import { EmbeddedLedger } from '../quota/embedded-ledger.js'
import { LmdbTokenStore } from '../stet/persistent-token-stores.js'
import type { StateStoreDeps, StateStores } from './state-stores.js'

/** lmdb under DATA_DIR: one process owns it; its in-process single-flight is the whole story. */
export async function openEmbeddedStores(
  options: { dataDir: string; trustEmptyStore: boolean },
  deps: StateStoreDeps,
): Promise<StateStores> {
  const ledger = new EmbeddedLedger({
    dir: path.join(options.dataDir, 'quota'),
    policy: deps.policy,
    clock: deps.clock,
    trustEmptyStore: options.trustEmptyStore,
  })
  const cacheStore = new LmdbKeyvStore(path.join(options.dataDir, 'cache'))
  // keyv's expiry is wall-clock time (Date.now), whatever clock the gateway runs on.
  await cacheStore.sweepExpired(Date.now())
  const sweep = setInterval(() => void cacheStore.sweepExpired(Date.now()).catch(() => undefined), 3600_000)
  sweep.unref()
  const tokenStore = new LmdbTokenStore({ path: path.join(options.dataDir, 'tokens'), tpp: deps.tpp })
  return {
    ledger,
    keyv: new Keyv({ store: cacheStore, namespace: 'cache', throwOnErrors: true, ...cacheCodec }),
    lock: processLocalLock,
    tokenStore,
    close: async () => {
      clearInterval(sweep)
      await ledger.close()
      await cacheStore.disconnect()
      await tokenStore.close()
    },
  }
}

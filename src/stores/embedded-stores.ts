import path from 'node:path'
import Keyv from 'keyv'
import { cacheCodec } from '../cache/cache-codec.js'
import { LmdbKeyvStore } from '../cache/lmdb-keyv-store.js'
import { processLocalLock } from '../cache/single-flight.js'
import { EmbeddedLedger } from '../quota/embedded-ledger.js'
import { SealedTokenStore } from '../stet/persistent-token-stores.js'
import { ConnectionStore, psuHashTagOf } from './connection-store.js'
import { LmdbRecordBackend } from './lmdb-record-backend.js'
import { PendingAuthorizationStore } from './pending-authorizations.js'
import { ensurePrivateDir, restrictFiles } from './private-files.js'
import type { StateStoreDeps, StateStores } from './state-stores.js'
import { EmbeddedWebhookStore } from '../webhooks/embedded-webhook-store.js'

/** lmdb under DATA_DIR: one process owns it; its in-process single-flight is the whole story. */
export async function openEmbeddedStores(
  options: { dataDir: string; trustEmptyStore: boolean; cacheMaxBytes?: number },
  deps: StateStoreDeps,
): Promise<StateStores> {
  await ensurePrivateDir(options.dataDir)
  const quotaDir = path.join(options.dataDir, 'quota')
  const cacheDir = path.join(options.dataDir, 'cache')
  await Promise.all([ensurePrivateDir(quotaDir), ensurePrivateDir(cacheDir)])
  const ledger = new EmbeddedLedger({
    dir: quotaDir,
    policy: deps.policy,
    clock: deps.clock,
    trustEmptyStore: options.trustEmptyStore,
  })
  // The cache holds bank data (DESIGN inv. 12): its files are the process user's only.
  const cacheStore = new LmdbKeyvStore(cacheDir, { maxBytes: options.cacheMaxBytes ?? 0 })
  // keyv's expiry is wall-clock time (Date.now), whatever clock the gateway runs on.
  await cacheStore.sweepExpired(Date.now())
  const sweep = setInterval(() => void cacheStore.sweepExpired(Date.now()).catch(() => undefined), 3600_000)
  sweep.unref()
  const records = await LmdbRecordBackend.open(path.join(options.dataDir, 'tokens'), deps.clock)
  const webhooksDir = path.join(options.dataDir, 'webhooks')
  await ensurePrivateDir(webhooksDir)
  const webhooks = new EmbeddedWebhookStore({ dir: webhooksDir, clock: deps.clock })
  await Promise.all([restrictFiles(quotaDir), restrictFiles(cacheDir), restrictFiles(webhooksDir)])
  const keyv = new Keyv({ store: cacheStore, namespace: 'cache', throwOnErrors: true, ...cacheCodec })
  return {
    ledger,
    keyv,
    marks: keyv,
    lock: processLocalLock,
    tokenStore: new SealedTokenStore(records, deps.sealer, { tpp: deps.tpp, clock: deps.clock, hashTag: psuHashTagOf }),
    connections: new ConnectionStore(records, deps.sealer, { tpp: deps.tpp }),
    pending: new PendingAuthorizationStore(records, deps.sealer, { tpp: deps.tpp }),
    webhooks,
    close: async () => {
      clearInterval(sweep)
      await webhooks.close()
      await ledger.close()
      await cacheStore.disconnect()
      await records.close()
    },
  }
}

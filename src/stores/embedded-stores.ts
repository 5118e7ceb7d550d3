import path from 'node:path'
import Keyv from 'keyv'
import { NdjsonAuditLog } from '../audit/ndjson-audit-log.js'
import { cacheCodecFor } from '../cache/cache-codec.js'
import { LmdbJournalBackend } from '../cache/lmdb-journal-backend.js'
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
  const journalDir = path.join(options.dataDir, 'journal')
  await Promise.all([ensurePrivateDir(quotaDir), ensurePrivateDir(cacheDir), ensurePrivateDir(journalDir)])
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
  const audit = await NdjsonAuditLog.open(path.join(options.dataDir, 'audit'))
  // Bank data too (DESIGN inv. 12).
  const journal = new LmdbJournalBackend(journalDir)
  const webhooksDir = path.join(options.dataDir, 'webhooks')
  await ensurePrivateDir(webhooksDir)
  const webhooks = new EmbeddedWebhookStore({ dir: webhooksDir, clock: deps.clock })
  await Promise.all([
    restrictFiles(quotaDir),
    restrictFiles(cacheDir),
    restrictFiles(journalDir),
    restrictFiles(webhooksDir),
  ])
  const keyv = new Keyv({
    store: cacheStore,
    namespace: 'cache',
    throwOnErrors: true,
    ...cacheCodecFor(deps.cacheEncoding),
  })
  return {
    ledger,
    keyv,
    marks: keyv,
    lock: processLocalLock,
    tokenStore: new SealedTokenStore(records, deps.sealer, { tpp: deps.tpp, clock: deps.clock, hashTag: psuHashTagOf }),
    connections: new ConnectionStore(records, deps.sealer, { tpp: deps.tpp }),
    pending: new PendingAuthorizationStore(records, deps.sealer, { tpp: deps.tpp }),
    audit,
    journal,
    webhooks,
    close: async () => {
      clearInterval(sweep)
      await audit.close()
      await journal.close()
      await webhooks.close()
      await ledger.close()
      await cacheStore.disconnect()
      await records.close()
    },
  }
}

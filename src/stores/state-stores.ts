/**
 * Where the gateway keeps its state: the quota ledger, the cache, the single-flight lease and the bank tokens.
 * Embedded (lmdb under DATA_DIR, one process) or shared (Redis or Redis Cluster, any number of replicas). Each backend is imported
 * only when chosen, so a gateway never loads (nor holds in memory) the other one.
 */
import type { Keyv } from 'keyv'
import type { AuditLog } from '../audit/audit-log.js'
import type { CacheEncoding } from '../cache/cache-codec.js'
import type { JournalBackend } from '../cache/journal-backend.js'
import type { DistributedLock } from '../cache/single-flight.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config/config.js'
import type { Logger } from '../observability/logger.js'
import type { QuotaLedger, QuotaPolicy } from '../quota/quota-ledger.js'
import type { RedisTarget } from '../redis/redis-connection.js'
import type { RecordSealer } from '../stet/record-sealer.js'
import type { TokenStore } from '../stet/token-source.js'
import type { WebhookStore } from '../webhooks/webhook-store.js'
import type { ConnectionStore } from './connection-store.js'
import type { PendingAuthorizationStore } from './pending-authorizations.js'

export interface StateStores {
  readonly ledger: QuotaLedger
  readonly keyv: Keyv
  /**
   * Where the remembered refusals and consent-change marks live (inv. 11): never evicted apart from each other. The
   * main store when the cache has a Redis of its own (CACHE_STORE_URL, an evicting policy); else the cache's keyv
   * (lmdb's budget evicts oldest first, so a refusal always goes before the consent change that voids it).
   */
  readonly marks: Keyv
  readonly lock: DistributedLock
  readonly tokenStore: TokenStore
  readonly connections: ConnectionStore
  readonly pending: PendingAuthorizationStore
  /** The trail of unattended calls (issue 17). */
  readonly audit: AuditLog
  /** The transactions journals (services/transaction-journal.ts). */
  readonly journal: JournalBackend
  /** Webhooks, their outbox and one-time claims (issue 17). */
  readonly webhooks: WebhookStore
  /** Closes everything the backend opened, in the right order. */
  close(): Promise<void>
}

export interface StateStoreDeps {
  readonly policy: QuotaPolicy
  readonly tpp: string
  readonly clock: Clock
  /** Tests move time: the Redis ledger then takes it from this clock instead of Redis `TIME`. */
  readonly testClock: boolean
  readonly logger: Logger
  /** Seals tokens, connection facts and pending authorisations at rest. */
  readonly sealer: RecordSealer
  /** How cache entries are written (cache-codec.ts); default `compact`. */
  readonly cacheEncoding?: CacheEncoding
}

export async function openStateStores(config: Config, deps: StateStoreDeps): Promise<StateStores> {
  const store = config.store
  if (store.kind !== 'embedded') {
    const { openRedisStores } = await import('./redis-stores.js')
    const target: RedisTarget =
      store.kind === 'redis'
        ? { kind: 'single', url: store.url }
        : {
            kind: 'cluster',
            nodes: store.nodes,
            ...(store.username === undefined ? {} : { username: store.username }),
            ...(store.password === undefined ? {} : { password: store.password }),
          }
    return openRedisStores(
      {
        target,
        prefix: store.prefix,
        waitReplicas: store.waitReplicas,
        trustEmptyStore: config.quota.trustEmptyStore,
        ...(config.cache.storeUrl === undefined ? {} : { cacheUrl: config.cache.storeUrl }),
      },
      deps,
    )
  }
  const { openEmbeddedStores } = await import('./embedded-stores.js')
  return openEmbeddedStores(
    { dataDir: config.dataDir, trustEmptyStore: config.quota.trustEmptyStore, cacheMaxBytes: config.cache.maxBytes },
    deps,
  )
}

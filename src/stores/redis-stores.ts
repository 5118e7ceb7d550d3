import KeyvRedis, { type RedisClientConnectionType } from '@keyv/redis'
import Keyv from 'keyv'
import { RedisAuditLog } from '../audit/redis-audit-log.js'
import type { RedisClientType } from 'redis'
import { cacheCodecFor } from '../cache/cache-codec.js'
import { RedisJournalBackend } from '../cache/redis-journal-backend.js'
import { RedisLock } from '../cache/redis-lock.js'
import { RedisLedger } from '../quota/redis-ledger.js'
import type { RedisConnection, RedisTarget } from '../redis/redis-connection.js'
import { createRedisConnection, isCluster } from '../redis/redis-connection.js'
import { SealedTokenStore, StoreWithMemoryFallback } from '../stet/persistent-token-stores.js'
import { ConnectionStore, psuHashTagOf } from './connection-store.js'
import { PendingAuthorizationStore } from './pending-authorizations.js'
import { RedisRecordBackend } from './redis-record-backend.js'
import type { StateStoreDeps, StateStores } from './state-stores.js'
import { RedisWebhookStore } from '../webhooks/redis-webhook-store.js'

/**
 * One Redis, or one Redis Cluster, for every replica. Commands fail fast while a node is down (no offline queue):
 * unattended calls then fail closed, and the tokens kept in memory let present-PSU calls go on.
 *
 * On a cluster every command here is single-key (a cache entry, its invalidation mark, a lock, a token record) or a
 * script over one slot. Every key of a PSU's state carries the PSU's hash tag (redis/psu-hash-tag.ts): its ledger,
 * cache entries and marks, leases, token and connection records share one slot, so a shard lost for good takes whole
 * PSUs with it (and their ledger loss is detected by the slot's witness), never half of one.
 */
export async function openRedisStores(
  options: {
    /** A single server by URL, or `target` (a single server or a cluster). */
    url?: string
    target?: RedisTarget
    prefix: string
    trustEmptyStore: boolean
    /** Default 0. */
    waitReplicas?: number
    /**
     * A single Redis of its own for the cache entries and marks (CACHE_STORE_URL), which may run an evicting
     * `maxmemory-policy`; leases, ledger and token records stay on the main store, which must not evict.
     */
    cacheUrl?: string
  },
  deps: StateStoreDeps,
): Promise<StateStores> {
  const target: RedisTarget = options.target ?? { kind: 'single', url: options.url ?? 'redis://127.0.0.1:6379' }
  const client = createRedisConnection(target, { connectTimeoutMs: 2000 })
  client.on('error', (error: unknown) => deps.logger.warn({ err: String(error) }, 'redis error'))
  if (isCluster(client)) {
    client.on('node-error', (error: unknown, node: unknown) =>
      deps.logger.warn({ err: String(error), node }, 'redis cluster node error'),
    )
  }
  await client.connect()
  const ledger = new RedisLedger({
    target,
    policy: deps.policy,
    prefix: `${options.prefix}quota:`,
    trustEmptyStore: options.trustEmptyStore,
    waitReplicas: options.waitReplicas ?? 0,
    ...(deps.testClock ? { clock: deps.clock } : {}),
  })
  const cacheClient =
    options.cacheUrl === undefined
      ? undefined
      : (createRedisConnection(
          { kind: 'single', url: options.cacheUrl },
          { connectTimeoutMs: 2000 },
        ) as RedisClientType)
  if (cacheClient !== undefined) {
    cacheClient.on('error', (error: unknown) => deps.logger.warn({ err: String(error) }, 'redis (cache) error'))
    await cacheClient.connect()
  }
  const keyvOn = (connection: RedisConnection): Keyv =>
    new Keyv({
      store: new KeyvRedis(connection as RedisClientConnectionType, { throwOnErrors: true, throwOnConnectError: true }),
      namespace: `${options.prefix}cache`,
      throwOnErrors: true,
      ...cacheCodecFor(deps.cacheEncoding),
    })
  const keyv = keyvOn(cacheClient ?? client)
  // Token, connection and pending-authorisation records use single-key commands (GET, SET, DEL, GETDEL), which a
  // cluster client routes by key and answers exactly as a single client does; the backend declares the single client.
  const records = new RedisRecordBackend(client as RedisClientType, { prefix: options.prefix })
  return {
    ledger,
    keyv,
    // Refusal and consent-change marks must not be evicted apart: on the main store, which runs `noeviction`.
    marks: cacheClient === undefined ? keyv : keyvOn(client),
    lock: new RedisLock(client, { prefix: options.prefix }),
    tokenStore: new StoreWithMemoryFallback(
      new SealedTokenStore(records, deps.sealer, { tpp: deps.tpp, clock: deps.clock, hashTag: psuHashTagOf }),
      (error) => deps.logger.warn({ err: String(error) }, 'token store error'),
    ),
    connections: new ConnectionStore(records, deps.sealer, { tpp: deps.tpp }),
    pending: new PendingAuthorizationStore(records, deps.sealer, { tpp: deps.tpp }),
    // Single-key commands only (XADD, XRANGE, DEL on one day's stream; the days' index), like the records above.
    audit: new RedisAuditLog(client as RedisClientType, {
      prefix: options.prefix,
      waitReplicas: options.waitReplicas ?? 0,
    }),
    journal: new RedisJournalBackend(client, { prefix: `${options.prefix}journal:` }),
    webhooks: new RedisWebhookStore(client, { prefix: options.prefix }),
    close: async () => {
      await ledger.close()
      if (cacheClient !== undefined) {
        if (cacheClient.isReady) await cacheClient.close()
        else cacheClient.destroy()
      }
      if (isCluster(client)) {
        // A cluster's close() waits for every node; one of them may be gone for good.
        client.destroy()
        return
      }
      // `close()` waits for the server; with the store gone it would wait forever (fail fast instead).
      if (client.isReady) await client.close()
      else client.destroy()
    },
  }
}

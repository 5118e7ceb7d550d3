import KeyvRedis from '@keyv/redis'
import Keyv from 'keyv'
import { createClient, type RedisClientType } from 'redis'
import { cacheCodec } from '../cache/cache-codec.js'
import { RedisLock } from '../cache/redis-lock.js'
import { RedisLedger } from '../quota/redis-ledger.js'
import { SealedTokenStore, StoreWithMemoryFallback } from '../stet/persistent-token-stores.js'
import { ConnectionStore } from './connection-store.js'
import { PendingAuthorizationStore } from './pending-authorizations.js'
import { RedisRecordBackend } from './redis-record-backend.js'
import type { StateStoreDeps, StateStores } from './state-stores.js'

/**
 * One Redis for every replica. Commands fail fast while it is down (no offline queue): unattended calls then fail
 * closed, and the tokens kept in memory let present-PSU calls go on.
 */
export async function openRedisStores(
  options: { url: string; prefix: string; trustEmptyStore: boolean },
  deps: StateStoreDeps,
): Promise<StateStores> {
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000 },
  }) as RedisClientType
  client.on('error', (error: unknown) => deps.logger.warn({ err: String(error) }, 'redis error'))
  await client.connect()
  const ledger = new RedisLedger({
    url: options.url,
    policy: deps.policy,
    prefix: `${options.prefix}quota:`,
    trustEmptyStore: options.trustEmptyStore,
    ...(deps.testClock ? { clock: deps.clock } : {}),
  })
  const records = new RedisRecordBackend(client, { prefix: options.prefix })
  const keyvRedis = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true })
  return {
    ledger,
    keyv: new Keyv({ store: keyvRedis, namespace: `${options.prefix}cache`, throwOnErrors: true, ...cacheCodec }),
    lock: new RedisLock(client, { prefix: options.prefix }),
    tokenStore: new StoreWithMemoryFallback(
      new SealedTokenStore(records, deps.sealer, { tpp: deps.tpp, clock: deps.clock }),
      (error) => deps.logger.warn({ err: String(error) }, 'token store error'),
    ),
    connections: new ConnectionStore(records, deps.sealer, { tpp: deps.tpp }),
    pending: new PendingAuthorizationStore(records, deps.sealer, { tpp: deps.tpp }),
    close: async () => {
      await ledger.close()
      // `close()` waits for the server; with the store gone it would wait forever (fail fast instead).
      if (client.isReady) await client.close()
      else client.destroy()
    },
  }
}

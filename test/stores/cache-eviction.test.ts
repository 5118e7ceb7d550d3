/**
 * Which keys a Redis `maxmemory` policy may evict (issue 18). Ledger grants, 429 marks, token records and leases all
 * carry TTLs, so `volatile-lru` on one shared Redis would evict them with the cache: shown in the second case, a
 * grant evicted is a reservation forgotten (a breach). What the README recommends is the first case: the cache on a
 * Redis of its own (CACHE_STORE_URL) with `allkeys-lru`, the main store on `noeviction`. Filled far past its
 * `maxmemory`, the cache Redis evicts cache entries (a miss, read again within the quota) and every ledger grant and
 * token record is still there. Both Redis servers are started here with a small `maxmemory`.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { createClient, type RedisClientType } from 'redis'
import { FreshnessCache } from '../../src/cache/freshness-cache.js'
import { silentLogger } from '../../src/observability/logger.js'
import { createQuotaPolicy, type QuotaKeyParts } from '../../src/quota/quota-ledger.js'
import { RecordSealer } from '../../src/stet/record-sealer.js'
import { openRedisStores } from '../../src/stores/redis-stores.js'
import type { StateStores } from '../../src/stores/state-stores.js'
import { startPrivateRedis } from '../support/processes.js'

jest.setTimeout(60_000)

const PSUS = 60
const keyOf = (n: number): QuotaKeyParts => ({ tpp: 'TPP', bank: '17515', psu: `EVICT${n}`, method: 'accounts' })
const refOf = (n: number) => ({ bank: '17515', psuId: `EVICT${n}` })
const now = Date.now()
const tokens = (n: number) => ({
  accessToken: `access-${n}`,
  accessTokenExpiresAt: now + 3600_000,
  refreshToken: `refresh-${n}`,
  refreshTokenExpiresAt: now + 86_400_000,
  refreshedAt: now,
})

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function client(url: string): Promise<RedisClientType> {
  const c = createClient({ url }) as RedisClientType
  await c.connect()
  cleanups.push(async () => void (await c.close()))
  return c
}

const evictedKeys = async (c: RedisClientType): Promise<number> =>
  Number(/evicted_keys:(\d+)/.exec(await c.info('stats'))?.[1] ?? NaN)

async function open(options: { url: string; cacheUrl?: string }): Promise<StateStores> {
  const stores = await openRedisStores(
    { ...options, prefix: `test:evict:${randomUUID()}:`, trustEmptyStore: true },
    {
      policy: createQuotaPolicy(),
      tpp: 'TPP',
      clock: Date.now,
      testClock: false,
      logger: silentLogger,
      sealer: new RecordSealer([{ kid: 'k', key: new Uint8Array(randomBytes(32)) }]),
    },
  )
  cleanups.push(() => stores.close())
  return stores
}

/** Grants and tokens for every PSU, then cache entries (incompressible, ~16 KB each) until `cache` has evicted. */
async function fill(stores: StateStores, cacheRedis: RedisClientType): Promise<{ written: number }> {
  for (let n = 0; n < PSUS; n++) {
    for (let g = 0; g < 2; g++) expect((await stores.ledger.reserve(keyOf(n))).kind).toBe('granted')
    await stores.tokenStore.set(refOf(n), tokens(n))
  }
  const cache = new FreshnessCache(stores.keyv, { retentionMs: 3600_000, hotMaxBytes: 0 })
  let written = 0
  // 6 MB into a 4 MB Redis, and on until it has evicted a good share.
  while (written < 400 && (written < 380 || (await evictedKeys(cacheRedis)) < 100)) {
    await cache.set(`{17515:EVICT${written % PSUS}}entry-${written}`, {
      value: randomBytes(12_000).toString('base64'),
      fetchedAt: now,
      psuPresent: false,
    })
    written++
  }
  return { written }
}

describe('Redis maxmemory: only cache keys are ever evicted', () => {
  it('recommended: the cache on its own Redis (allkeys-lru); the main store (noeviction) keeps every grant and token', async () => {
    const main = await startPrivateRedis(['--maxmemory-policy', 'noeviction'])
    cleanups.push(() => main.stop())
    const cacheServer = await startPrivateRedis(['--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-lru'])
    cleanups.push(() => cacheServer.stop())
    const [mainRedis, cacheRedis] = [await client(main.url), await client(cacheServer.url)]
    const stores = await open({ url: main.url, cacheUrl: cacheServer.url })
    const { written } = await fill(stores, cacheRedis)

    expect(await evictedKeys(cacheRedis)).toBeGreaterThanOrEqual(100)
    const cache = new FreshnessCache(stores.keyv, { retentionMs: 3600_000, hotMaxBytes: 0 })
    let missing = 0
    for (let i = 0; i < written; i++)
      if ((await cache.get(`{17515:EVICT${i % PSUS}}entry-${i}`)) === undefined) missing++
    expect(missing).toBeGreaterThanOrEqual(100) // evicted entries read as misses, not errors
    expect(await cache.get(`{17515:EVICT${(written - 1) % PSUS}}entry-${written - 1}`)).toBeDefined()

    for (let n = 0; n < PSUS; n++) {
      expect((await stores.ledger.status(keyOf(n))).used).toBe(2)
      expect(await stores.tokenStore.get(refOf(n))).toEqual(tokens(n))
    }
    expect(await evictedKeys(mainRedis)).toBe(0)
    expect((await mainRedis.keys('*cache:*')).length).toBe(0) // no cache entry on the main store
  })

  it('why: one Redis with volatile-lru evicts ledger grants with the cache (they carry TTLs): a forgotten reservation', async () => {
    const server = await startPrivateRedis(['--maxmemory', '4mb', '--maxmemory-policy', 'volatile-lru'])
    cleanups.push(() => server.stop())
    const redis = await client(server.url)
    const stores = await open({ url: server.url })
    await fill(stores, redis)
    let forgotten = 0
    for (let n = 0; n < PSUS; n++) if ((await stores.ledger.status(keyOf(n))).used < 2) forgotten++
    expect(forgotten).toBeGreaterThan(0)
  })
})

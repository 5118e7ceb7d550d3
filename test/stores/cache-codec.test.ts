/**
 * The cache's text format (src/cache/cache-codec.ts) through both real backends, as the gateway opens them: what goes
 * in comes back equal, including strings keyv's default codec would have escaped, and what is stored is plain JSON.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import { FreshnessCache, type CacheEntry } from '../../src/cache/freshness-cache.js'
import { systemClock } from '../../src/clock.js'
import { createLogger } from '../../src/observability/logger.js'
import { createQuotaPolicy } from '../../src/quota/quota-ledger.js'
import { RecordSealer } from '../../src/stet/record-sealer.js'
import { openEmbeddedStores } from '../../src/stores/embedded-stores.js'
import { openRedisStores } from '../../src/stores/redis-stores.js'
import type { StateStoreDeps, StateStores } from '../../src/stores/state-stores.js'

const REDIS_URL = 'redis://127.0.0.1:6379'
const deps: StateStoreDeps = {
  policy: createQuotaPolicy(),
  tpp: 'PSDFR-ACPR-SANDBOX',
  clock: systemClock,
  testClock: false,
  logger: createLogger('silent'),
  sealer: new RecordSealer([{ kid: 'test', key: new Uint8Array(32) }]),
}

/** Values a bank may send that a naive codec would mangle: leading colons, keyv's own base64 marker, unicode, nulls. */
const entry: CacheEntry<unknown> = {
  value: [
    {
      resourceId: 'a1',
      remittanceInformation: [':colon first', '::two', ':base64:aGVsbG8=', 'é ü 😀 "quoted" \\ back'],
      amount: { amount: '-0.00', currency: 'EUR' },
      nested: { list: [1, 2.5, -3], empty: [], none: null, yes: true },
    },
  ],
  fetchedAt: 1795557200199,
  psuPresent: false,
}

const dirs: string[] = []
const redisPrefixes: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
  const client = createClient({ url: REDIS_URL })
  await client.connect()
  for (const prefix of redisPrefixes) {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys)
    }
  }
  await client.close()
})

async function roundTrip(stores: StateStores): Promise<void> {
  const cache = new FreshnessCache(stores.keyv, { retentionMs: 3600_000 })
  const key = `psu|17515|BENCH|${randomUUID()}|balances`
  await cache.set(key, entry)
  expect(await cache.get(key)).toEqual(entry)
  const raw = await stores.keyv.store.get(`${stores.keyv.namespace ?? ''}:${key}`)
  expect(typeof raw).toBe('string')
  // Plain JSON: parsed without keyv's reviver, the stored text gives back the entry as it was.
  expect((JSON.parse(raw as string) as { value: unknown }).value).toEqual(entry)
}

describe('the cache codec', () => {
  it('round-trips an entry through the embedded store (lmdb) as plain JSON', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-codec-'))
    dirs.push(dir)
    const stores = await openEmbeddedStores({ dataDir: dir, trustEmptyStore: true }, deps)
    try {
      await roundTrip(stores)
    } finally {
      await stores.close()
    }
  })

  it('round-trips an entry through Redis as plain JSON', async () => {
    const prefix = `stetgw-test-${randomUUID()}:`
    redisPrefixes.push(prefix)
    const stores = await openRedisStores({ url: REDIS_URL, prefix, trustEmptyStore: true }, deps)
    try {
      await roundTrip(stores)
    } finally {
      await stores.close()
    }
  })
})

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
import type { CacheEncoding } from '../../src/cache/cache-codec.js'

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

/** A transaction window: well past the size from which the default encoding writes compact texts. */
const window: CacheEntry<unknown> = {
  value: Array.from({ length: 40 }, (_, i) => ({
    resourceId: `tx-${i}`,
    transactionAmount: { amount: (-12.5 * i).toFixed(2), currency: 'EUR' },
    creditDebitIndicator: 'DBIT',
    bookingDate: '2026-11-30',
    remittanceInformation: [`CB CARTE ${i} PARIS`],
  })),
  fetchedAt: 1795557200199,
  psuPresent: true,
}

async function rawText(stores: StateStores, key: string): Promise<string> {
  const raw = await stores.keyv.store.get(`${stores.keyv.namespace ?? ''}:${key}`)
  if (typeof raw !== 'string') throw new Error(`no text stored under ${key}`)
  return raw
}

/**
 * Writes the window with `encoding`, then reopens the same store with the other encoding: what each wrote, each reads
 * (the bench's JSON variants and the gateway may meet the same store's texts).
 */
async function writeThenReadAcross(
  open: (encoding: CacheEncoding) => Promise<StateStores>,
  encoding: CacheEncoding,
): Promise<string> {
  const key = `psu|17515|BENCH|${randomUUID()}|transactions`
  const writer = await open(encoding)
  let text: string
  try {
    const cache = new FreshnessCache(writer.keyv, { retentionMs: 3600_000 })
    await cache.set(key, window)
    expect(await cache.get(key)).toEqual(window)
    text = await rawText(writer, key)
  } finally {
    await writer.close()
  }
  const reader = await open(encoding === 'json' ? 'compact' : 'json')
  try {
    expect(await new FreshnessCache(reader.keyv, { retentionMs: 3600_000 }).get(key)).toEqual(window)
  } finally {
    await reader.close()
  }
  return text
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

  describe.each([
    [
      'lmdb',
      async (): Promise<(encoding: CacheEncoding) => Promise<StateStores>> => {
        const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-codec-'))
        dirs.push(dir)
        return (encoding) =>
          openEmbeddedStores({ dataDir: dir, trustEmptyStore: true }, { ...deps, cacheEncoding: encoding })
      },
    ],
    [
      'Redis',
      async (): Promise<(encoding: CacheEncoding) => Promise<StateStores>> => {
        const prefix = `stetgw-test-${randomUUID()}:`
        redisPrefixes.push(prefix)
        return (encoding) =>
          openRedisStores({ url: REDIS_URL, prefix, trustEmptyStore: true }, { ...deps, cacheEncoding: encoding })
      },
    ],
  ])('the benchmark encoding on %s (cacheEncoding)', (_name, backend) => {
    it("'json' stores a transaction window as plain JSON, and both encodings read it back", async () => {
      const text = await writeThenReadAcross(await backend(), 'json')
      expect(text.startsWith('c1:')).toBe(false)
      expect(JSON.parse(text)).toEqual({ value: window, expires: expect.any(Number) })
    })

    it("the default ('compact') stores the same window compact, and both encodings read it back", async () => {
      const text = await writeThenReadAcross(await backend(), 'compact')
      expect(text.startsWith('c1:')).toBe(true)
      expect(text.length).toBeLessThan(JSON.stringify(window).length / 3)
    })
  })
})

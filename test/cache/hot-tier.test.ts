/**
 * The in-process hot tier of decoded entries (src/cache/decoded-entries.ts, wired in FreshnessCache): reused only for
 * the exact text the durable store answers, so two replicas on one real Redis never serve what the store no longer
 * holds: another replica's write, a present read's rewrite, an invalidation (consent change) and an expiry are all
 * seen at the next read. Bounded by bytes.
 */
import { randomBytes } from 'node:crypto'
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import { DecodedEntries } from '../../src/cache/decoded-entries.js'
import { FreshnessCache, type CacheEntry } from '../../src/cache/freshness-cache.js'
import { systemClock } from '../../src/clock.js'
import { createLogger } from '../../src/observability/logger.js'
import { createQuotaPolicy } from '../../src/quota/quota-ledger.js'
import { RecordSealer } from '../../src/stet/record-sealer.js'
import { openRedisStores } from '../../src/stores/redis-stores.js'
import type { StateStoreDeps, StateStores } from '../../src/stores/state-stores.js'

const REDIS_URL = 'redis://127.0.0.1:6379'
const deps: StateStoreDeps = {
  policy: createQuotaPolicy(),
  tpp: 'PSDFR-ACPR-SANDBOX',
  clock: systemClock,
  testClock: false,
  logger: createLogger('silent'),
  sealer: new RecordSealer([{ kid: 'test', key: new Uint8Array(randomBytes(32)) }]),
}
const prefixes: string[] = []
afterAll(async () => {
  const client = createClient({ url: REDIS_URL })
  await client.connect()
  for (const prefix of prefixes) {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys)
    }
  }
  await client.close()
})

const balances = (amount: string, fetchedAt: number, psuPresent: boolean): CacheEntry<unknown> => ({
  value: [{ type: 'CLBD', amount: { amount, currency: 'EUR' } }],
  fetchedAt,
  psuPresent,
})

/** Two gateway replicas: each its own Redis connections and its own FreshnessCache, one shared store. */
async function twoReplicas(
  retentionMs = 3600_000,
): Promise<{ a: FreshnessCache; b: FreshnessCache; close: () => Promise<void> }> {
  const prefix = `stetgw-test-${randomUUID()}:`
  prefixes.push(prefix)
  const stores: StateStores[] = [
    await openRedisStores({ url: REDIS_URL, prefix, trustEmptyStore: true }, deps),
    await openRedisStores({ url: REDIS_URL, prefix, trustEmptyStore: true }, deps),
  ]
  const [one, two] = stores.map((s) => new FreshnessCache(s.keyv, { retentionMs }))
  if (one === undefined || two === undefined) throw new Error('two replicas expected')
  return { a: one, b: two, close: async () => void (await Promise.all(stores.map((s) => s.close()))) }
}

describe('the hot tier across two replicas on the real Redis', () => {
  it('decodes once and then reuses the decoded entry while the store holds the same text', async () => {
    const { a, b, close } = await twoReplicas()
    try {
      const key = `t|17515|psu-${randomUUID()}|FR76|balances`
      await a.set(key, balances('10.00', 1000, true))
      const first = await b.get(key)
      const second = await b.get(key)
      expect(first).toEqual(balances('10.00', 1000, true))
      // The same object: the second read did not decode again.
      expect(second).toBe(first)
      expect(b.hotTier.entries).toBe(1)
    } finally {
      await close()
    }
  })

  it("serves another replica's write at the next read, never the decoded older entry", async () => {
    const { a, b, close } = await twoReplicas()
    try {
      const key = `t|17515|psu-${randomUUID()}|FR76|balances`
      await a.set(key, balances('10.00', 1000, false))
      expect((await b.get(key))?.value).toEqual(balances('10.00', 1000, false).value)
      // A present read on replica A rewrites the key: B holds the old entry decoded, and must not serve it.
      await a.set(key, balances('25.00', 2000, true))
      expect(await b.get(key)).toEqual(balances('25.00', 2000, true))
      // And the other way round, B's write seen by A, which had decoded its own write's text.
      await b.set(key, balances('30.00', 3000, false))
      expect(await a.get(key)).toEqual(balances('30.00', 3000, false))
    } finally {
      await close()
    }
  })

  it('serves nothing after another replica invalidates the key (a consent change), though it decoded it', async () => {
    const { a, b, close } = await twoReplicas()
    try {
      const key = `t|17515|psu-${randomUUID()}|FR76|transactions`
      await b.set(key, balances('10.00', 1000, true))
      expect(await b.get(key)).toBeDefined()
      expect(await a.get(key)).toBeDefined()
      await a.invalidate([key], Date.now())
      expect(await b.get(key)).toBeUndefined()
      expect(await a.get(key)).toBeUndefined()
      // Written again with the same content: served again (the store holds it again), decoded or not.
      await a.set(key, balances('10.00', 1000, true))
      expect(await b.get(key)).toEqual(balances('10.00', 1000, true))
    } finally {
      await close()
    }
  })

  it('serves nothing once the entry has expired in the store, though it is still decoded in memory', async () => {
    const { a, b, close } = await twoReplicas(300)
    try {
      const key = `t|17515|psu-${randomUUID()}|FR76|balances`
      await a.set(key, balances('10.00', 1000, true))
      expect(await b.get(key)).toBeDefined()
      await new Promise((resolve) => setTimeout(resolve, 450))
      expect(await b.get(key)).toBeUndefined()
    } finally {
      await close()
    }
  })
})

describe('the decoded entries', () => {
  it('stay within their byte bound, evicting the oldest, and decode again what was evicted', () => {
    let decodes = 0
    const decode = (text: string): unknown => {
      decodes++
      return JSON.parse(text) as unknown
    }
    const tier = new DecodedEntries({ maxBytes: 3000 })
    const texts = Array.from({ length: 20 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(80) }))
    for (const text of texts) tier.decode(text, decode)
    expect(tier.bytes).toBeLessThanOrEqual(3000)
    expect(tier.size).toBeLessThan(20)
    expect(decodes).toBe(20)
    const last = texts[19] ?? ''
    expect(tier.decode(last, decode)).toBe(tier.decode(last, decode))
    expect(decodes).toBe(20)
    tier.decode(texts[0] ?? '', decode)
    expect(decodes).toBe(21)
  })

  it('does not keep a text larger than a quarter of its bound, nor anything when turned off', () => {
    const tier = new DecodedEntries({ maxBytes: 400 })
    tier.decode(JSON.stringify({ pad: 'x'.repeat(200) }), (t) => JSON.parse(t) as unknown)
    expect(tier.size).toBe(0)
    const off = new DecodedEntries({ maxBytes: 0 })
    off.decode('{"a":1}', (t) => JSON.parse(t) as unknown)
    expect(off.size).toBe(0)
  })
})

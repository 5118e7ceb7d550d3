import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import Keyv from 'keyv'
import { randomBytes } from 'node:crypto'
import { cacheCodec } from '../../src/cache/cache-codec.js'
import { FreshnessCache } from '../../src/cache/freshness-cache.js'
import { LmdbKeyvStore } from '../../src/cache/lmdb-keyv-store.js'
import { silentLogger } from '../../src/observability/logger.js'
import { createQuotaPolicy } from '../../src/quota/quota-ledger.js'
import { RecordSealer } from '../../src/stet/record-sealer.js'
import { openEmbeddedStores } from '../../src/stores/embedded-stores.js'

describe('LmdbKeyvStore', () => {
  it('keeps values across reopening and sweeps what keyv let expire', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-lmdb-'))
    const store = new LmdbKeyvStore(dir)
    const keyv = new Keyv({ store, namespace: 'cache' })
    await keyv.set('kept', { a: 1 }, 3600_000)
    await keyv.set('gone', { b: 2 }, 1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await store.sweepExpired(Date.now())).toBe(1)
    await store.disconnect()
    const reopened = new Keyv({ store: new LmdbKeyvStore(dir), namespace: 'cache' })
    expect(await reopened.get('kept')).toEqual({ a: 1 })
    expect(await reopened.get('gone')).toBeUndefined()
    await reopened.disconnect()
    await rm(dir, { recursive: true, force: true })
  })
})

describe('LmdbKeyvStore with a byte budget (CACHE_MAX_BYTES)', () => {
  it('evicts the entries written longest ago, never past the budget, and keeps its count across reopening', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-lmdb-budget-'))
    const budget = 20_000
    const store = new LmdbKeyvStore(dir, { maxBytes: budget })
    const keyv = new Keyv({ store, namespace: 'cache', ...cacheCodec })
    const value = (n: number): { n: number; pad: string } => ({ n, pad: 'x'.repeat(400) })
    for (let n = 0; n < 100; n++) {
      await keyv.set(`k${n}`, value(n), 3600_000)
      expect(store.bytes).toBeLessThanOrEqual(budget)
      // Distinct expiries: at reopening the order is read back from them.
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    // ~430 bytes each: the newest ~46 are kept, every older one gone.
    const present: number[] = []
    for (let n = 0; n < 100; n++) if ((await keyv.get(`k${n}`)) !== undefined) present.push(n)
    const oldest = present[0] ?? -1
    expect(present.length).toBeGreaterThan(40)
    expect(present).toEqual(Array.from({ length: 100 - oldest }, (_, i) => oldest + i))
    expect(await keyv.get('k99')).toEqual(value(99))
    const kept = store.bytes
    await store.disconnect()

    const reopened = new LmdbKeyvStore(dir, { maxBytes: budget })
    expect(reopened.bytes).toBe(kept)
    const again = new Keyv({ store: reopened, namespace: 'cache', ...cacheCodec })
    await again.set('k100', value(100), 3600_000)
    expect(reopened.bytes).toBeLessThanOrEqual(budget)
    expect(await again.get(`k${oldest}`)).toBeUndefined() // the oldest at reopening went first
    expect(await again.get(`k${oldest + 2}`)).toEqual(value(oldest + 2))
    expect(await again.get('k100')).toEqual(value(100))
    await again.delete('k100')
    expect(reopened.bytes).toBeLessThan(kept)
    await reopened.disconnect()
    await rm(dir, { recursive: true, force: true })
  })

  it('embedded stores: a cache filled far past its budget evicts cache entries only, never the ledger or the tokens', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'stetgw-budget-stores-'))
    const deps = {
      policy: createQuotaPolicy(),
      tpp: 'TPP',
      clock: Date.now,
      testClock: false,
      logger: silentLogger,
      sealer: new RecordSealer([{ kid: 'k', key: new Uint8Array(randomBytes(32)) }]),
    }
    const stores = await openEmbeddedStores({ dataDir, trustEmptyStore: true, cacheMaxBytes: 50_000 }, deps)
    const parts = { tpp: 'TPP', bank: '17515', psu: 'P1', iban: 'FR76', method: 'balances' as const }
    expect((await stores.ledger.reserve(parts)).kind).toBe('granted')
    const ref = { bank: '17515', psuId: 'P1' }
    const tokens = {
      accessToken: 'a',
      accessTokenExpiresAt: Date.now() + 3600_000,
      refreshToken: 'r',
      refreshTokenExpiresAt: Date.now() + 86_400_000,
      refreshedAt: Date.now(),
    }
    await stores.tokenStore.set(ref, tokens)
    const cache = new FreshnessCache(stores.keyv, { retentionMs: 3600_000, hotMaxBytes: 0 })
    for (let n = 0; n < 500; n++) {
      await cache.set(`key${n}`, {
        value: { n, pad: randomBytes(300).toString('hex') },
        fetchedAt: 1,
        psuPresent: false,
      })
    }
    expect(await cache.get('key0')).toBeUndefined()
    expect(await cache.get('key499')).toBeDefined()
    expect((await stores.ledger.status(parts)).used).toBe(1)
    expect(await stores.tokenStore.get(ref)).toEqual(tokens)
    await stores.close()
    await rm(dataDir, { recursive: true, force: true })
  })
})

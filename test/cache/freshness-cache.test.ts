/**
 * FreshnessCache over a real keyv store (lmdb, as embedded mode runs it): an answer identical to the one just written
 * is not written again within the configured window; anything else is, and an invalidation forgets what was written.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import Keyv from 'keyv'
import { cacheCodec } from '../../src/cache/cache-codec.js'
import { contentDigestOf, madeFrom } from '../../src/cache/content-source.js'
import { FreshnessCache } from '../../src/cache/freshness-cache.js'
import { LmdbKeyvStore } from '../../src/cache/lmdb-keyv-store.js'

let dir: string
let store: LmdbKeyvStore
let writes: string[]

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stetgw-freshness-'))
  store = new LmdbKeyvStore(dir)
  writes = []
  // Count what reaches the store: the behaviour under test is a write that does not happen.
  const set = store.set.bind(store)
  store.set = async (key: string, value: string) => {
    writes.push(key)
    return set(key, value)
  }
})
afterEach(async () => {
  await store.disconnect()
  await rm(dir, { recursive: true, force: true })
})

function cache(unchangedRewriteMs: number): FreshnessCache {
  return new FreshnessCache(new Keyv({ store, namespace: 'cache', ...cacheCodec }), {
    retentionMs: 3600_000,
    unchangedRewriteMs,
  })
}

const balances = [{ type: 'CLBD', amount: '-150.00' }]

describe('FreshnessCache: identical answers within the window are not rewritten', () => {
  it('skips the rewrite, and the stored fetchedAt lags by less than the window (older, never younger)', async () => {
    const c = cache(30_000)
    await c.set('k', { value: balances, fetchedAt: 1_000_000, psuPresent: true })
    await c.set('k', { value: structuredClone(balances), fetchedAt: 1_010_000, psuPresent: true })
    expect(writes).toHaveLength(1)
    expect((await c.get('k'))?.fetchedAt).toBe(1_000_000)
    // Past the window the same answer is written again, with its own time.
    await c.set('k', { value: balances, fetchedAt: 1_030_000, psuPresent: true })
    expect(writes).toHaveLength(2)
    expect((await c.get('k'))?.fetchedAt).toBe(1_030_000)
  })

  it('writes a changed value, a change of presence, and every answer when the window is 0', async () => {
    const c = cache(30_000)
    await c.set('k', { value: balances, fetchedAt: 1_000_000, psuPresent: true })
    await c.set('k', { value: [{ type: 'CLBD', amount: '-149.99' }], fetchedAt: 1_001_000, psuPresent: true })
    await c.set('k', { value: [{ type: 'CLBD', amount: '-149.99' }], fetchedAt: 1_002_000, psuPresent: false })
    expect(writes).toHaveLength(3)
    expect(await c.get('k')).toEqual({
      value: [{ type: 'CLBD', amount: '-149.99' }],
      fetchedAt: 1_002_000,
      psuPresent: false,
    })
    const always = cache(0)
    await always.set('j', { value: balances, fetchedAt: 1_000_000, psuPresent: true })
    await always.set('j', { value: balances, fetchedAt: 1_000_001, psuPresent: true })
    expect(writes.filter((k) => k.endsWith(':j'))).toHaveLength(2)
  })

  it('after an invalidation the same answer is written again (the entry was deleted)', async () => {
    const c = cache(30_000)
    await c.set('k', { value: balances, fetchedAt: 1_000_000, psuPresent: true })
    await c.invalidate(['k'], 1_000_500)
    expect(await c.get('k')).toBeUndefined()
    await c.set('k', { value: balances, fetchedAt: 1_001_000, psuPresent: true })
    expect(await c.get('k')).toEqual({ value: balances, fetchedAt: 1_001_000, psuPresent: true })
  })

  it('tells values apart by the digest of what they were made from, when they name one (content-source.ts)', async () => {
    const c = cache(30_000)
    const answer = 'digest-of-one-answer'
    await c.set('k', { value: madeFrom(structuredClone(balances), answer), fetchedAt: 1_000_000, psuPresent: true })
    // The same source again: the same records, not rewritten.
    await c.set('k', { value: madeFrom(structuredClone(balances), answer), fetchedAt: 1_001_000, psuPresent: true })
    expect(writes).toHaveLength(1)
    // Another source is written, even when its records happen to be equal (the safe side: one more write).
    await c.set('k', {
      value: madeFrom(structuredClone(balances), `${answer} `),
      fetchedAt: 1_002_000,
      psuPresent: true,
    })
    // And a value with no source is digested from its JSON, never taken for one that has a source.
    await c.set('k', { value: structuredClone(balances), fetchedAt: 1_003_000, psuPresent: true })
    expect(writes).toHaveLength(3)
    expect(contentDigestOf(madeFrom([1], '[1]'))).not.toBe(contentDigestOf([1]))
    expect(contentDigestOf([1])).toBe(contentDigestOf([1]))
  })
})

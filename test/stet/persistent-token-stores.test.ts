import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { createClient, type RedisClientType } from 'redis'
import { LmdbTokenStore, RedisTokenStore, StoreWithMemoryFallback } from '../../src/stet/persistent-token-stores.js'
import { MemoryTokenStore, type StoredTokens, type TokenStore } from '../../src/stet/token-source.js'

const ref = { bank: '17515', psuId: '9999999901' }
const now = Date.now()
const tokens = (n: number): StoredTokens => ({
  accessToken: `a${n}`,
  accessTokenExpiresAt: now + 3600_000,
  refreshToken: `r${n}`,
  refreshTokenExpiresAt: now + 86_400_000,
})

describe('persistent token stores (DESIGN inv. 8: keys carry tpp + bank + PSU)', () => {
  it('lmdb: survives reopening; another TPP sees nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-tokens-'))
    const a = new LmdbTokenStore({ path: dir, tpp: 'TPP-A' })
    await a.set(ref, tokens(1))
    await a.close()
    const again = new LmdbTokenStore({ path: dir, tpp: 'TPP-A' })
    const other = new LmdbTokenStore({ path: dir, tpp: 'TPP-B' })
    expect(await again.get(ref)).toEqual(tokens(1))
    expect(await other.get(ref)).toBeUndefined()
    expect(await again.get({ ...ref, psuId: '9999999902' })).toBeUndefined()
    await again.delete(ref)
    expect(await again.get(ref)).toBeUndefined()
    await again.close()
    await other.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('redis: round trip under a prefix; a dead server is STORE_UNAVAILABLE', async () => {
    const client = createClient({ url: 'redis://127.0.0.1:6379' }) as RedisClientType
    await client.connect()
    const prefix = `stetgw-test-${randomUUID()}:`
    const store = new RedisTokenStore(client, { tpp: 'TPP-A', prefix, clock: Date.now })
    await store.set(ref, tokens(2))
    expect(await store.get(ref)).toEqual(tokens(2))
    expect(await new RedisTokenStore(client, { tpp: 'TPP-B', prefix, clock: Date.now }).get(ref)).toBeUndefined()
    await store.delete(ref)
    expect(await client.keys(`${prefix}*`)).toEqual([])
    await client.close()

    // A client that is not connected (the store is gone): commands fail at once.
    const dead = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true })
    const down = new RedisTokenStore(dead as RedisClientType, { tpp: 'TPP-A', prefix, clock: Date.now })
    await expect(down.get(ref)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })

  it('the memory fallback serves the last tokens while the shared store is down, and stays bounded', async () => {
    let down = false
    const memory = new MemoryTokenStore()
    const flaky: TokenStore = {
      get: async (r) => {
        if (down) throw new Error('down')
        return memory.get(r)
      },
      set: async (r, t) => memory.set(r, t),
      delete: async (r) => memory.delete(r),
    }
    const errors: unknown[] = []
    const store = new StoreWithMemoryFallback(flaky, (e) => errors.push(e), { maxEntries: 2 })
    await store.set(ref, tokens(3))
    await store.set({ ...ref, psuId: 'p2' }, tokens(4))
    await store.set({ ...ref, psuId: 'p3' }, tokens(5))
    down = true
    expect(await store.get({ ...ref, psuId: 'p3' })).toEqual(tokens(5))
    await expect(store.get(ref)).rejects.toThrow('down') // evicted from memory: no guess
    expect(errors).toHaveLength(1)
  })
})

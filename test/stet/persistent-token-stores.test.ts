/**
 * Token records at rest: sealed with JWE (dir + A256GCM), bound to PSU and bank, keyed by tpp + bank + PSU
 * (DESIGN inv. 8, 12), on both real backends. What an attacker with write access to the store can do is tried here:
 * flip a byte, move one PSU's record under another's key, re-label the header. Each is refused, never used.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm, stat, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createClient, type RedisClientType } from 'redis'
import { SealedTokenStore, StoreWithMemoryFallback, tokenRecordKey } from '../../src/stet/persistent-token-stores.js'
import type { RecordBackend } from '../../src/stet/record-backend.js'
import { RecordStoreUnavailableError } from '../../src/stet/record-backend.js'
import { RecordSealer, SealedRecordRejectedError, type SealingKey } from '../../src/stet/record-sealer.js'
import { MemoryTokenStore, type StoredTokens, type TokenStore } from '../../src/stet/token-source.js'
import { psuHashTagOf } from '../../src/stores/connection-store.js'
import { LmdbRecordBackend } from '../../src/stores/lmdb-record-backend.js'
import { RedisRecordBackend } from '../../src/stores/redis-record-backend.js'

const LEA = { bank: '17515', psuId: '9999999901' }
const CLAIRE = { bank: '17515', psuId: '9999999902' }
const now = Date.now()
const tokens = (n: number): StoredTokens => ({
  accessToken: `access-${n}`,
  accessTokenExpiresAt: now + 3600_000,
  refreshToken: `refresh-${n}`,
  refreshTokenExpiresAt: now + 86_400_000,
  refreshedAt: now,
})
const key = (kid: string): SealingKey => ({ kid, key: new Uint8Array(randomBytes(32)) })
const K1 = key('k1')
const K2 = key('k2')

let redis: RedisClientType
const prefix = `stetgw-test-${randomUUID()}:`
let dir: string
beforeAll(async () => {
  redis = createClient({ url: 'redis://127.0.0.1:6379' }) as RedisClientType
  await redis.connect()
  dir = await mkdtemp(path.join(tmpdir(), 'stetgw-tokens-'))
})
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(keys)
  await redis.close()
  await rm(dir, { recursive: true, force: true })
})

const backends: [string, () => Promise<RecordBackend & { close?: () => Promise<void> }>][] = [
  ['lmdb', () => LmdbRecordBackend.open(path.join(dir, `tokens-${randomUUID()}`), Date.now)],
  ['redis', async () => new RedisRecordBackend(redis, { prefix: `${prefix}${randomUUID()}:` })],
]

describe.each(backends)('sealed token store on %s', (_name, open) => {
  it('round-trips; another TPP or PSU sees nothing; the raw record holds no token', async () => {
    const backend = await open()
    const store = new SealedTokenStore(backend, new RecordSealer([K1]), { tpp: 'TPP-A', clock: Date.now })
    await store.set(LEA, tokens(1))
    expect(await store.get(LEA)).toEqual(tokens(1))
    expect(
      await new SealedTokenStore(backend, new RecordSealer([K1]), { tpp: 'TPP-B', clock: Date.now }).get(LEA),
    ).toBeUndefined()
    expect(await store.get(CLAIRE)).toBeUndefined()
    const raw = (await backend.get(tokenRecordKey('TPP-A', LEA))) ?? ''
    expect(raw.split('.')).toHaveLength(5) // compact JWE
    expect(raw).not.toContain('access-1')
    expect(Buffer.from(raw.split('.')[2] ?? '', 'base64url').toString()).not.toContain('refresh-1')
    const header = JSON.parse(Buffer.from(raw.split('.')[0] ?? '', 'base64url').toString()) as Record<string, string>
    expect(header).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'tokens', bank: '17515', psu: '9999999901' })
    await store.delete(LEA)
    expect(await store.get(LEA)).toBeUndefined()
    await backend.close?.()
  })

  it('a tampered record is refused (one byte of the ciphertext, or a re-labelled header)', async () => {
    const backend = await open()
    const store = new SealedTokenStore(backend, new RecordSealer([K1]), { tpp: 'TPP-A', clock: Date.now })
    await store.set(LEA, tokens(2))
    const raw = (await backend.get(tokenRecordKey('TPP-A', LEA))) ?? ''
    const parts = raw.split('.')
    const cipher = Buffer.from(parts[3] ?? '', 'base64url')
    cipher[0] = (cipher[0] ?? 0) ^ 1
    await backend.set(
      tokenRecordKey('TPP-A', LEA),
      [parts[0], parts[1], parts[2], cipher.toString('base64url'), parts[4]].join('.'),
    )
    await expect(store.get(LEA)).rejects.toMatchObject({ code: 'REAUTHORIZATION_REQUIRED', reason: 'unreadable' })

    // The header names Claire now: AES-GCM authenticates it, so the record no longer opens at all.
    const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString()) as Record<string, string>
    const relabelled = Buffer.from(JSON.stringify({ ...header, psu: CLAIRE.psuId })).toString('base64url')
    await backend.set(tokenRecordKey('TPP-A', CLAIRE), [relabelled, ...parts.slice(1)].join('.'))
    await expect(store.get(CLAIRE)).rejects.toBeInstanceOf(SealedRecordRejectedError)
    await backend.close?.()
  })

  it("a record swapped under another PSU's key is refused as that PSU's", async () => {
    const backend = await open()
    const store = new SealedTokenStore(backend, new RecordSealer([K1]), { tpp: 'TPP-A', clock: Date.now })
    await store.set(LEA, tokens(3))
    await backend.set(tokenRecordKey('TPP-A', CLAIRE), (await backend.get(tokenRecordKey('TPP-A', LEA))) ?? '')
    await expect(store.get(CLAIRE)).rejects.toMatchObject({ code: 'REAUTHORIZATION_REQUIRED', reason: 'wrong-binding' })
    expect(await store.get(LEA)).toEqual(tokens(3))
    await backend.close?.()
  })

  it('a record already opened is opened again from memory only under its own binding, as a fresh copy', async () => {
    const backend = await open()
    const sealer = new RecordSealer([K1])
    const store = new SealedTokenStore(backend, sealer, { tpp: 'TPP-A', clock: Date.now })
    await store.set(LEA, tokens(8))
    const first = await store.get(LEA)
    const second = await store.get(LEA)
    expect(second).toEqual(tokens(8))
    expect(second).not.toBe(first) // a caller changing its copy changes nobody else's
    // The very text LEA's read just opened, moved under CLAIRE's key: still refused.
    await backend.set(tokenRecordKey('TPP-A', CLAIRE), (await backend.get(tokenRecordKey('TPP-A', LEA))) ?? '')
    await expect(store.get(CLAIRE)).rejects.toMatchObject({ reason: 'wrong-binding' })
    await expect(
      sealer.open(
        { typ: 'connection', bank: LEA.bank, psu: LEA.psuId },
        await backend.get(tokenRecordKey('TPP-A', LEA)),
      ),
    ).rejects.toMatchObject({ reason: 'wrong-binding' })
    // A new record (a refresh) is a new text: opened in full.
    await store.set(LEA, tokens(9))
    expect(await store.get(LEA)).toEqual(tokens(9))
    await backend.close?.()
  })

  it('key rotation: old records still open, new ones use the newest key; a dropped key is refused', async () => {
    const backend = await open()
    const before = new SealedTokenStore(backend, new RecordSealer([K1]), { tpp: 'TPP-A', clock: Date.now })
    await before.set(LEA, tokens(4))
    const rotated = new SealedTokenStore(backend, new RecordSealer([K1, K2]), { tpp: 'TPP-A', clock: Date.now })
    expect(await rotated.get(LEA)).toEqual(tokens(4))
    await rotated.set(CLAIRE, tokens(5))
    expect(RecordSealer.kidOf((await backend.get(tokenRecordKey('TPP-A', CLAIRE))) ?? '')).toBe('k2')
    await rotated.set(LEA, tokens(6)) // a refresh rewrites it: now on the new key too
    expect(RecordSealer.kidOf((await backend.get(tokenRecordKey('TPP-A', LEA))) ?? '')).toBe('k2')
    const onlyNew = new SealedTokenStore(backend, new RecordSealer([K2]), { tpp: 'TPP-A', clock: Date.now })
    expect(await onlyNew.get(LEA)).toEqual(tokens(6))
    await before.set(LEA, tokens(7)) // a replica still on k1 only
    await expect(onlyNew.get(LEA)).rejects.toMatchObject({ reason: 'unknown-key' })
    await backend.close?.()
  })

  it('with a hash tag (as stores/ open it) records sit under it; one written before (no tag) still opens and moves on the next write', async () => {
    const backend = await open()
    const hashTag = psuHashTagOf
    const store = new SealedTokenStore(backend, new RecordSealer([K1]), { tpp: 'TPP-A', clock: Date.now, hashTag })
    const taggedKey = tokenRecordKey('TPP-A', LEA, hashTag(LEA))
    expect(taggedKey).toBe('tokens:{17515:9999999901}TPP-A|17515|9999999901')
    const legacyKey = tokenRecordKey('TPP-A', LEA)
    expect(legacyKey).toBe('tokens:TPP-A|17515|9999999901')
    await store.set(LEA, tokens(8))
    await backend.set(legacyKey, (await backend.get(taggedKey)) ?? '')
    await backend.delete(taggedKey)
    expect(await store.get(LEA)).toEqual(tokens(8)) // the upgrade keeps the PSU linked
    await store.set(LEA, tokens(9))
    expect(await backend.get(legacyKey)).toBeUndefined()
    expect(await store.get(LEA)).toEqual(tokens(9))
    await store.delete(LEA)
    expect(await store.get(LEA)).toBeUndefined()
    await backend.close?.()
  })
})

describe('files at rest', () => {
  it('the lmdb token folder is 0700 and its files 0600, even under a permissive umask', async () => {
    const previous = process.umask(0o000)
    const folder = path.join(dir, 'private-check', 'tokens')
    let backend: LmdbRecordBackend
    try {
      backend = await LmdbRecordBackend.open(folder, Date.now)
    } finally {
      process.umask(previous)
    }
    const store = new SealedTokenStore(backend, new RecordSealer([K1]), { tpp: 'TPP-A', clock: Date.now })
    await store.set(LEA, tokens(8))
    expect((await stat(folder)).mode & 0o777).toBe(0o700)
    const files = await readdir(folder)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) expect((await stat(path.join(folder, file))).mode & 0o777).toBe(0o600)
    await backend.close()
  })
})

describe('StoreWithMemoryFallback', () => {
  it('serves the last tokens while the shared store is down, stays bounded, and never papers over a refusal', async () => {
    let failure: Error | undefined
    const memory = new MemoryTokenStore()
    const flaky: TokenStore = {
      get: async (r) => {
        if (failure !== undefined) throw failure
        return memory.get(r)
      },
      set: async (r, t) => memory.set(r, t),
      delete: async (r) => memory.delete(r),
    }
    const errors: unknown[] = []
    const store = new StoreWithMemoryFallback(flaky, (e) => errors.push(e), { maxEntries: 2 })
    await store.set(LEA, tokens(3))
    await store.set({ ...LEA, psuId: 'p2' }, tokens(4))
    await store.set({ ...LEA, psuId: 'p3' }, tokens(5))
    failure = new RecordStoreUnavailableError(new Error('down'))
    expect(await store.get({ ...LEA, psuId: 'p3' })).toEqual(tokens(5))
    await expect(store.get(LEA)).rejects.toBe(failure) // evicted from memory: no guess
    expect(errors).toHaveLength(1)
    failure = new SealedRecordRejectedError('tokens', 'wrong-binding')
    await expect(store.get({ ...LEA, psuId: 'p3' })).rejects.toBe(failure)
  })

  it('a Redis that is gone is STORE_UNAVAILABLE', async () => {
    const dead = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true }) as RedisClientType
    const store = new SealedTokenStore(new RedisRecordBackend(dead, { prefix }), new RecordSealer([K1]), {
      tpp: 'TPP-A',
      clock: Date.now,
    })
    await expect(store.get(LEA)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })
})

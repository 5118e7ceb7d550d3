/**
 * The bank reader against a real embedded ledger and a real keyv cache, with a bank call the test controls: the
 * races a sandbox cannot stage (an answer that arrives after a consent change, a lease store that fails).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import Keyv from 'keyv'
import type { Caller } from '../../src/auth/caller.js'
import { CacheUnavailableError, FreshnessCache } from '../../src/cache/freshness-cache.js'
import { FreshnessPolicy } from '../../src/cache/freshness-policy.js'
import { RefusalMemory } from '../../src/cache/refusal-memory.js'
import { processLocalLock, type DistributedLock } from '../../src/cache/single-flight.js'
import { EmbeddedLedger } from '../../src/quota/embedded-ledger.js'
import { BankReader } from '../../src/services/bank-reader.js'
import { QuotaExhaustedError } from '../../src/services/read-errors.js'
import { ReplayRefusedError } from '../../src/stet/stet-errors.js'
import type { BankAccess } from '../../src/stet-api/access.js'

const caller: Caller = { psuId: 'P1', consumer: 'partner', presence: undefined, banks: ['17515'] }
const target = { bank: '17515', iban: 'FR7617515000920400430518020', method: 'balances' as const }
let dir: string
let ledger: EmbeddedLedger

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stetgw-reader-'))
  ledger = new EmbeddedLedger({ dir, trustEmptyStore: true })
})
afterEach(async () => {
  await ledger.close()
  await rm(dir, { recursive: true, force: true })
})

function reader(lock: DistributedLock = processLocalLock, options: { floorMs?: number; clock?: () => number } = {}) {
  const keyv = new Keyv()
  const cache = new FreshnessCache(keyv, { retentionMs: 3600_000 })
  return new BankReader({
    refusals: new RefusalMemory(keyv, { retentionMs: 3600_000 }),
    tpp: 'TPP',
    cache,
    ledger,
    policy: new FreshnessPolicy({ minMaxAgeMs: options.floorMs ?? 0 }),
    lock,
    clock: options.clock ?? Date.now,
    lockTtlMs: 2000,
  })
}

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('BankReader', () => {
  it('a replay refused after a token refresh is QUOTA_EXHAUSTED with the next allowed time', async () => {
    const r = reader()
    const parts = r.quotaParts(caller, target)
    for (let i = 0; i < 3; i++) expect((await ledger.reserve(parts)).kind).toBe('granted')
    const op = { cacheOnly: false, spent: 0 }
    const read = r.read(caller, target, op, async (access) => {
      // What the STET client does on 401 invalid_token: a unit for the replay first, and none is left.
      if (access.kind !== 'reservation') throw new Error('expected a reservation')
      expect(await access.reserveReplay()).toBeUndefined()
      throw new ReplayRefusedError('balances')
    })
    const error = await read.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QuotaExhaustedError)
    const expected = (await ledger.status(parts)).nextAllowedAt
    expect(expected).not.toBeNull()
    expect((error as QuotaExhaustedError).nextAllowedAt).toBe(expected)
  })

  it('keys carry tpp + bank + PSU: a joint account cached for one PSU is never served to another (inv. 8)', async () => {
    const r = reader()
    const other: Caller = { ...caller, psuId: 'P2' }
    // Under the PSU's hash tag (one Redis Cluster slot per PSU at a bank), then the quota key.
    expect(r.cacheKey(caller, target)).toBe(`{17515:P1}TPP|17515|P1|${target.iban}|balances`)
    expect(r.cacheKey(other, target)).not.toBe(r.cacheKey(caller, target))
    expect(r.cacheKey(caller, { ...target, bank: '11315' })).not.toBe(r.cacheKey(caller, target))
    const op = { cacheOnly: false, spent: 0 }
    expect((await r.read(caller, target, op, async () => 'P1 balances')).value).toBe('P1 balances')
    // Same account, another PSU: nothing cached for them, so their own bank call (and their own quota) it is.
    const calls: string[] = []
    const theirs = await r.read(other, target, op, async () => {
      calls.push('P2')
      return 'P2 balances'
    })
    expect(theirs.value).toBe('P2 balances')
    expect(calls).toEqual(['P2'])
    expect(op.spent).toBe(2)
    expect(await r.peek(other, { ...target, bank: '11315' })).toBeUndefined()
    expect((await r.quotaStatus(other, target)).used).toBe(1)
  })

  it('an answer that was in flight when the key was invalidated is returned but not cached', async () => {
    const r = reader()
    const answer = deferred<string>()
    const started = deferred<void>()
    const op = { cacheOnly: false, spent: 0 }
    const inFlight = r.read(caller, target, op, () => {
      started.resolve()
      return answer.promise
    })
    await started.promise // the request has left for the bank
    await r.invalidate([r.cacheKey(caller, target)])
    answer.resolve('before the consent')
    expect((await inFlight).value).toBe('before the consent')
    expect(await r.peek(caller, target)).toBeUndefined()
  })

  it('a refresh read joins no earlier flight and serves nothing cached from before it', async () => {
    const r = reader()
    const first = deferred<string>()
    const op = { cacheOnly: false, spent: 0 }
    const earlier = r.read(caller, target, op, () => first.promise)
    const calls: string[] = []
    const refreshed = r.read(
      caller,
      target,
      op,
      async () => {
        calls.push('refresh')
        return 'after'
      },
      { refresh: true },
    )
    expect((await refreshed).value).toBe('after')
    first.resolve('before')
    await earlier
    expect(calls).toEqual(['refresh'])
    expect(op.spent).toBe(2)
  })

  it('fails closed: a ledger that cannot be reached makes no bank call and serves the cache stale', async () => {
    const r = reader()
    const op = { cacheOnly: false, spent: 0 }
    await r.read(caller, target, op, async () => 'v1')
    await ledger.close()
    let called = false
    const fetch = async (_access: BankAccess) => {
      called = true
      return 'v2'
    }
    const stale = await r.read(caller, target, { cacheOnly: false, spent: 0 }, fetch)
    // The value is fresh by the policy only if the ledger answers; here it cannot, so the cache serves it stale.
    expect(stale).toMatchObject({ value: 'v1', freshness: { source: 'CACHE', stale: true } })
    await expect(
      r.read(caller, { ...target, method: 'overdrafts' }, { cacheOnly: false, spent: 0 }, fetch),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(called).toBe(false)
  })

  it('a value younger than the floor is fresh without a ledger read; past it the ledger decides', async () => {
    let now = Date.now()
    const r = reader(processLocalLock, { floorMs: 60_000, clock: () => now })
    await r.read(caller, target, { cacheOnly: false, spent: 0 }, async () => 'v1')
    // The ledger is gone: a read that asked it would serve the value stale (the test above).
    await ledger.close()
    const fetch = async () => 'v2'
    now += 59_000
    expect(await r.read(caller, target, { cacheOnly: false, spent: 0 }, fetch)).toMatchObject({
      value: 'v1',
      freshness: { source: 'CACHE', stale: false },
    })
    now += 2_000
    expect(await r.read(caller, target, { cacheOnly: false, spent: 0 }, fetch)).toMatchObject({
      value: 'v1',
      freshness: { source: 'CACHE', stale: true },
    })
  })

  it('a lease store that fails is STORE_UNAVAILABLE (typed, stale-servable) and never calls the bank', async () => {
    const failing: DistributedLock = {
      acquire: async () => {
        throw new CacheUnavailableError(new Error('connection reset'))
      },
    }
    const r = reader(failing)
    let calls = 0
    const fetch = async () => {
      calls++
      return 'v'
    }
    await expect(r.read(caller, target, { cacheOnly: false, spent: 0 }, fetch)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    })
    expect(calls).toBe(0)
  })
})

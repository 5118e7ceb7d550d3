import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import type { RedisClientType } from 'redis'
import type { QuotaLedger } from '../../src/quota/quota-ledger.js'
import {
  createQuotaPolicy,
  formatQuotaHashTag,
  formatQuotaKey,
  StoreUnavailableError,
} from '../../src/quota/quota-ledger.js'
import { RedisLedger } from '../../src/quota/redis-ledger.js'
import type { LedgerHarness, LedgerOpenOptions } from './ledger-contract.js'
import { describeLedgerContract, grantedOf, HOUR, keyOf, paris, TestClock } from './ledger-contract.js'

const REDIS_URL = 'redis://127.0.0.1:6379'

/** Deletes every key under a prefix: what a Redis restarting empty does to this ledger's keys. */
async function deletePrefix(admin: RedisClientType, prefix: string): Promise<number> {
  let deleted = 0
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length > 0) deleted += await admin.del(keys)
  }
  return deleted
}

class RedisHarness implements LedgerHarness {
  prefix = ''
  readonly admin: RedisClientType = createClient({ url: REDIS_URL })
  readonly #open: QuotaLedger[] = []

  async reset(): Promise<void> {
    if (!this.admin.isOpen) await this.admin.connect()
    this.prefix = `test:quota:${randomUUID()}:`
  }

  open(options: LedgerOpenOptions): QuotaLedger {
    const ledger = new RedisLedger({ url: REDIS_URL, prefix: this.prefix, ...options })
    this.#open.push(ledger)
    return ledger
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.#open.splice(0).map((ledger) => ledger.close()))
    await deletePrefix(this.admin, this.prefix)
  }

  /** The store loses every key of this ledger, its epoch included. */
  wipe(): Promise<number> {
    return deletePrefix(this.admin, this.prefix)
  }
}

const harness = new RedisHarness()
afterAll(() => harness.admin.close())

describeLedgerContract('RedisLedger', harness)

describe('RedisLedger: Redis specifics', () => {
  beforeAll(() => harness.reset())
  afterEach(async () => {
    await harness.cleanup()
    await harness.reset()
  })

  it('uses the documented keys, hash-tagged by bank and PSU', async () => {
    const ledger = harness.open({ clock: new TestClock(paris('2026-02-10T10:00')).read, trustEmptyStore: true })
    grantedOf(await ledger.reserve(keyOf()))
    const keys: string[] = []
    for await (const batch of harness.admin.scanIterator({ MATCH: `${harness.prefix}*` })) keys.push(...batch)
    const tag = formatQuotaHashTag(keyOf())
    expect(tag).toBe('{caisse-epargne:9999999901}')
    expect(keys.sort()).toEqual(
      [
        `${harness.prefix}${tag}:${formatQuotaKey(keyOf())}`,
        `${harness.prefix}witness`,
        `${harness.prefix}epoch`,
      ].sort(),
    )
  })

  it('takes time from Redis TIME when no test clock is given', async () => {
    const ledger = harness.open({ trustEmptyStore: true })
    const admin = harness.admin
    const [seconds] = await admin.time()
    grantedOf(await ledger.reserve(keyOf()))
    const grants = await admin.zRangeWithScores(
      `${harness.prefix}${formatQuotaHashTag(keyOf())}:${formatQuotaKey(keyOf())}`,
      0,
      -1,
    )
    expect(grants).toHaveLength(1)
    expect(Math.floor((grants[0]?.score ?? 0) / 1000)).toBeGreaterThanOrEqual(Number(seconds))
    expect((await ledger.status(keyOf())).used).toBe(1)
  })

  it('counts on Redis TIME when this replica’s clock is hours wrong, and fails closed when it is days wrong', async () => {
    const ledger = harness.open({ trustEmptyStore: true })
    const realNow = Date.now.bind(Date)
    const withSkew = async <T>(skewMs: number, work: () => Promise<T>): Promise<T> => {
      const skewed = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + skewMs)
      try {
        return await work()
      } finally {
        skewed.mockRestore()
      }
    }
    grantedOf(await withSkew(-5 * HOUR, () => ledger.reserve(keyOf())))
    const [seconds] = await harness.admin.time()
    const grants = await harness.admin.zRangeWithScores(
      `${harness.prefix}${formatQuotaHashTag(keyOf())}:${formatQuotaKey(keyOf())}`,
      0,
      -1,
    )
    expect(grants).toHaveLength(1)
    // Stamped with the store's time (within seconds), not with the replica's clock five hours behind.
    expect(Math.abs((grants[0]?.score ?? 0) / 1000 - Number(seconds))).toBeLessThan(10)
    // Days apart, the replica cannot even name the store's Paris day: no grant rather than a wrong one.
    await expect(withSkew(-3 * 24 * HOUR, () => ledger.reserve(keyOf()))).rejects.toBeInstanceOf(StoreUnavailableError)
    expect((await ledger.status(keyOf())).used).toBe(1)
  })

  it('throws StoreUnavailableError and never grants when Redis cannot be reached', async () => {
    const ledger = new RedisLedger({ url: 'redis://127.0.0.1:1', prefix: harness.prefix, trustEmptyStore: true })
    try {
      await expect(ledger.reserve(keyOf())).rejects.toBeInstanceOf(StoreUnavailableError)
      await expect(ledger.reserve(keyOf())).rejects.toBeInstanceOf(StoreUnavailableError)
      await expect(ledger.status(keyOf())).rejects.toBeInstanceOf(StoreUnavailableError)
    } finally {
      await ledger.close()
    }
  })

  it('fails closed once closed', async () => {
    const ledger = harness.open({ clock: new TestClock(paris('2026-02-10T10:00')).read, trustEmptyStore: true })
    grantedOf(await ledger.reserve(keyOf()))
    await ledger.close()
    await expect(ledger.reserve(keyOf())).rejects.toBeInstanceOf(StoreUnavailableError)
  })

  it('treats a Redis that comes back empty as lost: every key refused until the lost windows pass', async () => {
    const clock = new TestClock(paris('2026-02-10T10:00'))
    const replica = harness.open({ clock: clock.read, trustEmptyStore: true })
    for (let i = 0; i < 4; i++) grantedOf(await replica.reserve(keyOf()))
    expect(await harness.wipe()).toBeGreaterThan(0)
    clock.now = paris('2026-02-10T20:00')
    const until = paris('2026-02-11T20:00') // max(next Paris midnight, lostAt + 24 h)
    expect(await replica.reserve(keyOf())).toMatchObject({
      kind: 'refused',
      reason: 'store-lost',
      nextAllowedAt: until,
    })
    expect(await replica.reserve(keyOf({ psu: 'never-seen' }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    // Nothing was granted once the witness was found missing.
    expect(await replica.status(keyOf())).toMatchObject({ used: 0, exhaustedUntil: until, nextAllowedAt: until })
    // Other replicas, old or new, trusting or not, adopt the recorded loss.
    const fresh = harness.open({ clock: clock.read, trustEmptyStore: true })
    expect(await fresh.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'store-lost', nextAllowedAt: until })
    clock.now = until - 1
    expect(await replica.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    clock.now = until
    expect(grantedOf(await replica.reserve(keyOf())).used).toBe(1)
    expect(grantedOf(await fresh.reserve(keyOf())).used).toBe(2)
  })

  it('sees the loss from a replica that had not used the lost key, and from a new PSU', async () => {
    const clock = new TestClock(paris('2026-02-10T10:00'))
    const a = harness.open({ clock: clock.read, trustEmptyStore: true })
    const b = harness.open({ clock: clock.read, trustEmptyStore: true })
    grantedOf(await a.reserve(keyOf()))
    grantedOf(await b.reserve(keyOf({ psu: 'b-only' })))
    await harness.wipe()
    expect(await b.reserve(keyOf({ psu: 'brand-new' }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    expect(await a.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'store-lost' })
  })

  it('treats an empty Redis at start as lost without trustEmptyStore (production)', async () => {
    const clock = new TestClock(paris('2026-02-10T10:00'))
    const ledger = harness.open({
      clock: clock.read,
      trustEmptyStore: false,
      policy: createQuotaPolicy({ windows: 'calendar-day' }),
    })
    expect(await ledger.reserve(keyOf())).toMatchObject({
      kind: 'refused',
      reason: 'store-lost',
      nextAllowedAt: paris('2026-02-11T00:00'),
    })
  })

  it('keeps counting on the store clock across midnight for a replica joining later', async () => {
    const clock = new TestClock(paris('2026-02-10T23:30'))
    const a = harness.open({ clock: clock.read, trustEmptyStore: true })
    for (let i = 0; i < 4; i++) grantedOf(await a.reserve(keyOf()))
    clock.now += HOUR
    const b = harness.open({ clock: clock.read, trustEmptyStore: false })
    expect(await b.reserve(keyOf())).toMatchObject({
      kind: 'refused',
      reason: 'limit',
      nextAllowedAt: paris('2026-02-11T23:30'),
    })
  })
})

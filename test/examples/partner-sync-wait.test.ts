/**
 * The partner example's wait and defer (examples/partner-sync.ts, step 2) end to end: the day's budget is spent and
 * the gateway's cache is lost (Redis evicted it; the ledger in the same Redis kept its counts), so every read would
 * need a call the bank no longer allows. Without waiting, the sync defers to Paris midnight and asks the bank for
 * nothing; allowed to wait past midnight, it sleeps (the test's clock, shared with the gateway and the sandbox) and
 * then reads everything live on the new day. The sandbox's counters are the referee: nothing refused, ever.
 */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import { syncPartner } from '../../examples/partner-sync.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { GILLES } from '../support/sandbox-personas.js'
import { seedDataDir, startTestGateway, type TestGateway } from '../support/test-gateway.js'

const prefix = `stetgw-test-${randomUUID()}:`
const redis = createClient({ url: 'redis://127.0.0.1:6379' })
// 23:00 in Paris (CET) on 24 November: the bank's day ends at 23:00 UTC.
const clock = manualClock('2026-11-24T22:00:00Z')
const MIDNIGHT_PARIS = '2026-11-24T23:00:00.000Z'
const env = {
  SANDBOX_PERSONAS: 'true',
  SANDBOX_PERSONA_IDS: GILLES,
  QUOTA_WINDOWS: 'calendar-day',
  CACHE_MIN_BATCH_MAX_AGE_MS: '0',
  STORE_URL: 'redis://127.0.0.1:6379',
  STORE_PREFIX: prefix,
}
let sandbox: SandboxBank
let dataDir: string
let t: TestGateway

beforeAll(async () => {
  await redis.connect()
  sandbox = await startExternalSandbox(clock)
  dataDir = await seedDataDir()
  t = await startTestGateway({ ...env, STET_BASE_URL: sandbox.url }, { clock, dataDir })
})
afterAll(async () => {
  await t?.close({ keepData: true })
  await sandbox?.close()
  await rm(dataDir, { recursive: true, force: true })
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(keys)
  await redis.quit()
})

function refereeKeys(day: string) {
  return sandbox.stats().keys.filter((k) => k.psuId === GILLES && k.day === day)
}

describe('examples/partner-sync.ts: nothing left and nothing cached', () => {
  it('defers to nextAllowedAt without a bank call, or waits for it and then reads live', async () => {
    const token = await t.gateway.devToken(GILLES)
    const endpoint = () => `${t.gateway.url}/graphql`
    // Four live syncs 16 minutes apart spend every account's BALANCES and TRANSACTIONS budget for the day.
    for (const minutes of [0, 16, 32, 48]) {
      clock.set(new Date(Date.parse('2026-11-24T22:00:00Z') + minutes * 60_000).toISOString())
      expect((await syncPartner({ endpoint: endpoint(), token, now: clock })).mode).toBe('live')
    }
    for (const method of ['balances', 'transactions'])
      expect(
        refereeKeys('2026-11-24')
          .filter((k) => k.method === method)
          .map((k) => k.batch),
      ).toEqual([4, 4, 4])

    // The cache is lost (evicted), the counts are not; a restarted gateway holds nothing in memory either.
    await t.close({ keepData: true })
    const cacheKeys = await redis.keys(`${prefix}cache*`)
    expect(cacheKeys.length).toBeGreaterThan(0)
    await redis.del(cacheKeys)
    t = await startTestGateway({ ...env, STET_BASE_URL: sandbox.url }, { clock, dataDir })
    clock.set('2026-11-24T22:50:00Z')
    const before = sandbox.stats().totals

    // maxWaitMs 0 (the default): nothing can be read today, so the sync defers to Paris midnight.
    const deferred = await syncPartner({ endpoint: endpoint(), token, now: clock })
    expect(deferred).toMatchObject({ mode: 'cache-only', deferredUntil: MIDNIGHT_PARIS, waitedMs: 0 })
    expect(deferred.unattendedBankCalls).toBe(0)
    // Even the account list is spent (the linking and the four syncs) and gone from the cache: read as NOT_CACHED.
    expect(deferred.accounts).toEqual([])
    expect(deferred.skipped).toEqual([{ code: 'NOT_CACHED', path: 'accounts' }])
    expect(sandbox.stats().totals).toEqual(before)

    // Allowed to wait 15 minutes: it sleeps until midnight (the shared clock moves), then reads the new day live.
    const slept: number[] = []
    const waited = await syncPartner({
      endpoint: endpoint(),
      token,
      now: clock,
      maxWaitMs: 15 * 60_000,
      sleep: async (ms) => {
        slept.push(ms)
        clock.advance(ms)
      },
    })
    expect(slept.length).toBeGreaterThan(0)
    expect(waited.waitedMs).toBe(slept.reduce((a, b) => a + b, 0))
    expect(waited.waitedMs).toBeGreaterThanOrEqual(10 * 60_000) // 23:50 → midnight in Paris
    expect(clock()).toBeGreaterThanOrEqual(Date.parse(MIDNIGHT_PARIS))
    expect(waited).toMatchObject({ mode: 'live', deferredUntil: undefined, skipped: [] })
    expect(waited.accounts.length).toBe(3)
    for (const { account, transactions } of waited.accounts) {
      expect(account.balances?.length).toBeGreaterThan(0)
      expect(transactions.length).toBeGreaterThan(0)
    }
    for (const method of ['balances', 'transactions'])
      expect(
        refereeKeys('2026-11-25')
          .filter((k) => k.method === method)
          .map((k) => k.batch),
      ).toEqual([1, 1, 1])
    expect(sandbox.stats().totals.refused).toBe(0)
  })
})

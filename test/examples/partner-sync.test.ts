/**
 * The partner example (examples/partner-sync.ts) against the sandbox bank, as a partner's cron would run it: six
 * syncs in a row for GILLES (3 accounts), each long enough after the last that the gateway's freshness policy wants
 * the bank again, up to Paris midnight. One clock is shared by the gateway and the sandbox; the sandbox's counters
 * (per key and Paris day) are the referee: never more than 4, never a refusal, and the sync never sees a limit error.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { assessBudget, syncPartner, type SyncReport } from '../../examples/partner-sync.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { GILLES } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

let sandbox: SandboxBank
let t: TestGateway
// 23:00 in Paris (CET): the last hour of the bank's day, when the policy spreads the 4 calls over minutes.
const clock = manualClock('2026-11-24T22:00:00Z')

beforeAll(async () => {
  sandbox = await startExternalSandbox(clock)
  t = await startTestGateway(
    {
      STET_BASE_URL: sandbox.url,
      SANDBOX_PERSONAS: 'true',
      SANDBOX_PERSONA_IDS: GILLES,
      QUOTA_WINDOWS: 'calendar-day',
      CACHE_MIN_BATCH_MAX_AGE_MS: '0',
    },
    { clock },
  )
})
afterAll(async () => {
  await t.close()
  await sandbox.close()
})

function refereeKeys() {
  return sandbox.stats().keys.filter((k) => k.psuId === GILLES)
}

describe('examples/partner-sync.ts', () => {
  it('six syncs in a row: every account, balance and transaction each time, and ≤ 4 calls per key and day', async () => {
    const token = await t.gateway.devToken(GILLES)
    const endpoint = `${t.gateway.url}/graphql`
    const linking = refereeKeys().reduce((n, k) => n + k.batch, 0)
    const reports: SyncReport[] = []
    // Minutes after 23:00: 16 minutes apart outlast each freshness share until the budget is spent, then 4.
    for (const minutes of [0, 16, 32, 48, 52, 56]) {
      clock.set(new Date(Date.parse('2026-11-24T22:00:00Z') + minutes * 60_000).toISOString())
      reports.push(await syncPartner({ endpoint, token, now: clock }))
    }

    for (const report of reports) {
      expect(report.accounts.length).toBe(3)
      for (const { account, transactions, transactionsFreshness } of report.accounts) {
        expect(account.balances?.length).toBeGreaterThan(0)
        expect(transactions.length).toBeGreaterThan(0)
        expect(transactionsFreshness).toBeDefined()
        // The quota read with the data already counts this sync's own calls.
        expect(account.quota?.find((q) => q.method === 'TRANSACTIONS')?.used).toBeLessThanOrEqual(4)
      }
      expect(report.skipped).toEqual([])
      expect(report.waitedMs).toBe(0)
    }
    // The first four syncs spent a call per account on balances and on transactions; the last two nothing.
    for (const r of reports.slice(0, 4)) expect(r.unattendedBankCalls).toBeGreaterThanOrEqual(6)
    expect(reports.slice(4).map((r) => [r.mode, r.unattendedBankCalls])).toEqual([
      ['cache-only', 0],
      ['cache-only', 0],
    ])
    // What the last sync served is the bank's last answer, flagged as coming from the cache.
    for (const { account } of reports[5]?.accounts ?? []) {
      expect(account.balances?.[0]?.freshness.source).toBe('CACHE')
      expect(account.quota?.find((q) => q.method === 'BALANCES')).toMatchObject({ used: 4, remaining: 0 })
    }

    // What the gateway says it spent is what reached the bank.
    const keys = refereeKeys()
    expect(keys.reduce((n, k) => n + k.batch, 0) - linking).toBe(reports.reduce((n, r) => n + r.unattendedBankCalls, 0))
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      expect(key.batch).toBeLessThanOrEqual(4)
      expect(key.refused).toBe(0)
    }
    for (const method of ['balances', 'transactions'])
      expect(keys.filter((k) => k.method === method).map((k) => k.batch)).toEqual([4, 4, 4])
  })
})

describe('assessBudget: when the sync may read live, must wait, or defers', () => {
  const quota = (remaining: number, nextAllowedAt: string | null = null) => ({ remaining, nextAllowedAt })
  it('reads live while every needed method has a call left or a cached value', () => {
    expect(
      assessBudget([
        { quota: quota(1), cached: false },
        { quota: quota(0), cached: true },
      ]),
    ).toEqual({
      blockedUntil: undefined,
      nothingLeft: false,
    })
  })
  it('nothing left anywhere but all cached: cache only, nothing blocked', () => {
    expect(assessBudget([{ quota: quota(0, '2026-11-24T23:00:00.000Z'), cached: true }])).toEqual({
      blockedUntil: undefined,
      nothingLeft: true,
    })
  })
  it('a method with nothing left and nothing cached blocks until the latest nextAllowedAt; unknown is never', () => {
    expect(
      assessBudget([
        { quota: quota(0, '2026-11-24T23:00:00.000Z'), cached: false },
        { quota: quota(0, '2026-11-24T23:30:00.000Z'), cached: false },
        { quota: quota(2), cached: false },
      ]).blockedUntil,
    ).toBe(Date.parse('2026-11-24T23:30:00.000Z'))
    expect(assessBudget([{ quota: undefined, cached: false }]).blockedUntil).toBe(Infinity)
  })
})

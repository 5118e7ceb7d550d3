/**
 * Under load: 200 concurrent identical unattended queries, waves through one Paris day, and present-PSU reads.
 * The sandbox bank counts every call and answers 429 past 4 by itself: it must never have to.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { countCalls } from '../support/sandbox-counts.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../support/test-gateway.js'

const LEA = '9999999901'
const LEA_IBAN = 'FR7617515000920400430518020'
const clock = manualClock('2026-11-24T00:30:00Z') // 01:30 Paris
let sandbox: SandboxBank
let t: TestGateway

beforeAll(async () => {
  // A bank that takes 40 ms to answer, so that concurrent calls on one key would overlap there if they were made.
  sandbox = await startExternalSandbox(clock, { latencyMs: 40 })
  t = await startTestGateway(
    { STET_BASE_URL: sandbox.url, SANDBOX_PERSONAS: 'true', CACHE_MIN_BATCH_MAX_AGE_MS: '0' },
    { clock },
  )
})
afterAll(async () => {
  await t.close()
  await sandbox.close()
})

const BALANCES = '{ accounts { iban balances { amount { amount } freshness { source stale psuPresent fetchedAt } } } }'

function leaBalances(res: GraphQLResponse) {
  const accounts = res.data?.accounts as
    | { iban: string; balances: { amount: { amount: string }; freshness: Record<string, unknown> }[] | null }[]
    | undefined
  return accounts?.find((a) => a.iban === LEA_IBAN)
}

describe('200 concurrent identical unattended queries', () => {
  it('waves through a whole Paris day: never more than 4 bank calls per key, never a 429, always data or QUOTA_EXHAUSTED', async () => {
    const token = async () => t.gateway.devToken(LEA)
    const sources: string[] = []
    // Eight waves, three hours apart, all within 2026-11-24 in Paris (01:30 → 22:30).
    for (let wave = 0; wave < 8; wave++) {
      const tk = await token()
      const answers = await Promise.all(Array.from({ length: 200 }, () => t.query(BALANCES, { token: tk })))
      for (const res of answers) {
        const lea = leaBalances(res)
        const balanceError = res.errors?.find((e) => e.path?.includes('balances'))
        if (lea?.balances) {
          expect(lea.balances[0]?.amount.amount).toBe('-150.00')
          sources.push(`${String(lea.balances[0]?.freshness.source)}:${String(lea.balances[0]?.freshness.stale)}`)
        } else {
          expect(balanceError?.extensions?.code).toBe('QUOTA_EXHAUSTED')
        }
      }
      clock.advance(3 * 3600_000)
    }
    const calls = countCalls(sandbox, { psuId: LEA, method: 'balances', iban: LEA_IBAN })
    expect(calls.batch).toBeLessThanOrEqual(4)
    expect(calls.batch).toBeGreaterThanOrEqual(3) // the freshness policy spreads the calls over the day
    expect(calls.refused).toBe(0)
    expect(sandbox.stats().totals.refused).toBe(0)
    // At most one bank call in flight per key: the 200 concurrent reads shared one.
    const key = sandbox.stats().keys.find((k) => k.psuId === LEA && k.method === 'balances' && k.iban === LEA_IBAN)
    expect(key?.maxInFlight).toBe(1)
    // Once the budget is spent, answers are the last good value flagged stale.
    expect(sources).toContain('CACHE:true')
    expect(sources).toContain('BANK:false')
    expect(sources).toContain('CACHE:false')
    // 1,600 GraphQL requests: on a shared 2-core machine this outlasts jest's default 30 s (a bound, not a figure).
  }, 120_000)
})

describe('present PSU', () => {
  it('is unlimited, sends PSU-IP-Address, counts nothing in the ledger, and refreshes what batch reads get', async () => {
    const present = await t.gateway.devToken('9999999903', { present: true })
    const before = countCalls(sandbox, { psuId: '9999999903', method: 'overdrafts' })
    for (let i = 0; i < 8; i++) {
      const res = await t.query(
        '{ accounts { overdraft { allowedAmount { amount } freshness { source psuPresent } } } }',
        { token: present },
      )
      expect(res.errors).toBeUndefined()
      expect(res.extensions?.unattendedBankCalls).toBe(0)
    }
    const after = countCalls(sandbox, { psuId: '9999999903', method: 'overdrafts' })
    expect(after.present - before.present).toBe(8) // the sandbox saw PSU-IP-Address on each
    expect(after.batch - before.batch).toBe(0)
    expect(after.refused).toBe(0)

    const quota = await t.query('{ accounts { quota { method used remaining } } }', { token: present })
    const overdraftQuota = (quota.data?.accounts as { quota: { method: string; used: number }[] }[])[0]?.quota.find(
      (q) => q.method === 'OVERDRAFTS',
    )
    expect(overdraftQuota).toMatchObject({ used: 0, remaining: 4 })

    // A batch read right after is served from what the present reads cached: no call, no quota.
    const batch = await t.query('{ accounts { overdraft { freshness { source psuPresent stale } } } }', {
      token: await t.gateway.devToken('9999999903'),
    })
    expect(batch.extensions?.unattendedBankCalls).toBe(0)
    expect((batch.data?.accounts as { overdraft: unknown }[])[0]?.overdraft).toEqual({
      freshness: { source: 'CACHE', psuPresent: true, stale: false },
    })
    expect(countCalls(sandbox, { psuId: '9999999903', method: 'overdrafts' }).batch).toBe(0)
  })

  it('cache-only reads spend nothing and say NOT_CACHED when there is nothing', async () => {
    const token = await t.gateway.devToken('9999999902')
    const before = sandbox.stats().totals
    const res = await t.query('query Q @cacheOnly { accounts { iban overdraft { allowedAmount { amount } } } }', {
      token,
    })
    expect(res.extensions?.unattendedBankCalls).toBe(0)
    expect(res.errors?.length).toBeGreaterThan(0)
    expect(res.errors?.every((e) => e.extensions?.code === 'NOT_CACHED')).toBe(true)
    expect(sandbox.stats().totals).toEqual(before)
  })
})

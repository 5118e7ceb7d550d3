/**
 * The ledger's windows seen end to end, with one injected clock shared by the gateway and the sandbox bank (the
 * referee, which answers 429 past 4 by itself): Paris midnight, both DST days, and the rolling 24 hours.
 * Tech'n Co's identity is never consented, so each unattended read is one bank call that nothing can cache: the
 * cleanest way to watch the budget being spent. The gateway remembers such a refusal until the consent changes
 * (DESIGN inv. 11, tested in test/e2e/bank-connections.test.ts); here each read first forgets it, as a consent change
 * would, so that every read reaches the ledger and the bank.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { countCalls } from '../support/sandbox-counts.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'

const TECHNCO = 'D0999993I0'
let gateway: TestGateway | undefined
let sandbox: SandboxBank | undefined

afterEach(async () => {
  await gateway?.close()
  await sandbox?.close()
  gateway = undefined
  sandbox = undefined
})

async function setUp(startIso: string, windows: string) {
  const clock = manualClock(startIso)
  sandbox = await startExternalSandbox(clock)
  gateway = await startTestGateway(
    { STET_BASE_URL: sandbox.url, SANDBOX_PERSONAS: 'true', QUOTA_WINDOWS: windows, CACHE_MIN_BATCH_MAX_AGE_MS: '0' },
    { clock },
  )
  const g = gateway
  const s = sandbox
  const caller = { psuId: TECHNCO, consumer: 'partner' as const, presence: undefined, banks: ['17515'] }
  const identity = async () => {
    await g.gateway.services.reader.forgetRefusals(caller, '17515')
    return g.query('{ identity { fullName } }', { token: await g.gateway.devToken(TECHNCO) })
  }
  const identityCalls = () => countCalls(s, { psuId: TECHNCO, method: 'identity' })
  return { clock, identity, identityCalls }
}

async function spend(identity: () => Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>, n: number) {
  const codes: unknown[] = []
  for (let i = 0; i < n; i++) codes.push((await identity()).errors?.[0]?.extensions?.code)
  return codes
}

describe('calendar day in Europe/Paris', () => {
  it('resets at Paris midnight, not UTC midnight', async () => {
    // 2026-11-24 23:30 Paris = 22:30Z (CET, UTC+1)
    const { clock, identity, identityCalls } = await setUp('2026-11-24T22:30:00Z', 'calendar-day')
    expect(await spend(identity, 4)).toEqual(Array(4).fill('CONSENT_REQUIRED'))
    const fifth = await identity()
    expect(fifth.errors?.[0]?.extensions).toEqual({
      code: 'QUOTA_EXHAUSTED',
      nextAllowedAt: '2026-11-24T23:00:00.000Z',
    })
    clock.set('2026-11-24T23:00:01Z') // 00:00:01 Paris: a new bank day, still Nov 24 in UTC
    expect(await spend(identity, 4)).toEqual(Array(4).fill('CONSENT_REQUIRED'))
    expect((await identity()).errors?.[0]?.extensions?.code).toBe('QUOTA_EXHAUSTED')
    expect(identityCalls()).toMatchObject({ batch: 8, refused: 0 })
  })

  it('spring DST: the 23-hour day of 2026-03-29 ends at 22:00Z', async () => {
    const { clock, identity, identityCalls } = await setUp('2026-03-29T21:30:00Z', 'calendar-day') // 23:30 CEST
    await spend(identity, 4)
    expect((await identity()).errors?.[0]?.extensions).toEqual({
      code: 'QUOTA_EXHAUSTED',
      nextAllowedAt: '2026-03-29T22:00:00.000Z',
    })
    clock.set('2026-03-29T22:00:01Z') // 00:00:01 on 2026-03-30 in Paris
    expect(await spend(identity, 1)).toEqual(['CONSENT_REQUIRED'])
    expect(identityCalls()).toMatchObject({ batch: 5, refused: 0 })
  })

  it('autumn DST: the 25-hour day of 2026-10-25 ends at 23:00Z', async () => {
    const { clock, identity, identityCalls } = await setUp('2026-10-25T22:00:00Z', 'calendar-day') // 23:00 CET
    await spend(identity, 4)
    clock.set('2026-10-25T22:59:00Z') // still 23:59 on the 25th in Paris
    expect((await identity()).errors?.[0]?.extensions).toEqual({
      code: 'QUOTA_EXHAUSTED',
      nextAllowedAt: '2026-10-25T23:00:00.000Z',
    })
    clock.set('2026-10-25T23:00:01Z')
    expect(await spend(identity, 1)).toEqual(['CONSENT_REQUIRED'])
    expect(identityCalls()).toMatchObject({ batch: 5, refused: 0 })
  })
})

describe('rolling 24 hours (the regulation’s wording), on by default', () => {
  it('refuses after Paris midnight where the calendar day alone would allow more', async () => {
    const { clock, identity, identityCalls } = await setUp('2026-11-24T22:00:00Z', 'both') // 23:00 Paris
    await spend(identity, 4)
    clock.set('2026-11-24T23:30:00Z') // 00:30 Paris on the 25th: the bank's day allows, 24 h have not passed
    const refused = await identity()
    expect(refused.errors?.[0]?.extensions).toEqual({
      code: 'QUOTA_EXHAUSTED',
      nextAllowedAt: '2026-11-25T22:00:00.000Z',
    })
    clock.set('2026-11-25T22:00:01Z')
    expect(await spend(identity, 1)).toEqual(['CONSENT_REQUIRED'])
    expect(identityCalls()).toMatchObject({ batch: 5, refused: 0 })
  })
})

describe('the quota as callers query it', () => {
  const QUOTA = '{ quota { method used remaining limit windows nextReset nextAllowedAt exhaustedUntil } }'
  type MethodQuota = { method: string; used: number; remaining: number; nextAllowedAt: string | null }
  const identityOf = (res: { data?: Record<string, unknown> | null }) =>
    (res.data?.quota as MethodQuota[] | undefined)?.find((q) => q.method === 'identity')

  it('Query.quota: used, remaining, window, next reset and next allowed time, and reading it spends nothing', async () => {
    const { identity, identityCalls } = await setUp('2026-11-24T22:30:00Z', 'calendar-day')
    const token = await gateway!.gateway.devToken(TECHNCO)
    const fresh = await gateway!.query(QUOTA, { token })
    expect(identityOf(fresh)).toEqual({
      method: 'identity',
      used: 0,
      remaining: 4,
      limit: 4,
      windows: 'calendar-day',
      nextReset: '2026-11-24T23:00:00.000Z',
      nextAllowedAt: null,
      exhaustedUntil: null,
    })
    await spend(identity, 3)
    expect(identityOf(await gateway!.query(QUOTA, { token }))).toMatchObject({ used: 3, remaining: 1 })
    await spend(identity, 1)
    const spent = await gateway!.query(QUOTA, { token })
    expect(identityOf(spent)).toMatchObject({ used: 4, remaining: 0, nextAllowedAt: '2026-11-24T23:00:00.000Z' })
    expect(spent.extensions?.unattendedBankCalls).toBe(0)
    // The ledger and the referee agree: four calls reached the bank, none refused.
    expect(identityCalls()).toMatchObject({ batch: 4, refused: 0 })
  })

  it('with both windows, after Paris midnight the rolling 24 hours still hold the count and say until when', async () => {
    const { clock, identity } = await setUp('2026-11-24T22:30:00Z', 'both')
    const token = await gateway!.gateway.devToken(TECHNCO)
    await spend(identity, 4)
    clock.set('2026-11-24T23:00:01Z')
    expect(identityOf(await gateway!.query(QUOTA, { token }))).toMatchObject({
      used: 4,
      remaining: 0,
      windows: 'both',
      nextReset: '2026-11-25T23:00:00.000Z',
      nextAllowedAt: '2026-11-25T22:30:00.000Z',
    })
  })
})

/**
 * The refresh scheduler over a simulated Paris day (issue 17), against the sandbox bank on one injected clock. The
 * sandbox's counters are the referee: per key and day the scheduler calls at most limit − reserve (4 − 1) times,
 * leaves the reserve to an on-demand read, never meets a refusal, skips keys a present PSU just refreshed, and its
 * first refresh of each account pushes BALANCES_UPDATED to the partner's webhook. Later: CONSENT_EXPIRING once, 14
 * days before the 180 days end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DateTime } from 'luxon'
import type { SlotReport } from '../../src/services/refresh-scheduler.js'
import { manualClock } from '../support/external-sandbox.js'
import { GILLES, LEA } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js'

// 05:00 in Paris (CET) on a Tuesday.
const clock = manualClock('2026-11-24T04:00:00Z')
let t: TestGateway
let receiver: WebhookReceiver

beforeAll(async () => {
  t = await startTestGateway(
    {
      SANDBOX_PERSONA_IDS: `${LEA},${GILLES}`,
      REFRESH_SCHEDULE: '06:00,11:00,16:00,21:00',
      // The test ticks by hand; the timer stays out of its way.
      REFRESH_TICK_MS: '3600000',
      WEBHOOK_POLL_MS: '20',
    },
    { clock },
  )
  receiver = await startWebhookReceiver()
  const res = await t.query(
    `mutation { registerWebhook(url: "${receiver.url}", events: [BALANCES_UPDATED, CONSENT_EXPIRING]) { id } }`,
    { token: await t.gateway.devToken(LEA) },
  )
  expect(res.errors).toBeUndefined()
})
afterAll(async () => {
  await t.close()
  await receiver.close()
})

/** Sets the clock to a Paris wall time (CET or CEST, as that day has it). */
function at(parisTime: string, day = '2026-11-24'): void {
  clock.set(DateTime.fromISO(`${day}T${parisTime}`, { zone: 'Europe/Paris' }).toUTC().toISO() ?? '')
}

function parisDay(epochMs: number): string {
  return DateTime.fromMillis(epochMs, { zone: 'Europe/Paris' }).toISODate() ?? ''
}

/** The referee's count per account key (balances and transactions) for one Paris day. */
function refereeKeys(day: string) {
  return (t.gateway.sandbox?.stats().keys ?? []).filter(
    (k) => k.day === day && (k.method === 'balances' || k.method === 'transactions'),
  )
}

describe('refresh scheduler', () => {
  const reports: (SlotReport | undefined)[] = []

  it('refreshes every consented account at each slot, within limit − reserve, and skips present-fresh keys', async () => {
    const tick = () => t.gateway.sync.scheduler.tick()
    at('05:30')
    expect(await tick()).toBeUndefined() // yesterday's 21:00 is past its grace period
    at('06:01')
    reports.push(await tick())
    expect(await tick()).toBeUndefined() // one run per slot
    // LEA opens her app at 10:30: a present read, free, refreshes her balances and transactions.
    at('10:30')
    const present = await t.query(`{ accounts { balances { name } transactions(first: 1) { totalCount } } }`, {
      token: await t.gateway.devToken(LEA, { present: true }),
    })
    expect(present.errors).toBeUndefined()
    for (const time of ['11:01', '16:01', '21:01']) {
      at(time)
      reports.push(await tick())
    }
    const [six, eleven, four, nine] = reports
    // LEA: 2 accounts, GILLES: 3; balances and transactions each.
    expect(six).toMatchObject({ refreshed: 10, failed: 0 })
    expect(eleven).toMatchObject({ refreshed: 6, failed: 0, skipped: { 'present-recent': 4 } })
    expect(four).toMatchObject({ refreshed: 10, failed: 0 })
    // GILLES's keys are down to the reserve (3 calls made), LEA's are not (her 11:00 was skipped).
    expect(nine).toMatchObject({ refreshed: 4, failed: 0, skipped: { reserve: 6 } })

    const keys = refereeKeys('2026-11-24')
    expect(keys).toHaveLength(10)
    for (const k of keys) {
      expect(k.refused).toBe(0)
      expect(k.batch).toBeLessThanOrEqual(3)
    }
    expect(keys.filter((k) => k.psuId === GILLES).map((k) => k.batch)).toEqual([3, 3, 3, 3, 3, 3])
    expect(keys.filter((k) => k.psuId === LEA).map((k) => k.batch)).toEqual([3, 3, 3, 3])
    expect(keys.filter((k) => k.psuId === LEA).map((k) => k.present)).toEqual([1, 1, 1, 1])
  })

  it('leaves the reserve: an on-demand partner read at 23:50 gets its call, and the bank never refuses', async () => {
    at('23:50')
    const res = await t.query(`{ accounts { balances { name } quota { method remaining } } }`, {
      token: await t.gateway.devToken(GILLES),
    })
    expect(res.errors).toBeUndefined()
    const gilles = refereeKeys('2026-11-24').filter((k) => k.psuId === GILLES && k.method === 'balances')
    expect(gilles.map((k) => [k.batch, k.refused])).toEqual([
      [4, 0],
      [4, 0],
      [4, 0],
    ])
  })

  it('the next morning: GILLES’s balances still have 3 calls in the rolling 24 hours and are left alone', async () => {
    at('06:01', '2026-11-25')
    const report = await t.gateway.sync.scheduler.tick()
    // GILLES's balances: 11:00, 16:00 and 23:50 within 24 h (one left = the reserve); the rest refresh.
    expect(report).toMatchObject({ failed: 0, refreshed: 7, skipped: { reserve: 3 } })
    expect(t.gateway.sandbox?.stats().totals.refused).toBe(0)
  })

  it('pushed BALANCES_UPDATED when a refresh found LEA’s balances changed, nothing when unchanged', async () => {
    await receiver.waitFor((r) => r.length >= 4)
    await new Promise((r) => setTimeout(r, 200))
    const got = receiver.received.map((r) => [r.json.type, r.json.createdAt, r.answered])
    // Day 1 06:00: the first balances of LEA's two accounts. 11:00 (skipped), 16:00, 21:00: the same balances, no
    // event. Day 2 06:00: the balance's name is the bank's "Solde comptable au <day>", a change.
    expect(got).toEqual([
      ['BALANCES_UPDATED', '2026-11-24T05:01:00.000Z', 200],
      ['BALANCES_UPDATED', '2026-11-24T05:01:00.000Z', 200],
      ['BALANCES_UPDATED', '2026-11-25T05:01:00.000Z', 200],
      ['BALANCES_UPDATED', '2026-11-25T05:01:00.000Z', 200],
    ])
    expect(new Set(receiver.received.map((r) => r.json.data.accountId)).size).toBe(2)
  })

  it('CONSENT_EXPIRING once per connection and expiry, 14 days before the 180 days end', async () => {
    const lea = await t.gateway.services.connections.list.describe(
      { psuId: LEA, consumer: 'partner', presence: undefined, banks: ['17515'] },
      '17515',
    )
    const expiresAt = lea.refreshTokenExpiresAt ?? 0
    const before = receiver.received.length
    // 15 days before: nothing yet.
    at('11:01', parisDay(expiresAt - 15 * 86_400_000))
    expect(await t.gateway.sync.scheduler.tick()).toBeDefined()
    // 13 days before, two slots in a row: one event.
    for (const time of ['06:01', '11:01']) {
      at(time, parisDay(expiresAt - 13 * 86_400_000))
      expect(await t.gateway.sync.scheduler.tick()).toBeDefined()
    }
    await receiver.waitFor((r) => r.some((x) => x.json.type === 'CONSENT_EXPIRING'))
    await new Promise((r) => setTimeout(r, 200))
    const expiring = receiver.received.slice(before).filter((r) => r.json.type === 'CONSENT_EXPIRING')
    expect(expiring).toHaveLength(1)
    expect(expiring[0]?.json.data).toEqual({ refreshTokenExpiresAt: new Date(expiresAt).toISOString() })
  })
})

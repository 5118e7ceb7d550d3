/**
 * The behaviour both ledgers owe the services (QuotaLedger in src/quota/quota-ledger.ts), run against each real
 * store by embedded-ledger.test.ts and redis-ledger.test.ts. Not a test file itself: it declares the tests.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { DateTime } from 'luxon'
import type { Clock } from '../../src/clock.js'
import type { QuotaKeyParts, QuotaLedger, QuotaPolicy, ReserveOutcome } from '../../src/quota/quota-ledger.js'
import { createQuotaPolicy } from '../../src/quota/quota-ledger.js'

export const HOUR = 60 * 60 * 1000
export const paris = (iso: string): number => DateTime.fromISO(iso, { zone: 'Europe/Paris' }).toMillis()

export class TestClock {
  constructor(public now: number) {}
  readonly read: Clock = () => this.now
}

export interface LedgerOpenOptions {
  /** Omitted: the store's own time (system clock for lmdb, Redis TIME). */
  clock?: Clock
  policy?: QuotaPolicy
  trustEmptyStore?: boolean
}

/** One store per test: `open` may be called several times (replicas, restarts) and always reaches the same store. */
export interface LedgerHarness {
  /** A new, empty store for the next test. */
  reset(): Promise<void>
  open(options: LedgerOpenOptions): QuotaLedger
  /** Close every ledger opened and delete the store. */
  cleanup(): Promise<void>
}

export const keyOf = (overrides: Partial<QuotaKeyParts> = {}): QuotaKeyParts => ({
  tpp: 'PSDFR-ACPR-13807',
  bank: 'caisse-epargne',
  psu: '9999999901',
  iban: 'FR7617515000920400430518020',
  method: 'balances',
  ...overrides,
})

export function grantedOf(outcome: ReserveOutcome): Extract<ReserveOutcome, { kind: 'granted' }> {
  if (outcome.kind !== 'granted') throw new Error(`expected a grant, got ${JSON.stringify(outcome)}`)
  return outcome
}

export function describeLedgerContract(name: string, harness: LedgerHarness): void {
  describe(`${name}: the QuotaLedger contract`, () => {
    let clock: TestClock
    const open = (policy?: QuotaPolicy): QuotaLedger =>
      harness.open({ clock: clock.read, policy, trustEmptyStore: true })

    beforeEach(async () => {
      clock = new TestClock(paris('2026-02-10T09:00'))
      await harness.reset()
    })
    afterEach(() => harness.cleanup())

    it('grants exactly 4 of 20 concurrent reserves on one key', async () => {
      const ledger = open()
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => ledger.reserve(keyOf())))
      expect(outcomes.filter((o) => o.kind === 'granted')).toHaveLength(4)
      const refused = outcomes.filter((o) => o.kind === 'refused')
      expect(refused).toHaveLength(16)
      for (const o of refused)
        expect(o).toMatchObject({ reason: 'limit', used: 4, nextAllowedAt: clock.now + 24 * HOUR })
      expect(await ledger.status(keyOf())).toMatchObject({
        used: 4,
        remaining: 0,
        nextAllowedAt: clock.now + 24 * HOUR,
      })
    })

    it('grants exactly 4 of 20 concurrent reserves spread over two replicas of one store', async () => {
      const replicas = [open(), open()]
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? replicas[0] : replicas[1])?.reserve(keyOf())),
      )
      expect(outcomes.filter((o) => o?.kind === 'granted')).toHaveLength(4)
    })

    it('reports used and remaining on each grant', async () => {
      const ledger = open()
      const first = grantedOf(await ledger.reserve(keyOf()))
      expect(first).toMatchObject({ used: 1, remaining: 3 })
      expect(first.reservation).toMatchObject({
        kind: 'reservation',
        quotaKey: 'PSDFR-ACPR-13807|caisse-epargne|9999999901|FR7617515000920400430518020|balances',
      })
    })

    it('gives one unit back on release, once', async () => {
      const ledger = open()
      const grants = [] as Extract<ReserveOutcome, { kind: 'granted' }>[]
      for (let i = 0; i < 4; i++) grants.push(grantedOf(await ledger.reserve(keyOf())))
      expect((await ledger.reserve(keyOf())).kind).toBe('refused')
      await grants[0]?.reservation.release()
      await grants[0]?.reservation.release()
      expect(grantedOf(await ledger.reserve(keyOf())).remaining).toBe(0)
      expect(await ledger.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'limit' })
    })

    it('refuses a key marked exhausted (a 429) until Paris midnight with calendar-day windows', async () => {
      const ledger = open(createQuotaPolicy({ windows: 'calendar-day' }))
      const granted = grantedOf(await ledger.reserve(keyOf()))
      await granted.reservation.markExhausted()
      const midnight = paris('2026-02-11T00:00')
      expect(await ledger.reserve(keyOf())).toMatchObject({
        kind: 'refused',
        reason: 'exhausted',
        nextAllowedAt: midnight,
      })
      expect(await ledger.status(keyOf())).toMatchObject({
        exhaustedUntil: midnight,
        remaining: 0,
        nextAllowedAt: midnight,
      })
      clock.now = midnight - 1
      expect(await ledger.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'exhausted' })
      clock.now = midnight
      expect((await ledger.reserve(keyOf())).kind).toBe('granted')
    })

    it('with both windows, a 429 also holds the key for the rolling 24 hours', async () => {
      const ledger = open()
      const granted = grantedOf(await ledger.reserve(keyOf()))
      await granted.reservation.markExhausted()
      clock.now = paris('2026-02-11T00:00')
      expect(await ledger.reserve(keyOf())).toMatchObject({
        kind: 'refused',
        reason: 'exhausted',
        nextAllowedAt: paris('2026-02-11T09:00'),
      })
      clock.now = paris('2026-02-11T09:00')
      expect((await ledger.reserve(keyOf())).kind).toBe('granted')
    })

    it('reserves a replay as a second unit, and refuses it at the limit', async () => {
      const ledger = open()
      const first = grantedOf(await ledger.reserve(keyOf()))
      const replay = await first.reservation.reserveReplay()
      expect(replay?.quotaKey).toBe(first.reservation.quotaKey)
      expect((await ledger.status(keyOf())).used).toBe(2)
      grantedOf(await ledger.reserve(keyOf()))
      const last = await replay?.reserveReplay()
      expect(last).toBeDefined()
      expect(await last?.reserveReplay()).toBeUndefined()
      expect((await ledger.status(keyOf())).used).toBe(4)
    })

    it('keeps independent keys apart (PSU, IBAN, method, TPP, bank)', async () => {
      const ledger = open()
      for (let i = 0; i < 4; i++) grantedOf(await ledger.reserve(keyOf()))
      expect((await ledger.reserve(keyOf())).kind).toBe('refused')
      const others = [
        keyOf({ psu: '9999999902' }),
        keyOf({ iban: 'FR7617515900000400358074026' }),
        keyOf({ iban: undefined }),
        keyOf({ method: 'transactions' }),
        keyOf({ tpp: 'PSDFR-ACPR-99999' }),
        keyOf({ bank: 'other-bank' }),
      ]
      for (const other of others) expect(grantedOf(await ledger.reserve(other)).used).toBe(1)
    })

    it('keeps the counts across a restart', async () => {
      const first = open()
      for (let i = 0; i < 3; i++) grantedOf(await first.reserve(keyOf()))
      await first.close()
      const second = open()
      expect(await second.status(keyOf())).toMatchObject({ used: 3, remaining: 1 })
      grantedOf(await second.reserve(keyOf()))
      expect(await second.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'limit' })
    })

    it('applies the limit per bank from the policy', async () => {
      const ledger = open(createQuotaPolicy({ limit: 4, limits: { 'small-bank': 2 } }))
      for (let i = 0; i < 2; i++) grantedOf(await ledger.reserve(keyOf({ bank: 'small-bank' })))
      expect(await ledger.reserve(keyOf({ bank: 'small-bank' }))).toMatchObject({ kind: 'refused', reason: 'limit' })
    })

    it('resets 4 calls exactly at Paris midnight on the 23-hour and the 25-hour day (calendar day)', async () => {
      const ledger = open(createQuotaPolicy({ windows: 'calendar-day' }))
      for (const [start, next] of [
        ['2026-03-29T00:00', '2026-03-30T00:00'],
        ['2026-10-25T00:00', '2026-10-26T00:00'],
      ] as const) {
        clock.now = paris(start)
        for (let i = 0; i < 4; i++) grantedOf(await ledger.reserve(keyOf()))
        clock.now = paris(next) - 1
        expect(await ledger.reserve(keyOf())).toMatchObject({
          kind: 'refused',
          reason: 'limit',
          nextAllowedAt: paris(next),
        })
        clock.now = paris(next)
        grantedOf(await ledger.reserve(keyOf()))
      }
    })

    it('crosses midnight with both windows: four calls at 23:00 block until 23:00 the next day', async () => {
      const ledger = open()
      clock.now = paris('2026-02-10T23:00')
      for (let i = 0; i < 4; i++) grantedOf(await ledger.reserve(keyOf()))
      clock.now = paris('2026-02-11T00:30')
      expect(await ledger.reserve(keyOf())).toMatchObject({
        kind: 'refused',
        reason: 'limit',
        nextAllowedAt: paris('2026-02-11T23:00'),
      })
      const status = await ledger.status(keyOf())
      expect(status).toMatchObject({
        calendarDay: { used: 0, resetsAt: paris('2026-02-12T00:00') },
        rolling24h: { used: 4, nextFreeAt: paris('2026-02-11T23:00') },
        exhaustedUntil: null,
      })
      clock.now = paris('2026-02-11T23:00') - 1
      expect(await ledger.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'limit' })
      clock.now = paris('2026-02-11T23:00')
      grantedOf(await ledger.reserve(keyOf()))
    })
  })
}

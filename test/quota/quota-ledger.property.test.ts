/**
 * The limit under random interleavings (DESIGN.md invariants 1–5, 7): several ledger instances ("replicas") on one
 * store, several keys, a clock that moves (across Paris midnights and both DST days), concurrent bursts, releases,
 * 429s and restarts. An independent model holds the granted-and-not-released reservations; after every step no key
 * may hold more than `limit` grants in any Paris day or any rolling 24 hours, and the ledger may refuse only when the
 * model says the key is full or exhausted (it must not starve either).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import { createClient } from 'redis'
import type { Reservation } from '../../src/stet-api/access.js'
import { EmbeddedLedger } from '../../src/quota/embedded-ledger.js'
import type { QuotaKeyParts, QuotaLedger, QuotaWindows, ReserveOutcome } from '../../src/quota/quota-ledger.js'
import { createQuotaPolicy, formatQuotaKey } from '../../src/quota/quota-ledger.js'
import { RedisLedger } from '../../src/quota/redis-ledger.js'
import { HOUR, keyOf, paris, TestClock } from './ledger-contract.js'

const LIMIT = 4
const DAY = 24 * HOUR
const KEYS: QuotaKeyParts[] = [keyOf(), keyOf({ psu: '9999999904', iban: undefined })]
const STARTS = ['2026-03-28T21:00', '2026-10-24T21:00', '2026-02-10T22:30', '2026-07-01T00:00'].map((iso) => paris(iso))

type Step =
  | { kind: 'reserve'; replica: number; key: number }
  | { kind: 'burst'; replicas: number[]; key: number }
  | { kind: 'release'; pick: number }
  | { kind: 'replay'; pick: number }
  | { kind: 'exhausted'; pick: number }
  | { kind: 'advance'; ms: number }
  /** To the next Paris midnight, plus or minus a millisecond. */
  | { kind: 'to-midnight'; offsetMs: number }
  | { kind: 'restart'; replica: number }

const REPLICAS = 3
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      replica: fc.nat(REPLICAS - 1),
      key: fc.nat(KEYS.length - 1),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      replicas: fc.array(fc.nat(REPLICAS - 1), { minLength: 2, maxLength: 7 }),
      key: fc.nat(KEYS.length - 1),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('exhausted' as const), pick: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(
        fc.integer({ min: 1, max: 3 * HOUR }),
        fc.integer({ min: 3 * HOUR, max: 26 * HOUR }),
        // The edges of the windows, where an off-by-one would hide (twice as likely).
        { arbitrary: fc.constantFrom(23 * HOUR, 24 * HOUR - 1, 24 * HOUR, 24 * HOUR + 1, 25 * HOUR), weight: 2 },
      ),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('to-midnight' as const), offsetMs: fc.constantFrom(-1, 0, 1) }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('restart' as const), replica: fc.nat(REPLICAS - 1) }), weight: 1 },
)

// The model, written apart from src/quota/windows.ts so that a shared mistake cannot hide.
const parisDay = (at: number): string => DateTime.fromMillis(at, { zone: 'Europe/Paris' }).toISODate() ?? ''
const nextMidnight = (at: number): number =>
  DateTime.fromMillis(at, { zone: 'Europe/Paris' }).plus({ days: 1 }).startOf('day').toMillis()

function freeSlots(grants: number[], now: number, windows: QuotaWindows): number {
  const calendar = grants.filter((at) => parisDay(at) === parisDay(now)).length
  const rolling = grants.filter((at) => at > now - DAY).length
  const used = windows === 'calendar-day' ? calendar : windows === 'rolling-24h' ? rolling : Math.max(calendar, rolling)
  return Math.max(0, LIMIT - used)
}

function assertWithinLimit(grants: number[], windows: QuotaWindows): void {
  const sorted = [...grants].sort((a, b) => a - b)
  if (windows !== 'rolling-24h') {
    const perDay = new Map<string, number>()
    for (const at of sorted) perDay.set(parisDay(at), (perDay.get(parisDay(at)) ?? 0) + 1)
    for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(LIMIT)
  }
  if (windows !== 'calendar-day') {
    // LIMIT + 1 grants inside (t − 24 h, t] would mean two grants LIMIT apart less than 24 h apart.
    for (let i = 0; i + LIMIT < sorted.length; i++)
      expect((sorted[i + LIMIT] ?? 0) - (sorted[i] ?? 0)).toBeGreaterThanOrEqual(DAY)
  }
}

interface Held {
  key: string
  at: number
  reservation: Reservation
  /** The instance that granted it; a restart ends its reservations (still counted: the requests may have left). */
  replica: number
  live: boolean
}

interface Store {
  open(clock: TestClock, windows: QuotaWindows): QuotaLedger
  dispose(): Promise<void>
}

async function runScenario(store: Store, start: number, windows: QuotaWindows, steps: Step[]): Promise<void> {
  const clock = new TestClock(start)
  const replicas = Array.from({ length: REPLICAS }, () => store.open(clock, windows))
  const held: Held[] = [] // granted and not released: what the bank would have counted
  const exhaustedUntil = new Map<string, number>()
  const grantsOf = (key: string): number[] => held.filter((h) => h.key === key).map((h) => h.at)
  const record = (key: string, replica: number, outcome: ReserveOutcome): void => {
    if (outcome.kind === 'granted')
      held.push({ key, at: clock.now, reservation: outcome.reservation, replica, live: true })
  }
  const pickLive = (pick: number): Held | undefined => {
    const live = held.filter((h) => h.live)
    return live[pick % Math.max(1, live.length)]
  }
  const expectedFree = (key: string): number =>
    clock.now < (exhaustedUntil.get(key) ?? 0) ? 0 : freeSlots(grantsOf(key), clock.now, windows)
  try {
    for (const step of steps) {
      switch (step.kind) {
        case 'reserve': {
          const parts = KEYS[step.key] ?? keyOf()
          const key = formatQuotaKey(parts)
          const free = expectedFree(key)
          const outcome = await (replicas[step.replica] ?? replicas[0])?.reserve(parts)
          if (outcome === undefined) throw new Error('no replica')
          expect(outcome.kind).toBe(free > 0 ? 'granted' : 'refused')
          record(key, step.replica, outcome)
          break
        }
        case 'burst': {
          const parts = KEYS[step.key] ?? keyOf()
          const key = formatQuotaKey(parts)
          const free = expectedFree(key)
          const outcomes = await Promise.all(step.replicas.map((r) => (replicas[r] ?? replicas[0])?.reserve(parts)))
          const granted = outcomes.filter((o) => o?.kind === 'granted').length
          expect(granted).toBe(Math.min(free, step.replicas.length))
          outcomes.forEach((o, i) => {
            if (o !== undefined) record(key, step.replicas[i] ?? 0, o)
          })
          break
        }
        case 'release': {
          const target = pickLive(step.pick)
          if (target === undefined) break
          await target.reservation.release()
          held.splice(held.indexOf(target), 1)
          break
        }
        case 'replay': {
          const target = pickLive(step.pick)
          if (target === undefined) break
          const free = expectedFree(target.key)
          const replay = await target.reservation.reserveReplay()
          expect(replay !== undefined).toBe(free > 0)
          if (replay !== undefined) held.push({ ...target, at: clock.now, reservation: replay })
          break
        }
        case 'exhausted': {
          const target = pickLive(step.pick)
          if (target === undefined) break
          await target.reservation.markExhausted()
          const calendarEnd = nextMidnight(clock.now)
          const until =
            windows === 'calendar-day'
              ? calendarEnd
              : windows === 'rolling-24h'
                ? clock.now + DAY
                : Math.max(calendarEnd, clock.now + DAY)
          exhaustedUntil.set(target.key, Math.max(until, exhaustedUntil.get(target.key) ?? 0))
          break
        }
        case 'advance':
          clock.now += step.ms
          break
        case 'to-midnight':
          clock.now = Math.max(clock.now, nextMidnight(clock.now) + step.offsetMs)
          break
        case 'restart': {
          await replicas[step.replica]?.close()
          for (const h of held) if (h.replica === step.replica) h.live = false
          replicas[step.replica] = store.open(clock, windows)
          break
        }
      }
      for (const parts of KEYS) assertWithinLimit(grantsOf(formatQuotaKey(parts)), windows)
    }
  } finally {
    await Promise.all(replicas.map((r) => r.close()))
    await store.dispose()
  }
}

const scenarioArb = fc.tuple(
  fc.constantFrom(...STARTS),
  fc.constantFrom<QuotaWindows>('both', 'calendar-day', 'rolling-24h'),
  fc.array(stepArb, { minLength: 5, maxLength: 50 }),
)

describe('quota ledger under random interleavings (property)', () => {
  const admin = createClient({ url: 'redis://127.0.0.1:6379' })
  afterAll(() => (admin.isOpen ? admin.close() : undefined))

  it('EmbeddedLedger: replicas on one directory never exceed the limit and never starve', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ([start, windows, steps]) => {
        const dir = await mkdtemp(join(tmpdir(), 'quota-property-'))
        const store: Store = {
          open: (clock, w) =>
            new EmbeddedLedger({
              dir,
              clock: clock.read,
              trustEmptyStore: true,
              policy: createQuotaPolicy({ windows: w }),
            }),
          dispose: () => rm(dir, { recursive: true, force: true }),
        }
        await runScenario(store, start, windows, steps)
      }),
      { numRuns: 100 },
    )
  })

  it('RedisLedger: replicas on one prefix never exceed the limit and never starve', async () => {
    await admin.connect()
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ([start, windows, steps]) => {
        const prefix = `test:quota-property:${randomUUID()}:`
        const store: Store = {
          open: (clock, w) =>
            new RedisLedger({
              url: 'redis://127.0.0.1:6379',
              prefix,
              clock: clock.read,
              trustEmptyStore: true,
              policy: createQuotaPolicy({ windows: w }),
            }),
          dispose: async () => {
            for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
              if (keys.length > 0) await admin.del(keys)
          },
        }
        await runScenario(store, start, windows, steps)
      }),
      { numRuns: 100 },
    )
  })
})

/**
 * The refresh scheduler (issue 17): at each Paris time of `REFRESH_SCHEDULE`, it refreshes the balances and
 * transactions of every consented account of every active connection, so partners find fresh data (and webhooks
 * fire) without polling. It is just another unattended caller: each refresh goes through the bank reader, which takes
 * a reservation in the ledger before the call, so it can never pass the bank's limit. On top of that it spends with
 * restraint:
 *  - it leaves `reserve` calls per key and day to on-demand reads: a key whose ledger says `remaining ≤ reserve` (or
 *    that the rolling window holds back) is skipped;
 *  - a key a present PSU refreshed less than `presentRecentMs` ago is skipped (that read was free and is fresh), and
 *    so is a key already refreshed since this slot began (a slot run again after a restart spends nothing twice);
 *  - one replica runs a slot: a lease in the store while it runs, and a one-time claim per slot.
 * It also tells partners, once per connection and expiry, that the 180-day authorisation ends within 14 days.
 */
import { DateTime } from 'luxon'
import type { Caller } from '../auth/caller.js'
import type { CacheEntry, FreshnessCache } from '../cache/freshness-cache.js'
import type { DistributedLock } from '../cache/single-flight.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../observability/logger.js'
import type { ConnectionStore } from '../stores/connection-store.js'
import type { WebhookStore } from '../webhooks/webhook-store.js'
import type { AccountDataService } from './account-data-service.js'
import type { AccountsService } from './accounts-service.js'
import { EXPIRES_SOON_MS } from './bank-connection.js'
import type { BankConnections } from './bank-connections.js'
import type { BankReader, OperationBudget, ReadTarget } from './bank-reader.js'
import type { AccountRecord } from './records.js'
import type { SyncEventSink } from './sync-events.js'

export interface RefreshSchedulerOptions {
  /** `HH:MM` in Europe/Paris; empty: off. */
  readonly schedule: readonly string[]
  readonly reserve: number
  readonly presentRecentMs: number
  readonly slotGraceMs: number
  readonly tickMs: number
}

export interface RefreshSchedulerDeps {
  readonly connections: ConnectionStore
  readonly bankConnections: BankConnections
  readonly accounts: AccountsService
  readonly data: AccountDataService
  readonly reader: BankReader
  readonly cache: FreshnessCache
  readonly store: WebhookStore
  readonly lock: DistributedLock
  readonly events: SyncEventSink
  readonly clock: Clock
  readonly logger: Logger
}

export type SkipReason = 'reserve' | 'present-recent' | 'refreshed-this-slot' | 'not-granted'

/** What one slot did (returned for tests and logged). */
export interface SlotReport {
  /** Epoch ms of the slot's Paris time. */
  readonly slot: number
  readonly connections: number
  readonly refreshed: number
  readonly skipped: Readonly<Record<SkipReason, number>>
  readonly failed: number
}

const PARIS = 'Europe/Paris'
const LEASE_KEY = 'refresh-scheduler'
const LEASE_TTL_MS = 60_000

type Phase = 'idle' | 'running' | 'stopped'

export class RefreshScheduler {
  readonly #deps: RefreshSchedulerDeps
  readonly #options: RefreshSchedulerOptions
  #phase: Phase = 'idle'
  #timer: NodeJS.Timeout | undefined
  #current: Promise<SlotReport | undefined> | undefined
  /** The last slot this process saw run (by itself or another replica): no need to ask the store again. */
  #lastSlot = Number.NEGATIVE_INFINITY

  constructor(deps: RefreshSchedulerDeps, options: RefreshSchedulerOptions) {
    this.#deps = deps
    this.#options = options
  }

  get enabled(): boolean {
    return this.#options.schedule.length > 0
  }

  start(): void {
    if (!this.enabled || this.#phase !== 'idle') return
    this.#phase = 'running'
    this.#timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.#deps.logger.warn({ err: String(error) }, 'refresh slot failed'))
    }, this.#options.tickMs)
    this.#timer.unref()
  }

  async close(): Promise<void> {
    this.#phase = 'stopped'
    if (this.#timer !== undefined) clearInterval(this.#timer)
    await this.#current?.catch(() => undefined)
  }

  /**
   * Runs the slot due now, if any and if no replica ran it: its report, or undefined when there was nothing to run
   * (no slot within the grace period, already run, another replica running it, or a tick already under way here).
   */
  tick(): Promise<SlotReport | undefined> {
    if (this.#current !== undefined || this.#phase === 'stopped') return Promise.resolve(undefined)
    const now = this.#deps.clock()
    const slot = latestSlot(now, this.#options.schedule)
    if (slot === undefined || now - slot > this.#options.slotGraceMs || slot <= this.#lastSlot) {
      return Promise.resolve(undefined)
    }
    const run = this.#runLeased(slot).finally(() => (this.#current = undefined))
    this.#current = run
    return run
  }

  async #runLeased(slot: number): Promise<SlotReport | undefined> {
    const release = await this.#deps.lock.acquire(LEASE_KEY, LEASE_TTL_MS)
    if (release === undefined) return undefined
    try {
      const claimed = await this.#deps.store.claimOnce(`slot|${slot}`, this.#options.slotGraceMs + 2 * DAY_MS)
      this.#lastSlot = slot
      if (!claimed) return undefined
      const report = await this.#run(slot)
      this.#deps.logger.info({ ...report, slot: new Date(slot).toISOString() }, 'refresh slot done')
      return report
    } finally {
      await release().catch(() => undefined)
    }
  }

  async #run(slot: number): Promise<SlotReport> {
    const skipped: Record<SkipReason, number> = {
      reserve: 0,
      'present-recent': 0,
      'refreshed-this-slot': 0,
      'not-granted': 0,
    }
    let refreshed = 0
    let failed = 0
    const refs = await this.#deps.connections.list()
    for (const ref of refs) {
      if (this.#phase === 'stopped') break
      const caller: Caller = { psuId: ref.psuId, consumer: 'partner', presence: undefined, banks: [ref.bank] }
      const connection = await this.#deps.bankConnections.describe(caller, ref.bank)
      await this.#warnIfExpiring(ref, connection.refreshTokenExpiresAt)
      if (connection.status !== 'ACTIVE') continue
      const accounts = await this.#accounts(caller, ref.bank, slot)
      if (accounts === undefined) {
        skipped.reserve++
        continue
      }
      for (const account of accounts) {
        for (const method of ['balances', 'transactions'] as const) {
          if (account.resourceId === undefined || !account.grants[method]) {
            skipped['not-granted']++
            continue
          }
          const target: ReadTarget = { bank: account.bank, iban: account.iban, method }
          const verdict = await this.#verdict(caller, target, slot)
          if (verdict !== 'refresh') {
            skipped[verdict]++
            continue
          }
          try {
            const op = schedulerBudget()
            if (method === 'balances') await this.#deps.data.balances(caller, account, op, { refresh: true })
            else await this.#deps.data.transactions(caller, account, op, { refresh: true })
            refreshed++
          } catch (error) {
            failed++
            this.#deps.logger.warn({ err: String(error), method }, 'scheduled refresh failed')
          }
        }
      }
    }
    return { slot, connections: refs.length, refreshed, skipped, failed }
  }

  /** The cached account list; read (within the reserve rule, like any key) only when nothing is cached. */
  async #accounts(caller: Caller, bank: string, slot: number): Promise<readonly AccountRecord[] | undefined> {
    const cached = await this.#deps.reader.peek<AccountRecord[]>(caller, { bank, method: 'accounts' })
    if (cached !== undefined) return cached
    if ((await this.#verdict(caller, { bank, method: 'accounts' }, slot)) !== 'refresh') return undefined
    return (await this.#deps.accounts.list(caller, bank, schedulerBudget())).value
  }

  async #verdict(caller: Caller, target: ReadTarget, slot: number): Promise<SkipReason | 'refresh'> {
    const [status, entry] = await Promise.all([
      this.#deps.reader.quotaStatus(caller, target),
      this.#deps.cache.get<unknown>(this.#deps.reader.cacheKey(caller, target)),
    ])
    if (status.remaining <= this.#options.reserve || status.nextAllowedAt !== null) return 'reserve'
    const now = this.#deps.clock()
    if (isPresentRecent(entry, now, this.#options.presentRecentMs)) return 'present-recent'
    if (entry !== undefined && entry.fetchedAt >= slot) return 'refreshed-this-slot'
    return 'refresh'
  }

  async #warnIfExpiring(ref: { bank: string; psuId: string }, expiresAt: number | undefined): Promise<void> {
    const now = this.#deps.clock()
    if (expiresAt === undefined || expiresAt <= now || expiresAt - now > EXPIRES_SOON_MS) return
    // The sink sends it once per connection and expiry, whichever replica and slot sees it first.
    await this.#deps.events.emit({
      type: 'CONSENT_EXPIRING',
      bank: ref.bank,
      psuId: ref.psuId,
      at: now,
      refreshTokenExpiresAt: expiresAt,
    })
  }
}

const DAY_MS = 24 * 3600_000

/**
 * The scheduler's operation budget. The seam for the audit trail's read reason: its reads are the scheduler's, not a
 * partner's query.
 */
/** The scheduler's reads are filed as SCHEDULER in the audit trail. */
function schedulerBudget(): OperationBudget {
  return { cacheOnly: false, spent: 0, reason: 'SCHEDULER' }
}

function isPresentRecent(entry: CacheEntry<unknown> | undefined, now: number, recentMs: number): boolean {
  return entry !== undefined && entry.psuPresent && now - entry.fetchedAt < recentMs
}

/** The latest slot at or before `now` (epoch ms), today's or yesterday's in Paris; DST gaps shift forward (luxon). */
export function latestSlot(now: number, schedule: readonly string[]): number | undefined {
  const today = DateTime.fromMillis(now, { zone: PARIS }).startOf('day')
  let latest: number | undefined
  for (const day of [today.minus({ days: 1 }), today]) {
    for (const time of schedule) {
      const [hour, minute] = time.split(':').map(Number)
      const at = day.set({ hour: hour ?? 0, minute: minute ?? 0 }).toMillis()
      if (at <= now && (latest === undefined || at > latest)) latest = at
    }
  }
  return latest
}

/**
 * The one place where cache, freshness policy, quota ledger and STET client meet (DESIGN step 4). Every
 * bank-backed read of every service goes through `read`:
 *  - a present PSU always reads the bank (no reservation, `PSU-IP-Address` sent) and refreshes the cache, so later
 *    batch reads are fresh for free;
 *  - a batch read is served from the cache while the freshness policy allows; otherwise it takes a cross-replica
 *    lease, reserves one unit in the ledger BEFORE the call, and calls the bank with that reservation;
 *  - when the quota is spent, the bank fails or the store cannot be reached, the last good value is served flagged
 *    stale, else the error surfaces (QUOTA_EXHAUSTED carries the next allowed time);
 *  - a store that cannot be reached refuses unattended calls (fail closed): the ledger throws, no bank call is made.
 */
import { publishCacheRead, publishSingleFlightJoin } from '../cache/cache-diagnostics.js'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Caller } from '../auth/caller.js'
import type { CacheEntry, FreshnessCache } from '../cache/freshness-cache.js'
import type { BudgetView, FreshnessPolicy } from '../cache/freshness-policy.js'
import type { RefusalMemory } from '../cache/refusal-memory.js'
import type { DistributedLock } from '../cache/single-flight.js'
import { SingleFlight } from '../cache/single-flight.js'
import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import type { QuotaKeyParts, QuotaLedger, QuotaStatus } from '../quota/quota-ledger.js'
import { formatQuotaHashTag, formatQuotaKey } from '../quota/quota-ledger.js'
import type { BankAccess, PsuContext, RequestIds, Reservation } from '../stet-api/access.js'
import { ConsentMissingError, ReplayRefusedError } from '../stet/stet-errors.js'
import type { AisMethod } from '../stet-api/wire.js'
import type { AuditReason } from '../audit/audit-log.js'
import type { AuditedReservation, AuditTrail } from '../audit/audit-trail.js'
import { DryRunNotCachedError, type DryRunPlan } from './dry-run.js'
import { NotCachedError, OperationTimeoutError, QuotaExhaustedError, RememberedRefusalError } from './read-errors.js'

export interface Freshness {
  /** Epoch ms when the bank produced the value. */
  readonly fetchedAt: number
  readonly source: 'BANK' | 'CACHE'
  /** Whether the PSU was present when the value was fetched. */
  readonly psuPresent: boolean
  /** Served because the bank failed, the quota is spent or the store is down: may be out of date. */
  readonly stale: boolean
}

export interface Fresh<T> {
  readonly value: T
  readonly freshness: Freshness
}

export interface ReadTarget {
  readonly bank: string
  readonly iban?: string
  readonly method: AisMethod
  /** Distinguishes cache entries that share one quota key (a transaction's details). */
  readonly detail?: string
}

/** What one GraphQL operation carries into every read. */
export interface OperationBudget {
  /** Set from the operation's `@cacheOnly` directive: serve what is cached, spend nothing. */
  cacheOnly: boolean
  /** Counts the unattended bank calls this operation spent (returned in the response's `extensions`). */
  spent: number
  /** The X-Request-IDs of its bank calls (request-context.ts); absent outside an HTTP request: each call a UUID. */
  readonly requestIds?: RequestIds
  /** Set when the operation ran out of time (LIMIT_OPERATION_TIMEOUT_MS): no bank read starts for it any more. */
  timedOutAfterMs?: number
  /** Why this operation's unattended calls are made (the audit trail); a read's own `reason` option wins. */
  reason?: AuditReason
  /** Set from the operation's `@dryRun` directive: decide each read, write the decision down, call nothing. */
  dryRun?: DryRunPlan
}

export interface ReadOptions {
  /** See `read`. */
  readonly refresh?: boolean
  /** For the audit trail; default the operation's `reason`, else `PARTNER_QUERY` (a batch GraphQL caller). */
  readonly reason?: AuditReason
}

export interface BankReaderDeps {
  readonly tpp: string
  readonly cache: FreshnessCache
  readonly ledger: QuotaLedger
  readonly policy: FreshnessPolicy
  readonly lock: DistributedLock
  readonly clock: Clock
  /** Longer than a bank call can last (connect + headers + body timeouts), so a lease never expires mid-call. */
  readonly lockTtlMs: number
  /** The bank's consent refusals, remembered until the consent changes (DESIGN inv. 11). */
  readonly refusals: RefusalMemory
  /** The trail of unattended calls: every reservation's call is recorded before it leaves (absent: not kept). */
  readonly audit?: AuditTrail
  readonly onStoreError?: (error: unknown) => void
  /**
   * The ledger refused a read of this key (served stale or QUOTA_EXHAUSTED): the QUOTA_EXHAUSTED webhook, in the
   * outbox before the read answers. Must not throw.
   */
  readonly onQuotaRefused?: (parts: QuotaKeyParts, nextAllowedAt: number | null) => Promise<void>
}

/** Errors after which the last good value may still be served (the data itself is not in question). */
const STALE_SERVABLE = new Set(['BANK_UNAVAILABLE', 'BANK_LIMIT_REACHED', 'QUOTA_EXHAUSTED', 'STORE_UNAVAILABLE'])

export class BankReader {
  readonly #deps: BankReaderDeps
  readonly #flights = new SingleFlight()

  constructor(deps: BankReaderDeps) {
    this.#deps = deps
  }

  quotaParts(caller: Caller, target: ReadTarget): QuotaKeyParts {
    return {
      tpp: this.#deps.tpp,
      bank: target.bank,
      psu: caller.psuId,
      ...(target.iban === undefined ? {} : { iban: target.iban }),
      method: target.method,
    }
  }

  /** Starts with the PSU's hash tag (redis/psu-hash-tag.ts): on Redis Cluster a PSU's entries share its ledger's slot. */
  cacheKey(caller: Caller, target: ReadTarget): string {
    const parts = this.quotaParts(caller, target)
    const key = formatQuotaHashTag(parts) + formatQuotaKey(parts)
    return target.detail === undefined ? key : `${key}|${target.detail}`
  }

  now(): number {
    return this.#deps.clock()
  }

  /** tpp | bank | psu: one bank connection, whatever the account or method. */
  connectionKey(caller: Caller, bank: string): string {
    return connectionOf(this.cacheKey(caller, { bank, method: 'accounts' }))
  }

  /** The consent of this connection changed: every refusal the bank gave under the old one is forgotten. */
  async forgetRefusals(caller: Caller, bank: string): Promise<void> {
    await this.#deps.refusals.forgetAll(this.connectionKey(caller, bank), orderingNow())
  }

  /** The ledger's view of one key (used, remaining, windows): the `quota` fields of the API. */
  quotaStatus(caller: Caller, target: ReadTarget): Promise<QuotaStatus> {
    return this.#deps.ledger.status(this.quotaParts(caller, target))
  }

  /** What the cache holds for a target, without any bank call or quota (undefined when nothing). */
  async peek<T>(caller: Caller, target: ReadTarget): Promise<T | undefined> {
    return (await this.#deps.cache.get<T>(this.cacheKey(caller, target)))?.value
  }

  /**
   * Forgets cached values after a change at the bank (a consent), and marks them invalidated now: a read that was
   * already in flight when the change happened will not write its older answer back (see `#remember`).
   */
  async invalidate(keys: readonly string[]): Promise<void> {
    await this.#deps.cache.invalidate(keys, orderingNow())
  }

  /**
   * `options.refresh`: a read that must reflect the bank as it is now (right after a consent change): it joins no
   * earlier flight, serves nothing cached from before it started, and never a stale value.
   */
  async read<T>(
    caller: Caller,
    target: ReadTarget,
    op: OperationBudget,
    fetch: (access: BankAccess) => Promise<T>,
    options: ReadOptions = {},
  ): Promise<Fresh<T>> {
    const result = await this.#read(caller, target, op, fetch, options)
    const { source, stale } = result.freshness
    publishCacheRead({
      bank: target.bank,
      method: target.method,
      outcome: source === 'BANK' ? 'miss' : stale ? 'stale' : 'hit',
    })
    return result
  }

  async #read<T>(
    caller: Caller,
    target: ReadTarget,
    op: OperationBudget,
    fetch: (access: BankAccess) => Promise<T>,
    options: ReadOptions,
  ): Promise<Fresh<T>> {
    const key = this.cacheKey(caller, target)
    if (op.timedOutAfterMs !== undefined) throw new OperationTimeoutError(op.timedOutAfterMs)
    if (op.cacheOnly) return this.#cacheOnly<T>(key)
    if (op.dryRun !== undefined) return this.#dryRun<T>(caller, target, key, op.dryRun)
    const reason = options.reason ?? op.reason ?? 'PARTNER_QUERY'
    const presence = withRequestIds(caller.presence, op)
    if (presence !== undefined) {
      if (options.refresh === true) return this.#readPresent(key, () => fetch(presence))
      return this.#flights.run(`psu:${key}`, () => this.#readPresent(key, () => fetch(presence)))
    }
    if (options.refresh === true) return this.#readBatch(caller, target, key, op, fetch, this.#deps.clock(), reason)
    // Concurrent identical batch reads in this process share one decision and at most one bank call; only the
    // operation that started the flight is charged for it.
    return this.#flights.run(`batch:${key}`, () => this.#readBatch(caller, target, key, op, fetch, undefined, reason))
  }

  /**
   * A bank call that is not a cached read (`PUT /consents`): with the PSU present it goes as it is, otherwise it
   * holds its own reservation like any request that leaves without `PSU-IP-Address` (DESIGN inv. 2).
   */
  async send<T>(
    caller: Caller,
    target: ReadTarget,
    op: OperationBudget,
    call: (access: BankAccess) => Promise<T>,
    options: Pick<ReadOptions, 'reason'> = {},
  ): Promise<T> {
    if (op.timedOutAfterMs !== undefined) throw new OperationTimeoutError(op.timedOutAfterMs)
    if (op.dryRun !== undefined) throw new DryRunNotCachedError()
    const presence = withRequestIds(caller.presence, op)
    if (presence !== undefined) return call(presence)
    const parts = this.quotaParts(caller, target)
    const outcome = await this.#deps.ledger.reserve(parts)
    if (outcome.kind === 'refused') throw new QuotaExhaustedError(outcome.nextAllowedAt)
    const audited = await this.#audited(outcome.reservation, parts, options.reason ?? op.reason ?? 'CONSENT')
    return settled(audited, () => call(countedReservation(audited ?? outcome.reservation, op)))
  }

  /** The call goes on the audit trail before it leaves; undefined when no trail is kept. */
  async #audited(
    reservation: Reservation,
    parts: QuotaKeyParts,
    reason: AuditReason,
  ): Promise<AuditedReservation | undefined> {
    return this.#deps.audit?.record(reservation, parts, reason)
  }

  /**
   * The decision `#readBatch` would make, written down instead of acted on: no lease, no reservation, no call. A
   * value that would be read from the bank is served from the cache when there is one (flagged stale), else DRY_RUN.
   */
  async #dryRun<T>(caller: Caller, target: ReadTarget, key: string, plan: DryRunPlan): Promise<Fresh<T>> {
    const cached = await this.#deps.cache.get<T>(key)
    if (caller.presence !== undefined) {
      plan.present(cached !== undefined)
      if (cached !== undefined) return fromCache(cached, false)
      throw new DryRunNotCachedError()
    }
    const parts = this.quotaParts(caller, target)
    let status: QuotaStatus
    try {
      status = await this.#deps.ledger.status(parts)
    } catch (error) {
      // As for real: a ledger that cannot answer serves the cached value stale and calls nothing.
      if (cached !== undefined) return fromCache(cached, true)
      throw error
    }
    const now = this.#deps.clock()
    if (cached !== undefined && this.#deps.policy.isFresh(cached.fetchedAt, budgetOf(status, now), now)) {
      plan.served(parts, status.remaining)
      return fromCache(cached, false)
    }
    if (await this.#isRefused(key)) {
      plan.served(parts, status.remaining)
      throw new RememberedRefusalError()
    }
    plan.wouldCall(parts, status.remaining, key, cached !== undefined)
    if (cached !== undefined) return fromCache(cached, true)
    throw new DryRunNotCachedError()
  }

  async #cacheOnly<T>(key: string): Promise<Fresh<T>> {
    const cached = await this.#deps.cache.get<T>(key)
    if (cached === undefined) throw new NotCachedError()
    return fromCache(cached, false)
  }

  async #readPresent<T>(key: string, call: () => Promise<T>): Promise<Fresh<T>> {
    const startedAt = orderingNow()
    let value: T
    try {
      value = await call()
    } catch (error) {
      await this.#rememberRefusal(key, error)
      // Stale-if-error for a present PSU too; a store error here must not hide the bank's failure.
      const cached = await this.#deps.cache.get<T>(key).catch(() => undefined)
      if (cached !== undefined && isStaleServable(error)) return fromCache(cached, true)
      throw error
    }
    const entry: CacheEntry<T> = { value, fetchedAt: this.#deps.clock(), psuPresent: true }
    await this.#remember(key, entry, startedAt)
    return { value, freshness: { fetchedAt: entry.fetchedAt, source: 'BANK', psuPresent: true, stale: false } }
  }

  /**
   * `notBefore` (a refresh): cached values fetched before it are neither fresh nor servable stale.
   */
  async #readBatch<T>(
    caller: Caller,
    target: ReadTarget,
    key: string,
    op: OperationBudget,
    fetch: (access: BankAccess) => Promise<T>,
    notBefore: number | undefined,
    reason: AuditReason,
  ): Promise<Fresh<T>> {
    const parts = this.quotaParts(caller, target)
    const usable = (entry: CacheEntry<T> | undefined): CacheEntry<T> | undefined =>
      entry !== undefined && (notBefore === undefined || entry.fetchedAt >= notBefore) ? entry : undefined
    const waitUntil = Date.now() + this.#deps.lockTtlMs
    let waited = false
    for (;;) {
      const readStatus = () =>
        this.#deps.ledger.status(parts).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        )
      let cached: CacheEntry<T> | undefined
      let known: Awaited<ReturnType<typeof readStatus>>
      if (this.#deps.ledger.statusIsRemote) {
        // The cached value and the quota status at once: on Redis they are two connections, and a warm read then
        // waits for one round trip instead of two (concurrent reads of one operation share each one's pipeline).
        const [found, status] = await Promise.all([this.#deps.cache.get<T>(key), readStatus()])
        cached = usable(found)
        known = status
      } else {
        // A local ledger is read only when the budget can matter: a value younger than the policy's floor is fresh
        // whatever the budget (a partner polling within minutes costs no ledger read).
        cached = usable(await this.#deps.cache.get<T>(key))
        if (cached !== undefined && this.#deps.policy.isWithinFloor(cached.fetchedAt, this.#deps.clock())) {
          return fromCache(cached, false)
        }
        known = await readStatus()
      }
      if (!known.ok) {
        if (cached !== undefined) return fromCache(cached, true)
        throw known.error
      }
      const status: QuotaStatus = known.value
      const now = this.#deps.clock()
      if (cached !== undefined && this.#deps.policy.isFresh(cached.fetchedAt, budgetOf(status, now), now)) {
        return fromCache(cached, false)
      }
      if (cached !== undefined && status.remaining <= 0) {
        await this.#deps.onQuotaRefused?.(parts, status.nextAllowedAt)
        return fromCache(cached, true)
      }
      // The bank already refused this under the consent in force: say so again without spending (inv. 11).
      if (await this.#isRefused(key)) throw new RememberedRefusalError()

      let release: (() => Promise<void>) | undefined
      try {
        release = await this.#deps.lock.acquire(key, this.#deps.lockTtlMs)
      } catch (error) {
        if (cached !== undefined) return fromCache(cached, true)
        throw error
      }
      if (release === undefined) {
        // Another replica is calling the bank for this key: wait for its value rather than spend a second call.
        if (!waited) publishSingleFlightJoin('replica')
        waited = true
        if (Date.now() > waitUntil) {
          if (cached !== undefined) return fromCache(cached, true)
          throw new LeaseTimeoutError()
        }
        await sleep(25)
        continue
      }
      try {
        const latest = usable(await this.#deps.cache.get<T>(key))
        if (latest !== undefined && (cached === undefined || latest.fetchedAt > cached.fetchedAt)) {
          return fromCache(latest, false)
        }
        // The lease's previous holder may just have been refused: it wrote that down before letting go.
        if (await this.#isRefused(key)) throw new RememberedRefusalError()
        return await this.#callWithReservation(parts, key, latest, op, fetch, reason)
      } finally {
        await release().catch((error: unknown) => this.#deps.onStoreError?.(error))
      }
    }
  }

  async #callWithReservation<T>(
    parts: QuotaKeyParts,
    key: string,
    cached: CacheEntry<T> | undefined,
    op: OperationBudget,
    fetch: (access: BankAccess) => Promise<T>,
    reason: AuditReason,
  ): Promise<Fresh<T>> {
    let outcome
    let audited: AuditedReservation | undefined
    try {
      outcome = await this.#deps.ledger.reserve(parts)
      if (outcome.kind === 'granted') audited = await this.#audited(outcome.reservation, parts, reason)
    } catch (error) {
      if (cached !== undefined) return fromCache(cached, true)
      throw error
    }
    if (outcome.kind === 'refused') {
      await this.#deps.onQuotaRefused?.(parts, outcome.nextAllowedAt)
      if (cached !== undefined) return fromCache(cached, true)
      throw new QuotaExhaustedError(outcome.nextAllowedAt)
    }
    const startedAt = orderingNow()
    let value: T
    try {
      const reservation = audited ?? outcome.reservation
      value = await settled(audited, () => fetch(countedReservation(reservation, op)))
    } catch (error) {
      await this.#rememberRefusal(key, error)
      if (cached !== undefined && isStaleServable(error)) return fromCache(cached, true)
      // The replay after a token refresh found the key spent: say when the next call is allowed, as for any refusal.
      if (error instanceof ReplayRefusedError) throw new QuotaExhaustedError(await this.#nextAllowedAt(parts))
      throw error
    }
    const entry: CacheEntry<T> = { value, fetchedAt: this.#deps.clock(), psuPresent: false }
    await this.#remember(key, entry, startedAt)
    return { value, freshness: { fetchedAt: entry.fetchedAt, source: 'BANK', psuPresent: false, stale: false } }
  }

  /** A consent refusal from the bank (not the limit: a 403 TMRQ is BANK_LIMIT_REACHED, never this). */
  async #rememberRefusal(key: string, error: unknown): Promise<void> {
    if (!(error instanceof ConsentMissingError)) return
    await this.#deps.refusals
      .remember(key, connectionOf(key), orderingNow())
      .catch((storeError: unknown) => this.#deps.onStoreError?.(storeError))
  }

  /** A store that cannot answer is no refusal: the ledger then fails closed on its own. */
  async #isRefused(key: string): Promise<boolean> {
    return this.#deps.refusals.isRefused(key, connectionOf(key)).catch((error: unknown) => {
      this.#deps.onStoreError?.(error)
      return false
    })
  }

  async #nextAllowedAt(parts: QuotaKeyParts): Promise<number | null> {
    return this.#deps.ledger.status(parts).then(
      (status) => status.nextAllowedAt,
      () => null,
    )
  }

  /**
   * Caches a fresh answer unless the key was invalidated after the call started (its answer may predate a consent
   * change). A store error only costs later reads the refresh: the caller still gets the bank's answer.
   */
  async #remember<T>(key: string, entry: CacheEntry<T>, startedAt: number): Promise<void> {
    try {
      await this.#deps.cache.set(key, entry, { unlessInvalidatedAfter: startedAt })
    } catch (error) {
      this.#deps.onStoreError?.(error)
    }
  }
}

export class LeaseTimeoutError extends GatewayError {
  readonly code = 'BANK_UNAVAILABLE'
  constructor() {
    super('another gateway replica is reading this data from the bank and did not finish in time')
  }
}

/**
 * Wall-clock time with sub-millisecond resolution, for ordering a call against an invalidation (which happened
 * first), not for business time: an injected test clock that stands still must not make them look simultaneous.
 */
function orderingNow(): number {
  return performance.timeOrigin + performance.now()
}

/** The connection part ({tag}tpp | bank | psu) of a cache key, which always starts with it (formatQuotaKey). */
function connectionOf(key: string): string {
  return key.split('|').slice(0, 3).join('|')
}

function fromCache<T>(entry: CacheEntry<T>, stale: boolean): Fresh<T> {
  return {
    value: entry.value,
    freshness: { fetchedAt: entry.fetchedAt, source: 'CACHE', psuPresent: entry.psuPresent, stale },
  }
}

function isStaleServable(error: unknown): boolean {
  return error instanceof GatewayError && STALE_SERVABLE.has(error.code)
}

/**
 * The budget the policy spreads: the calendar window refills at Paris midnight; a rolling window frees each call 24 h
 * after it was made, so calls are also kept 24 h ÷ limit apart when it is enforced.
 */
function budgetOf(status: QuotaStatus, now: number): BudgetView {
  const rolling = status.windows !== 'calendar-day'
  return {
    remaining: status.remaining,
    windowEndsAt: status.windows === 'rolling-24h' ? now + ROLLING_DAY_MS : status.calendarDay.resetsAt,
    minSpacingMs: rolling ? ROLLING_DAY_MS / status.limit : 0,
  }
}

const ROLLING_DAY_MS = 24 * 3600_000

/** Records on the trail what a call came to, when the STET client did not (an error before any attempt). */
async function settled<T>(audited: AuditedReservation | undefined, call: () => Promise<T>): Promise<T> {
  if (audited === undefined) return call()
  let value: T
  try {
    value = await call()
  } catch (error) {
    await audited.settle(error)
    throw error
  }
  await audited.settle()
  return value
}

/** The present PSU's context, naming the operation its bank call belongs to. */
function withRequestIds(presence: PsuContext | undefined, op: OperationBudget): PsuContext | undefined {
  return presence === undefined || op.requestIds === undefined ? presence : { ...presence, requestIds: op.requestIds }
}

/**
 * Charges the operation for the call and for the replay's unit, and refunds a unit handed back; names the operation
 * the call belongs to.
 */
function countedReservation(reservation: Reservation, op: OperationBudget): Reservation {
  op.spent += 1
  return {
    kind: 'reservation',
    ...(op.requestIds === undefined ? {} : { requestIds: op.requestIds }),
    quotaKey: reservation.quotaKey,
    ...(reservation.grantId === undefined ? {} : { grantId: reservation.grantId }),
    ...(reservation.recordAttempt === undefined ? {} : { recordAttempt: reservation.recordAttempt.bind(reservation) }),
    release: async () => {
      await reservation.release()
      op.spent -= 1
    },
    markExhausted: () => reservation.markExhausted(),
    reserveReplay: async () => {
      const next = await reservation.reserveReplay()
      return next === undefined ? undefined : countedReservation(next, op)
    },
  }
}

/**
 * The shared ledger: any number of gateway replicas count in one Redis (`STORE_URL=redis://…`).
 *
 * - Atomic: each reserve is one Lua script (`reserve-script.ts`) that checks both windows and only then adds the
 *   grant; the gateway never reads then writes. The script has written the grant before it answers (invariant 3);
 *   how long Redis keeps it across a crash is its persistence setting, and a restart that loses it is invariant 6.
 * - One clock: the scripts take `TIME` from Redis; the `clock` option replaces it with an ARGV, for tests only.
 * - Fail closed: `disableOfflineQueue` makes commands fail at once while the connection is down (no queueing behind a
 *   dead socket), every command has a timeout, the client reconnects in the background, and every failure becomes
 *   `StoreUnavailableError`. A command that timed out may still have granted: that unit is spent, the safe direction.
 *
 * Keys, with `prefix` (default `quota:`) and the hash tag `{bank:psu}` of one PSU at one bank:
 *   `<prefix>{bank:psu}:<quota key>`            sorted set of grants (member = grant id, score = time)
 *   `<prefix>{bank:psu}:<quota key>:exhausted`  exhaustedUntil (a 429)
 *   `<prefix>{bank:psu}:epoch`                  the tag's epoch: `<id>` confirmed, `p:<id>` pending
 *   `<prefix>epoch`                             the store epoch { id, lostAt } (`store-epoch.ts`)
 *
 * Loss detection on Cluster (invariant 6 + 7): the store epoch lives in its own slot, so the reserve script cannot
 * read it atomically. Each tag carries a copy instead, written in the same slot as its grants: a confirmed tag epoch
 * proves the tag's grants survived since it was written (a Redis restart loses both together). A tag without a
 * confirmed epoch (a PSU never seen, or a lost one: the two look alike) is decided "tentatively": the caller then
 * reads the store epoch, and only when it is still the one it counts under (so no restart happened since it learnt
 * it) is the grant returned and the tag confirmed; otherwise the grant is removed before anyone has used it, the loss
 * is recorded, and the reserve is decided again. A pending tag is never trusted by another replica, which makes the
 * same check.
 * TODO: on Redis Cluster, one shard restarting empty while the shard holding `<prefix>epoch` keeps its data looks like
 * new PSUs on the lost shard; closing that needs an epoch per slot written at start. Until then, run Cluster shards
 * with replicas or AOF so that a shard never comes back empty. Standalone Redis (one loss unit) is fully covered.
 * Redis must also not evict these keys (`maxmemory-policy noeviction`): an evicted grant is a lost grant.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import type { RedisClientType } from 'redis'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import type { QuotaKeyParts, QuotaLedger, QuotaPolicy, QuotaStatus, ReserveOutcome } from './quota-ledger.js'
import { createQuotaPolicy, formatQuotaHashTag, formatQuotaKey, StoreUnavailableError } from './quota-ledger.js'
import { describeQuota, describeRefusal } from './quota-status.js'
import { publishReserve } from './quota-diagnostics.js'
import type { KeySnapshot, RefusalReason } from './quota-status.js'
import { LedgerReservation } from './ledger-reservation.js'
import type { ReservationStore } from './ledger-reservation.js'
import type { StoreEpoch } from './store-epoch.js'
import { judgeEpoch, lostUntil, newEpochId } from './store-epoch.js'
import { parisMidnightsAround } from './windows.js'
import {
  CONFIRM_TAG_SCRIPT,
  MARK_EXHAUSTED_SCRIPT,
  RESERVE_SCRIPT,
  SET_EPOCH_SCRIPT,
  STATUS_SCRIPT,
} from './reserve-script.js'

export interface RedisLedgerOptions {
  /** `redis://host:port[/db]`. */
  url: string
  /** Default: 4 calls for every bank, both windows. */
  policy?: QuotaPolicy
  /** Default `quota:`. Tests use a unique prefix and delete their keys. */
  prefix?: string
  /** Treat a store without an epoch at this instance's first access as new, not lost. Sandbox, dev and tests only. */
  trustEmptyStore?: boolean
  /**
   * TESTS ONLY: take time from this clock (passed to the scripts as an ARGV) instead of Redis `TIME`. In production
   * every replica must count on the store's clock (invariant 5), so configuration never sets it.
   */
  clock?: Clock
  /** How long a call waits for the first connection. Default 1000 ms. */
  connectTimeoutMs?: number
  /** How long a command may take before the ledger gives up (fail closed). Default 2000 ms. */
  commandTimeoutMs?: number
}

/** The days of Paris midnights passed around the local clock: a store clock days away from ours fails closed. */
const MIDNIGHT_DAYS_AROUND = 3
/** A store epoch that changes more often than this during one reserve is not a store to count on. */
const MAX_EPOCH_ATTEMPTS = 4

type ConnectionPhase = 'connecting' | 'ready' | 'down' | 'closed'

interface Script {
  source: string
  sha: string
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') })
const SCRIPTS = {
  reserve: script(RESERVE_SCRIPT),
  status: script(STATUS_SCRIPT),
  markExhausted: script(MARK_EXHAUSTED_SCRIPT),
  confirmTag: script(CONFIRM_TAG_SCRIPT),
  setEpoch: script(SET_EPOCH_SCRIPT),
}

interface ReserveReply {
  status: 'ok' | 'tentative' | 'tag-mismatch' | 'clock-skew'
  now: number
  reason: '' | RefusalReason
  exhaustedUntil: number | null
  tagEpoch: string
  grants: number[]
}

function toNumber(text: string | undefined, what: string): number {
  const value = Number(text)
  if (text === undefined || text === '' || !Number.isFinite(value))
    throw new StoreUnavailableError(`the ledger script returned a bad ${what}`)
  return value
}

function toOptionalNumber(text: string | undefined, what: string): number | null {
  return text === undefined || text === '' ? null : toNumber(text, what)
}

function toStrings(reply: unknown): string[] {
  if (!Array.isArray(reply) || !reply.every((item): item is string => typeof item === 'string')) {
    throw new StoreUnavailableError('the ledger script returned an unexpected reply')
  }
  return reply
}

export class RedisLedger implements QuotaLedger, ReservationStore {
  readonly #client: RedisClientType
  readonly #policy: QuotaPolicy
  readonly #prefix: string
  readonly #trustEmptyStore: boolean
  readonly #clock: Clock | undefined
  readonly #connectTimeoutMs: number
  readonly #commandTimeoutMs: number
  #phase: ConnectionPhase = 'connecting'
  /** The store epoch this instance counts under; undefined before its first access. */
  #epoch: StoreEpoch | undefined
  /** Settles on the first connection's outcome (or its timeout); shared by every call made meanwhile. */
  #firstAttempt: Promise<void> | undefined
  /** A connection attempt is under way (node-redis: from connect or 'reconnecting' to 'ready' or 'error'). */
  #attempting = true

  constructor(options: RedisLedgerOptions) {
    this.#policy = options.policy ?? createQuotaPolicy()
    this.#prefix = options.prefix ?? 'quota:'
    this.#trustEmptyStore = options.trustEmptyStore ?? false
    this.#clock = options.clock
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 1000
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 2000
    this.#client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: this.#connectTimeoutMs,
        // Keep trying in the background; meanwhile every call fails at once (fail closed, invariant 6).
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 3000),
      },
    })
    this.#client.on('ready', () => {
      this.#attempting = false
      if (this.#phase !== 'closed') this.#phase = 'ready'
    })
    // An 'error' with no listener would crash the process; the failure is reported to each caller instead.
    this.#client.on('error', () => {
      this.#attempting = false
      if (this.#phase !== 'closed') this.#phase = 'down'
    })
    this.#client.on('reconnecting', () => {
      this.#attempting = true
    })
    this.#client.on('end', () => {
      if (this.#phase !== 'closed') this.#phase = 'down'
    })
    this.#client.connect().catch(() => {
      if (this.#phase !== 'closed') this.#phase = 'down'
    })
  }

  async reserve(parts: QuotaKeyParts): Promise<ReserveOutcome> {
    const key = formatQuotaKey(parts)
    const limit = this.#policy.limitFor(parts.bank)
    const windows = this.#policy.windows
    let replaceTag = ''
    for (let attempt = 0; attempt < MAX_EPOCH_ATTEMPTS; attempt++) {
      const epoch = await this.#currentEpoch()
      const grantId = randomUUID()
      const lost = lostUntil(epoch, windows)
      const reply = this.#parseReserve(
        await this.#evalScript(SCRIPTS.reserve, this.#keysOf(parts), [
          epoch.id,
          replaceTag,
          lost === null ? '' : String(lost),
          String(limit),
          windows,
          grantId,
          this.#nowOverride(),
          ...this.#midnights(),
        ]),
      )
      replaceTag = ''
      if (reply.status === 'clock-skew') throw new StoreUnavailableError('the quota store clock is days away from ours')
      if (reply.status === 'tag-mismatch') {
        // Another epoch confirmed this tag: if ours is still the store's, the tag's grants survived and we take it over.
        if (await this.#isEpochCurrent(epoch)) replaceTag = reply.tagEpoch
        continue
      }
      if (reply.status === 'tentative') {
        if (!(await this.#isEpochCurrent(epoch))) {
          // The store lost its counts since we learnt the epoch: undo the grant before anyone uses it, decide again.
          if (reply.reason === '') await this.#call(() => this.#client.zRem(this.#grantsKey(parts), grantId))
          continue
        }
        await this.#evalScript(SCRIPTS.confirmTag, [this.#tagEpochKey(parts)], [epoch.id])
      }
      const snapshot: KeySnapshot = {
        key,
        limit,
        windows,
        grants: reply.grants,
        now: reply.now,
        exhaustedUntil: reply.exhaustedUntil,
        lostUntil: lost,
      }
      if (reply.reason !== '') return publishReserve('redis', parts, describeRefusal(snapshot, reply.reason))
      const status = describeQuota(snapshot)
      return publishReserve('redis', parts, {
        kind: 'granted',
        reservation: new LedgerReservation(key, grantId, parts, this),
        used: status.used,
        remaining: status.remaining,
      })
    }
    throw new StoreUnavailableError('the quota store epoch kept changing')
  }

  async status(parts: QuotaKeyParts): Promise<QuotaStatus> {
    let epoch = await this.#currentEpoch()
    const reply = toStrings(await this.#evalScript(SCRIPTS.status, this.#keysOf(parts), [this.#nowOverride()]))
    const [nowText, exhaustedText, tagEpoch, ...grantTexts] = reply
    // A tag without our confirmed epoch may be new or lost: the store epoch says which (and records a loss).
    if (tagEpoch !== epoch.id && !(await this.#isEpochCurrent(epoch))) epoch = await this.#currentEpoch()
    return describeQuota({
      key: formatQuotaKey(parts),
      limit: this.#policy.limitFor(parts.bank),
      windows: this.#policy.windows,
      grants: grantTexts.map((text) => toNumber(text, 'grant time')),
      now: toNumber(nowText, 'time'),
      exhaustedUntil: toOptionalNumber(exhaustedText, 'exhaustedUntil'),
      lostUntil: lostUntil(epoch, this.#policy.windows),
    })
  }

  async releaseGrant(parts: QuotaKeyParts, grantId: string): Promise<void> {
    await this.#call(() => this.#client.zRem(this.#grantsKey(parts), grantId))
  }

  async markExhausted(parts: QuotaKeyParts): Promise<void> {
    const reply = toStrings(
      await this.#evalScript(
        SCRIPTS.markExhausted,
        [this.#exhaustedKey(parts)],
        [this.#nowOverride(), this.#policy.windows, ...this.#midnights()],
      ),
    )
    if (reply[0] !== 'ok') throw new StoreUnavailableError('the quota store clock is days away from ours')
  }

  async close(): Promise<void> {
    if (this.#phase === 'closed') return
    this.#phase = 'closed'
    // node-redis cannot abort a connection attempt: destroy() during the handshake leaves the new socket open (and
    // the process alive). Let the attempt under way settle first; between attempts destroy() stops the retries.
    if (this.#attempting) await this.#attemptSettled(2 * this.#connectTimeoutMs + 1000)
    if (this.#client.isOpen) this.#client.destroy()
  }

  // Private: epochs.

  /** The epoch to count under; the first call reads (or creates) the store epoch. */
  async #currentEpoch(): Promise<StoreEpoch> {
    if (this.#epoch !== undefined) return this.#epoch
    await this.#isEpochCurrent(undefined)
    if (this.#epoch === undefined) throw new StoreUnavailableError('the quota store epoch could not be established')
    return this.#epoch
  }

  /**
   * Reads the store epoch and judges it against `seen` (`store-epoch.ts`): true when it is unchanged. Otherwise
   * adopts the found epoch, or writes a new one (lost now, or clean at first access with `trustEmptyStore`) with a
   * compare-and-set, and returns false.
   */
  async #isEpochCurrent(seen: StoreEpoch | undefined): Promise<boolean> {
    let found = await this.#readEpoch()
    for (let attempt = 0; attempt < MAX_EPOCH_ATTEMPTS; attempt++) {
      const verdict = judgeEpoch(seen, found, this.#trustEmptyStore)
      if (verdict.kind === 'same') {
        this.#epoch = seen
        return true
      }
      if (verdict.kind === 'adopt') {
        this.#epoch = verdict.epoch
        return false
      }
      const id = newEpochId()
      const reply = toStrings(
        await this.#evalScript(
          SCRIPTS.setEpoch,
          [this.#storeEpochKey()],
          [found?.id ?? '', id, verdict.lost ? '1' : '0', this.#nowOverride()],
        ),
      )
      const held = this.#toEpoch(reply[0], reply[1])
      if (held !== undefined && held.id === id) {
        this.#epoch = held
        return false
      }
      found = held // someone else wrote first: judge what they wrote
    }
    throw new StoreUnavailableError('the quota store epoch kept changing')
  }

  async #readEpoch(): Promise<StoreEpoch | undefined> {
    const [id, lostAt] = await this.#call(() => this.#client.hmGet(this.#storeEpochKey(), ['id', 'lostAt']))
    return this.#toEpoch(id ?? undefined, lostAt ?? undefined)
  }

  #toEpoch(id: string | undefined, lostAt: string | undefined): StoreEpoch | undefined {
    if (id === undefined || id === '') return undefined
    return { id, lostAt: toOptionalNumber(lostAt, 'lostAt') }
  }

  // Private: keys and arguments.

  #grantsKey(parts: QuotaKeyParts): string {
    return `${this.#prefix}${formatQuotaHashTag(parts)}:${formatQuotaKey(parts)}`
  }

  #exhaustedKey(parts: QuotaKeyParts): string {
    return `${this.#grantsKey(parts)}:exhausted`
  }

  #tagEpochKey(parts: QuotaKeyParts): string {
    return `${this.#prefix}${formatQuotaHashTag(parts)}:epoch`
  }

  #storeEpochKey(): string {
    return `${this.#prefix}epoch`
  }

  #keysOf(parts: QuotaKeyParts): string[] {
    return [this.#grantsKey(parts), this.#exhaustedKey(parts), this.#tagEpochKey(parts)]
  }

  #nowOverride(): string {
    return this.#clock === undefined ? '' : String(this.#clock())
  }

  /** Paris midnights around our clock; the script labels the store's time with them. */
  #midnights(): string[] {
    const around = (this.#clock ?? systemClock)()
    return parisMidnightsAround(around, MIDNIGHT_DAYS_AROUND, MIDNIGHT_DAYS_AROUND).map(String)
  }

  #parseReserve(raw: unknown): ReserveReply {
    const [status, nowText, reason, exhaustedText, tagEpoch, ...grantTexts] = toStrings(raw)
    if (status !== 'ok' && status !== 'tentative' && status !== 'tag-mismatch' && status !== 'clock-skew') {
      throw new StoreUnavailableError(`the reserve script answered an unknown status`)
    }
    if (reason !== '' && reason !== 'limit' && reason !== 'exhausted' && reason !== 'store-lost') {
      throw new StoreUnavailableError(`the reserve script answered an unknown reason`)
    }
    return {
      status,
      now: toNumber(nowText, 'time'),
      reason,
      exhaustedUntil: toOptionalNumber(exhaustedText, 'exhaustedUntil'),
      tagEpoch: tagEpoch ?? '',
      grants: grantTexts.map((text) => toNumber(text, 'grant time')),
    }
  }

  // Private: talking to Redis, failing closed.

  /** EVALSHA, loading the script on NOSCRIPT (a restarted Redis has forgotten it). */
  async #evalScript(target: Script, keys: string[], args: string[]): Promise<unknown> {
    return this.#call(async () => {
      try {
        return await this.#client.evalSha(target.sha, { keys, arguments: args })
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          return this.#client.eval(target.source, { keys, arguments: args })
        }
        throw error
      }
    })
  }

  async #call<T>(command: () => Promise<T>): Promise<T> {
    await this.#whenConnected()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`the quota store did not answer within ${this.#commandTimeoutMs} ms`)),
        this.#commandTimeoutMs,
      )
    })
    try {
      return await Promise.race([command(), timeout])
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error
      throw new StoreUnavailableError('the quota store failed', { cause: error })
    } finally {
      clearTimeout(timer)
    }
  }

  /** Waits for the first connection attempt only; once the store has been down, calls fail at once until it is back. */
  async #whenConnected(): Promise<void> {
    if (this.#phase === 'connecting') {
      this.#firstAttempt ??= this.#attemptSettled(this.#connectTimeoutMs)
      await this.#firstAttempt
    }
    if (this.#phase !== 'ready')
      throw new StoreUnavailableError(`the quota store is ${this.#phase === 'closed' ? 'closed' : 'unreachable'}`)
  }

  /** Resolves when the connection attempt under way succeeds or fails, or after `timeoutMs`. */
  #attemptSettled(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const settle = (): void => {
        clearTimeout(timer)
        this.#client.off('ready', settle)
        this.#client.off('error', settle)
        resolve()
      }
      const timer = setTimeout(settle, timeoutMs).unref()
      this.#client.on('ready', settle)
      this.#client.on('error', settle)
    })
  }
}

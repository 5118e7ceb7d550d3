/**
 * The shared ledger: any number of gateway replicas count in one Redis or one Redis Cluster (`STORE_URL=redis://…`,
 * `STORE_CLUSTER_NODES=host:port,…`).
 *
 * - Atomic: each reserve is one Lua script (`reserve-script.ts`) that checks both windows and only then adds the
 *   grant; the gateway never reads then writes. The script has written the grant before it answers (invariant 3);
 *   with `waitReplicas` the grant is also on that many replicas (`WAIT`) before the request may leave, so a failover
 *   that promotes one of them cannot forget it (witnesses are not waited for: one forgotten reads as a loss). How long Redis keeps it across a crash is its persistence setting,
 *   and a restart that loses it is invariant 6, below.
 * - One clock: the scripts take `TIME` from Redis; the `clock` option replaces it with an ARGV, for tests only.
 * - Fail closed: commands fail at once while their node is unreachable (no offline queue), every command has a
 *   timeout, the client reconnects in the background, and every failure becomes `StoreUnavailableError`.
 * - Retries only where they are idempotent, and every ledger command is: a reserve is asked again with the same
 *   grant id (the script never adds a grant id twice, so a reserve whose reply was lost takes one unit, not two), a
 *   release removes one id, a 429 mark only ever moves later, witness and epoch writes are compare-and-set. A failed
 *   command (a dead node, CLUSTERDOWN during a failover, a timeout) is retried for `retryForMs` (3 s by default on a
 *   cluster, none on a single server), then fails closed. A reserve that timed out and was never answered may have
 *   granted: that unit stays spent, the safe direction. MOVED and ASK are followed by node-redis.
 *
 * Keys, with `prefix` (default `quota:`) and the hash tag `{bank:psu}` of one PSU at one bank:
 *   `<prefix>{bank:psu}:<quota key>`            sorted set of grants (member = grant id, score = time)
 *   `<prefix>{bank:psu}:<quota key>:exhausted`  exhaustedUntil (a 429)
 *   `<prefix>{<slot tag>}:witness`              the witness of that slot (cluster; one per slot, 16384)
 *   `<prefix>witness`                           the one witness of a single server
 *   `<prefix>epoch`                             the store-wide record { id, missing, state, distrust }
 *
 * Store loss, per slot (invariant 6 + 7, `store-epoch.ts`): the reserve script reads the slot's witness in the same
 * step as the grants. A shard that comes back empty has lost its witnesses with its grants: its keys are refused
 * (`store-lost`) until the lost windows have passed, whichever other shards survived, and the other slots go on.
 * Redis must not evict these keys (`maxmemory-policy noeviction`): an evicted witness reads as a lost slot (fail
 * closed), an evicted grant set as a lost grant (a breach).
 */
import { createHash, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { ErrorReply } from 'redis'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import type { RedisConnection, RedisTarget } from '../redis/redis-connection.js'
import {
  CLUSTER_SLOTS,
  createRedisConnection,
  isCluster,
  pipelinePerKey,
  sendCommandFor,
  slotOf,
  slotTagFor,
} from '../redis/redis-connection.js'
import type { QuotaKeyParts, QuotaLedger, QuotaPolicy, QuotaStatus, ReserveOutcome } from './quota-ledger.js'
import { createQuotaPolicy, formatQuotaHashTag, formatQuotaKey, StoreUnavailableError } from './quota-ledger.js'
import { describeQuota, describeRefusal } from './quota-status.js'
import { publishReserve } from './quota-diagnostics.js'
import type { KeySnapshot, RefusalReason } from './quota-status.js'
import { LedgerReservation } from './ledger-reservation.js'
import type { ReservationStore } from './ledger-reservation.js'
import type { WitnessEpoch } from './store-epoch.js'
import { judgeWitness, judgeWitnessEpoch, newEpochId } from './store-epoch.js'
import { parisMidnightsAround } from './windows.js'
import {
  CLAIM_EPOCH_SCRIPT,
  EPOCH_READY_SCRIPT,
  MARK_EXHAUSTED_SCRIPT,
  RESERVE_SCRIPT,
  STATUS_SCRIPT,
  WRITE_WITNESS_SCRIPT,
} from './reserve-script.js'

export interface RedisLedgerOptions {
  /** `redis://host:port[/db]`: a single server (ignored when `target` is given). */
  url?: string
  /** A single server or a cluster. */
  target?: RedisTarget
  /** Default: 4 calls for every bank, both windows. */
  policy?: QuotaPolicy
  /** Default `quota:`; no `{` or `}` (it would become the hash tag). Tests use a unique prefix and delete their keys. */
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
  /** A grant (a 429 mark, a witness) must be on this many replicas before it counts (`WAIT`). Default 0. */
  waitReplicas?: number
  /** How long a command that failed on the way is retried (all are idempotent). Default 3000 ms on a cluster, else 0. */
  retryForMs?: number
}

/** The days of Paris midnights passed around the local clock: a store clock days away from ours fails closed. */
const MIDNIGHT_DAYS_AROUND = 3
/** A store whose witnesses or epoch change more often than this during one call is not a store to count on. */
const MAX_EPOCH_ATTEMPTS = 6
/** Witnesses written or read at once when a store is initialised (16384 on a cluster). */
const WITNESS_BATCH = 4096
/** Errors a Redis node answers while it cannot serve yet (a failover, a load): the command did not run. */
const TRANSIENT_REPLIES = ['CLUSTERDOWN', 'TRYAGAIN', 'LOADING', 'MASTERDOWN', 'READONLY']

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
  writeWitness: script(WRITE_WITNESS_SCRIPT),
  claimEpoch: script(CLAIM_EPOCH_SCRIPT),
  epochReady: script(EPOCH_READY_SCRIPT),
}

interface ReserveReply {
  status: 'ok' | 'no-witness' | 'foreign-witness' | 'clock-skew'
  now: number
  reason: '' | RefusalReason
  exhaustedUntil: number | null
  lostUntil: number | null
  witness: string
  grants: number[]
}

/** A StoreUnavailableError that may be retried: the command provably did not run, or running it again is harmless. */
class TransientStoreError extends StoreUnavailableError {}

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

/** `<epoch id>` or `<epoch id>|<lostUntil>`. */
function parseWitness(text: string): { id: string; lostUntil: number | null } {
  const bar = text.indexOf('|')
  if (bar < 0) return { id: text, lostUntil: null }
  return { id: text.slice(0, bar), lostUntil: toNumber(text.slice(bar + 1), 'witness') }
}

function isTransient(error: unknown): boolean {
  if (error instanceof TransientStoreError) return true
  if (error instanceof ErrorReply) return TRANSIENT_REPLIES.some((code) => error.message.startsWith(code))
  // A socket that closed, a node offline, a connection timeout: nothing was answered.
  return error instanceof Error
}

export class RedisLedger implements QuotaLedger, ReservationStore {
  readonly #client: RedisConnection
  readonly #cluster: boolean
  readonly #policy: QuotaPolicy
  readonly #prefix: string
  readonly #trustEmptyStore: boolean
  readonly #clock: Clock | undefined
  readonly #connectTimeoutMs: number
  readonly #commandTimeoutMs: number
  readonly #waitReplicas: number
  readonly #retryForMs: number
  readonly statusIsRemote = true
  #phase: ConnectionPhase = 'connecting'
  /** The store-wide record this instance counts under (ready); undefined before its first access. */
  #epoch: WitnessEpoch | undefined
  /** Settles on the first connection's outcome (or its timeout); shared by every call made meanwhile. */
  #firstAttempt: Promise<void> | undefined
  /** A connection attempt is under way (node-redis: from connect or 'reconnecting' to 'ready' or 'error'). */
  #attempting = true
  #establishing: Promise<WitnessEpoch> | undefined
  /** Cluster only: node-redis does not retry a cluster's first discovery; we do, in the background. */
  #rediscoverTimer: NodeJS.Timeout | undefined

  constructor(options: RedisLedgerOptions) {
    const target: RedisTarget = options.target ?? { kind: 'single', url: options.url ?? 'redis://127.0.0.1:6379' }
    this.#cluster = target.kind === 'cluster'
    this.#policy = options.policy ?? createQuotaPolicy()
    this.#prefix = options.prefix ?? 'quota:'
    if (/[{}]/.test(this.#prefix)) throw new TypeError(`the ledger prefix must not contain { or }: "${this.#prefix}"`)
    this.#trustEmptyStore = options.trustEmptyStore ?? false
    this.#clock = options.clock
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 1000
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 2000
    this.#waitReplicas = options.waitReplicas ?? 0
    this.#retryForMs = options.retryForMs ?? (this.#cluster ? 3000 : 0)
    this.#client = createRedisConnection(target, {
      connectTimeoutMs: this.#connectTimeoutMs,
      // Keep trying in the background; meanwhile every call fails at once (fail closed, invariant 6).
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 3000),
    })
    if (isCluster(this.#client)) this.#watchCluster()
    else this.#watchClient()
    this.#connect()
  }

  async reserve(parts: QuotaKeyParts): Promise<ReserveOutcome> {
    const key = formatQuotaKey(parts)
    const limit = this.#policy.limitFor(parts.bank)
    const windows = this.#policy.windows
    // One id for every attempt of this reserve: the script never adds it twice (see the module comment).
    const grantId = randomUUID()
    for (let attempt = 0; attempt < MAX_EPOCH_ATTEMPTS; attempt++) {
      const epoch = await this.#currentEpoch()
      const reply = this.#parseReserve(
        await this.#evalScript(SCRIPTS.reserve, this.#keysOf(parts), [
          epoch.id,
          String(limit),
          windows,
          grantId,
          this.#nowOverride(),
          ...this.#midnights(),
        ]),
      )
      if (reply.status === 'clock-skew') throw new StoreUnavailableError('the quota store clock is days away from ours')
      if (reply.status !== 'ok') {
        await this.#settleWitness(parts, reply.status === 'no-witness' ? undefined : reply.witness)
        continue
      }
      const snapshot: KeySnapshot = {
        key,
        limit,
        windows,
        grants: reply.grants,
        now: reply.now,
        exhaustedUntil: reply.exhaustedUntil,
        lostUntil: reply.lostUntil,
      }
      if (reply.reason !== '') return publishReserve('redis', parts, describeRefusal(snapshot, reply.reason))
      await this.#awaitReplicas(this.#grantsKey(parts))
      const status = describeQuota(snapshot)
      return publishReserve('redis', parts, {
        kind: 'granted',
        reservation: new LedgerReservation(key, grantId, parts, this),
        used: status.used,
        remaining: status.remaining,
      })
    }
    throw new StoreUnavailableError('the quota store witnesses kept changing')
  }

  async status(parts: QuotaKeyParts): Promise<QuotaStatus> {
    for (let attempt = 0; attempt < MAX_EPOCH_ATTEMPTS; attempt++) {
      const epoch = await this.#currentEpoch()
      const [nowText, exhaustedText, witnessText, ...grantTexts] = toStrings(
        await this.#evalScript(SCRIPTS.status, this.#keysOf(parts), [this.#nowOverride()]),
      )
      const witness = witnessText === undefined || witnessText === '' ? undefined : parseWitness(witnessText)
      if (witness === undefined || (witness.lostUntil === null && witness.id !== epoch.id)) {
        await this.#settleWitness(parts, witnessText === '' ? undefined : witnessText)
        continue
      }
      return describeQuota({
        key: formatQuotaKey(parts),
        limit: this.#policy.limitFor(parts.bank),
        windows: this.#policy.windows,
        grants: grantTexts.map((text) => toNumber(text, 'grant time')),
        now: toNumber(nowText, 'time'),
        exhaustedUntil: toOptionalNumber(exhaustedText, 'exhaustedUntil'),
        lostUntil: witness.lostUntil,
      })
    }
    throw new StoreUnavailableError('the quota store witnesses kept changing')
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
    await this.#awaitReplicas(this.#exhaustedKey(parts))
  }

  async close(): Promise<void> {
    if (this.#phase === 'closed') return
    this.#phase = 'closed'
    clearTimeout(this.#rediscoverTimer)
    if (isCluster(this.#client)) {
      this.#client.destroy()
      return
    }
    // node-redis cannot abort a connection attempt: destroy() during the handshake leaves the new socket open (and
    // the process alive). Let the attempt under way settle first; between attempts destroy() stops the retries.
    if (this.#attempting) await this.#attemptSettled(2 * this.#connectTimeoutMs + 1000)
    if (this.#client.isOpen) this.#client.destroy()
  }

  // Private: witnesses and the store-wide record (`store-epoch.ts`).

  /** The record to count under; the first call reads it, or initialises the store. */
  async #currentEpoch(): Promise<WitnessEpoch> {
    if (this.#epoch !== undefined) return this.#epoch
    // One initialisation per instance, however many reserves arrive before it is done.
    this.#establishing ??= this.#establish(undefined).finally(() => (this.#establishing = undefined))
    this.#epoch = await this.#establishing
    return this.#epoch
  }

  /**
   * Reads the store-wide record and judges it against `seen`: adopts it, or claims a new one (compare-and-set);
   * a record still `init` is finished here (every witness written), so the one returned is always ready.
   */
  async #establish(seen: WitnessEpoch | undefined): Promise<WitnessEpoch> {
    let found = await this.#readEpoch()
    for (let attempt = 0; attempt < MAX_EPOCH_ATTEMPTS; attempt++) {
      const isEmpty = found === undefined && seen === undefined && this.#trustEmptyStore && (await this.#noWitness())
      const verdict = judgeWitnessEpoch(seen, found, this.#trustEmptyStore, () => isEmpty)
      let held: WitnessEpoch | undefined
      if (verdict.kind === 'claim') {
        const id = newEpochId()
        held = this.#toEpoch(
          toStrings(
            await this.#evalScript(
              SCRIPTS.claimEpoch,
              [this.#epochKey()],
              [found?.id ?? '', id, verdict.missing, verdict.distrust],
            ),
          ),
        )
        if (held?.id !== id) {
          found = held // someone else wrote first: judge what they wrote
          continue
        }
      } else {
        held = verdict.epoch
      }
      if (held.state === 'init') await this.#initialise(held)
      return { ...held, state: 'ready' }
    }
    throw new StoreUnavailableError('the quota store epoch kept changing')
  }

  /**
   * Writes every missing witness as the record says, then marks the record ready. A lost witness carries the end of
   * the windows of the store's now (asked once, with the first witness); every other is a plain `SET NX`, pipelined
   * per node (16384 of them on a cluster).
   */
  async #initialise(epoch: WitnessEpoch): Promise<void> {
    const [first, ...keys] = this.#witnessKeys()
    if (first === undefined) return
    const [status, , value] = toStrings(
      await this.#evalScript(
        SCRIPTS.writeWitness,
        [first],
        ['', epoch.id, epoch.missing, this.#nowOverride(), this.#policy.windows, ...this.#midnights()],
      ),
    )
    if (status === 'clock-skew' || value === undefined || value === '')
      throw new StoreUnavailableError('the quota store clock is days away from ours')
    for (let i = 0; i < keys.length; i += WITNESS_BATCH) {
      const batch = keys.slice(i, i + WITNESS_BATCH)
      await this.#call(() => pipelinePerKey(this.#client, batch, (key) => ['SET', key, value, 'NX']))
    }
    await this.#evalScript(SCRIPTS.epochReady, [this.#epochKey()], [epoch.id])
  }

  /** True when no witness exists at all: the only store an operator's trustEmptyStore may take as new. */
  async #noWitness(): Promise<boolean> {
    const keys = this.#witnessKeys()
    for (let i = 0; i < keys.length; i += WITNESS_BATCH) {
      const batch = keys.slice(i, i + WITNESS_BATCH)
      const found = await this.#call(() => pipelinePerKey(this.#client, batch, (key) => ['EXISTS', key]))
      if (found.some((exists) => exists !== 0)) return false
    }
    return true
  }

  /**
   * The slot of `parts` has no witness, or another epoch's clean one (`witness`). Refresh the record we count under
   * (it may have been lost and rewritten), then record the slot's loss or take the witness over; the caller asks
   * the store again.
   */
  async #settleWitness(parts: QuotaKeyParts, witness: string | undefined): Promise<void> {
    const key = this.#witnessKeyOf(parts)
    const foreignId = witness === undefined ? undefined : parseWitness(witness).id
    if (foreignId !== undefined) {
      this.#epoch = await this.#establish(this.#epoch)
      if (foreignId === this.#epoch.id) return
    }
    const ours = await this.#currentEpoch()
    const verdict = judgeWitness(ours, foreignId)
    await this.#writeWitness(key, witness ?? '', ours.id, verdict.kind === 'take-over' ? 'clean' : 'lost')
  }

  async #writeWitness(key: string, expected: string, epochId: string, mode: 'clean' | 'lost'): Promise<void> {
    const [status] = toStrings(
      await this.#evalScript(
        SCRIPTS.writeWitness,
        [key],
        [expected, epochId, mode, this.#nowOverride(), this.#policy.windows, ...this.#midnights()],
      ),
    )
    // Not waited for on replicas: a witness a failover forgets reads as a lost slot again (fail closed).
    if (status === 'clock-skew') throw new StoreUnavailableError('the quota store clock is days away from ours')
  }

  async #readEpoch(): Promise<WitnessEpoch | undefined> {
    const fields = await this.#call(() =>
      this.#client.hmGet(this.#epochKey(), ['id', 'missing', 'state', 'distrust', 'lostAt']),
    )
    return this.#toEpoch(fields.map((field) => field ?? ''))
  }

  #toEpoch([id, missing, state, distrust, lostAt]: (string | undefined)[]): WitnessEpoch | undefined {
    if (id === undefined || id === '') return undefined
    if (missing !== 'clean' && missing !== 'lost') {
      // A record of the previous scheme (store-wide epoch, no witnesses): initialise the witnesses with what it said.
      return { id, missing: lostAt === undefined || lostAt === '' ? 'clean' : 'lost', state: 'init', distrust: '' }
    }
    return { id, missing, state: state === 'ready' ? 'ready' : 'init', distrust: distrust ?? '' }
  }

  // Private: keys and arguments.

  #grantsKey(parts: QuotaKeyParts): string {
    return `${this.#prefix}${formatQuotaHashTag(parts)}:${formatQuotaKey(parts)}`
  }

  #exhaustedKey(parts: QuotaKeyParts): string {
    return `${this.#grantsKey(parts)}:exhausted`
  }

  /** The witness in the slot of this key: the reserve script reads it in the same atomic step. */
  #witnessKeyOf(parts: QuotaKeyParts): string {
    if (!this.#cluster) return `${this.#prefix}witness`
    return this.#witnessKeyForSlot(slotOf(this.#grantsKey(parts)))
  }

  #witnessKeyForSlot(slot: number): string {
    return `${this.#prefix}{${slotTagFor(slot)}}:witness`
  }

  #witnessKeys(): string[] {
    if (!this.#cluster) return [`${this.#prefix}witness`]
    return Array.from({ length: CLUSTER_SLOTS }, (_, slot) => this.#witnessKeyForSlot(slot))
  }

  #epochKey(): string {
    return `${this.#prefix}epoch`
  }

  #keysOf(parts: QuotaKeyParts): string[] {
    return [this.#grantsKey(parts), this.#exhaustedKey(parts), this.#witnessKeyOf(parts)]
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
    const [status, nowText, reason, exhaustedText, lostText, witness, ...grantTexts] = toStrings(raw)
    if (status !== 'ok' && status !== 'no-witness' && status !== 'foreign-witness' && status !== 'clock-skew') {
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
      lostUntil: toOptionalNumber(lostText, 'lostUntil'),
      witness: witness ?? '',
      grants: grantTexts.map((text) => toNumber(text, 'grant time')),
    }
  }

  // Private: talking to Redis, failing closed.

  /** A write counts once `waitReplicas` replicas hold it: otherwise a failover could promote one that never saw it. */
  async #awaitReplicas(key: string): Promise<void> {
    if (this.#waitReplicas === 0) return
    const timeoutMs = Math.max(1, Math.floor(this.#commandTimeoutMs / 2))
    const acked = await this.#call(() =>
      sendCommandFor(this.#client, key, ['WAIT', String(this.#waitReplicas), String(timeoutMs)]),
    )
    if (typeof acked !== 'number' || acked < this.#waitReplicas) {
      throw new StoreUnavailableError(`a quota write reached ${String(acked)} of ${this.#waitReplicas} replicas`)
    }
  }

  /** EVALSHA, loading the script on NOSCRIPT (a restarted or newly promoted node has not got it). */
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

  /** One command, retried while it fails on the way and `retryForMs` allows (every ledger command is idempotent). */
  async #call<T>(command: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#retryForMs
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#callOnce(command)
      } catch (error) {
        const delayMs = Math.min(50 * 2 ** attempt, 500)
        if (!(error instanceof TransientStoreError) || Date.now() + delayMs > deadline || this.#phase === 'closed')
          throw error
        await sleep(delayMs)
      }
    }
  }

  async #callOnce<T>(command: () => Promise<T>): Promise<T> {
    await this.#whenConnected()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TransientStoreError(`the quota store did not answer within ${this.#commandTimeoutMs} ms`)),
        this.#commandTimeoutMs,
      )
    })
    try {
      return await Promise.race([command(), timeout])
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error
      const Failure = isTransient(error) ? TransientStoreError : StoreUnavailableError
      throw new Failure('the quota store failed', { cause: error })
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
    if (this.#phase === 'closed') throw new StoreUnavailableError('the quota store is closed')
    if (this.#phase !== 'ready') throw new TransientStoreError('the quota store is unreachable')
  }

  #connect(): void {
    this.#client.connect().catch(() => {
      if (this.#phase === 'closed') return
      this.#phase = 'down'
      this.#attempting = false
      // A cluster whose first discovery failed stays closed: try again in the background.
      if (this.#cluster) this.#rediscoverTimer = setTimeout(() => this.#connect(), 1000).unref()
    })
  }

  #watchClient(): void {
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
  }

  /** A cluster is ready once its slots are known; a node down afterwards fails only the commands for its slots. */
  #watchCluster(): void {
    this.#client.on('connect', () => {
      this.#attempting = false
      if (this.#phase !== 'closed') this.#phase = 'ready'
    })
    this.#client.on('error', () => {
      this.#attempting = false
    })
    this.#client.on('node-error', () => undefined)
  }

  /** Resolves when the connection attempt under way succeeds or fails, or after `timeoutMs`. */
  #attemptSettled(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const settle = (): void => {
        clearTimeout(timer)
        for (const event of events) this.#client.off(event, settle)
        resolve()
      }
      // Over when a client is 'ready' or failed ('error'), when a cluster knows its slots ('connect') or failed.
      const events = [this.#cluster ? 'connect' : 'ready', 'error']
      const timer = setTimeout(settle, timeoutMs).unref()
      for (const event of events) this.#client.on(event, settle)
    })
  }
}

/**
 * The default ledger: one gateway process (or several on one machine), state in an lmdb environment under DATA_DIR.
 *
 * - Atomic: a reserve is one lmdb write transaction (read the key's grants and the epoch, check, append). lmdb has one
 *   writer at a time across every thread and process that opens the directory, so concurrent reserves serialize
 *   there; the clock is read inside the transaction so that the order of grants is the order of decisions.
 * - Durable before the request leaves (invariant 3): lmdb-js resolves a write promise when the transaction is
 *   committed and visible, and, with `overlappingSync` (its default outside Windows), flushes to disk afterwards. So
 *   every write here also awaits `db.flushed`, which resolves once the commit is synced (lmdb-js README
 *   "overlappingSync"; write.js `flushed`). `noSync` is never set.
 * - Loss (invariant 6, `store-epoch.ts`): the epoch record lives in the same environment and is checked in the same
 *   transaction as each reserve. A fresh environment at this instance's first access is "clean" only with
 *   `trustEmptyStore`; otherwise every key is refused until the windows of the unknown past have passed. A directory
 *   wiped under a running process is seen by the next process that opens it (a fresh environment at start).
 * - Grants older than 26 h cannot matter to either window and are pruned on each write of their key.
 */
import { randomUUID } from 'node:crypto'
import { open } from 'lmdb'
import type { RootDatabase } from 'lmdb'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import type {
  QuotaKeyParts,
  QuotaLedger,
  QuotaPolicy,
  QuotaStatus,
  QuotaWindows,
  ReserveOutcome,
} from './quota-ledger.js'
import { createQuotaPolicy, formatQuotaKey, StoreUnavailableError } from './quota-ledger.js'
import { describeQuota, describeRefusal } from './quota-status.js'
import { publishReserve } from './quota-diagnostics.js'
import type { KeySnapshot } from './quota-status.js'
import { LedgerReservation } from './ledger-reservation.js'
import type { ReservationStore } from './ledger-reservation.js'
import type { StoreEpoch } from './store-epoch.js'
import { judgeEpoch, lostUntil, newEpochId } from './store-epoch.js'
import { GRANT_RETENTION_MS, isGrantAllowed, windowsEndAfter } from './windows.js'

export interface EmbeddedLedgerOptions {
  /** The directory of the lmdb environment (created if missing), e.g. `${DATA_DIR}/quota`. */
  dir: string
  /** Default: 4 calls for every bank, both windows. */
  policy?: QuotaPolicy
  clock?: Clock
  /** Treat an empty environment found at first access as a new store, not a lost one. Sandbox, dev and tests only. */
  trustEmptyStore?: boolean
}

interface Grant {
  id: string
  at: number
}

interface KeyRecord {
  grants: Grant[]
  exhaustedUntil: number | null
}

interface StoredEpoch {
  id: string
  lostAt: number | null
}

type StoreValue = KeyRecord | StoredEpoch

const EPOCH_KEY = 'epoch'
const recordKey = (quotaKey: string): string => `key:${quotaKey}`

type Decision =
  | { kind: 'granted'; snapshot: KeySnapshot; grantId: string }
  | { kind: 'refused'; snapshot: KeySnapshot; reason: 'limit' | 'exhausted' | 'store-lost' }

export class EmbeddedLedger implements QuotaLedger, ReservationStore {
  readonly #db: RootDatabase<StoreValue, string>
  readonly #policy: QuotaPolicy
  readonly #clock: Clock
  readonly #trustEmptyStore: boolean
  /** The epoch this instance has seen; undefined before its first access. */
  #epoch: StoreEpoch | undefined
  #phase: 'open' | 'closed' = 'open'
  readonly statusIsRemote = false

  constructor(options: EmbeddedLedgerOptions) {
    this.#db = open<StoreValue, string>({ path: options.dir })
    this.#policy = options.policy ?? createQuotaPolicy()
    this.#clock = options.clock ?? systemClock
    this.#trustEmptyStore = options.trustEmptyStore ?? false
  }

  async reserve(parts: QuotaKeyParts): Promise<ReserveOutcome> {
    const key = formatQuotaKey(parts)
    const limit = this.#policy.limitFor(parts.bank)
    const windows = this.#policy.windows
    const decision = await this.#write((now, epoch): Decision => {
      const record = this.#readRecord(key, now)
      const snapshot = (): KeySnapshot => snapshotOf(key, limit, windows, record, now, epoch)
      const lost = lostUntil(epoch, windows)
      if (lost !== null && now < lost) return { kind: 'refused', snapshot: snapshot(), reason: 'store-lost' }
      if (record.exhaustedUntil !== null && now < record.exhaustedUntil) {
        return { kind: 'refused', snapshot: snapshot(), reason: 'exhausted' }
      }
      if (
        !isGrantAllowed(
          record.grants.map((g) => g.at),
          now,
          limit,
          windows,
        )
      ) {
        return { kind: 'refused', snapshot: snapshot(), reason: 'limit' }
      }
      const grantId = randomUUID()
      record.grants.push({ id: grantId, at: now })
      this.#db.put(recordKey(key), record)
      return { kind: 'granted', snapshot: snapshot(), grantId }
    })
    if (decision.kind === 'refused')
      return publishReserve('embedded', parts, describeRefusal(decision.snapshot, decision.reason))
    const status = describeQuota(decision.snapshot)
    return publishReserve('embedded', parts, {
      kind: 'granted',
      reservation: new LedgerReservation(key, decision.grantId, parts, this),
      used: status.used,
      remaining: status.remaining,
    })
  }

  async status(parts: QuotaKeyParts): Promise<QuotaStatus> {
    const key = formatQuotaKey(parts)
    const limit = this.#policy.limitFor(parts.bank)
    const windows = this.#policy.windows
    const describe = (now: number, epoch: StoreEpoch): QuotaStatus =>
      describeQuota(snapshotOf(key, limit, windows, this.#readRecord(key, now), now, epoch))
    if (this.#phase === 'closed') throw new StoreUnavailableError('the embedded quota ledger is closed')
    const seen = this.#epoch
    try {
      if (seen !== undefined && judgeEpoch(seen, this.#readEpoch(), this.#trustEmptyStore).kind === 'same') {
        return describe(this.#clock(), seen)
      }
    } catch (error) {
      throw new StoreUnavailableError('the embedded quota store failed', { cause: error })
    }
    // First access or a changed epoch: a write transaction, so that the epoch is established or the loss recorded.
    return this.#write(describe)
  }

  async releaseGrant(parts: QuotaKeyParts, grantId: string): Promise<void> {
    const key = formatQuotaKey(parts)
    await this.#write((now) => {
      const record = this.#readRecord(key, now)
      const grants = record.grants.filter((g) => g.id !== grantId)
      if (grants.length !== record.grants.length) this.#db.put(recordKey(key), { ...record, grants })
    })
  }

  async markExhausted(parts: QuotaKeyParts): Promise<void> {
    const key = formatQuotaKey(parts)
    await this.#write((now) => {
      const record = this.#readRecord(key, now)
      const until = windowsEndAfter(now, this.#policy.windows)
      this.#db.put(recordKey(key), { ...record, exhaustedUntil: Math.max(until, record.exhaustedUntil ?? until) })
    })
  }

  async close(): Promise<void> {
    if (this.#phase === 'closed') return
    this.#phase = 'closed'
    await this.#db.close()
  }

  /**
   * Runs `action` in one durable write transaction, after checking the epoch in that same transaction. Resolves only
   * once the commit is flushed to disk. Any store failure becomes `StoreUnavailableError` (fail closed).
   */
  async #write<T>(action: (now: number, epoch: StoreEpoch) => T): Promise<T> {
    if (this.#phase === 'closed') throw new StoreUnavailableError('the embedded quota ledger is closed')
    let adopted: StoreEpoch | undefined
    try {
      const result = await this.#db.transaction(() => {
        const now = this.#clock()
        const epoch = this.#checkEpoch(now)
        adopted = epoch
        return action(now, epoch)
      })
      await this.#db.flushed
      // Only a committed epoch becomes this instance's view.
      if (adopted !== undefined) this.#epoch = adopted
      return result
    } catch (error) {
      throw new StoreUnavailableError('the embedded quota store failed', { cause: error })
    }
  }

  /** Inside a write transaction: the epoch to count under, writing a new one when the store is new or lost. */
  #checkEpoch(now: number): StoreEpoch {
    const found = this.#readEpoch()
    const verdict = judgeEpoch(this.#epoch, found, this.#trustEmptyStore)
    if (verdict.kind === 'same' && found !== undefined) return found
    if (verdict.kind === 'adopt') return verdict.epoch
    const epoch: StoreEpoch = { id: newEpochId(), lostAt: verdict.kind === 'write' && verdict.lost ? now : null }
    this.#db.put(EPOCH_KEY, { id: epoch.id, lostAt: epoch.lostAt })
    return epoch
  }

  #readEpoch(): StoreEpoch | undefined {
    const value = this.#db.get(EPOCH_KEY)
    if (value === undefined) return undefined
    if (!('id' in value) || typeof value.id !== 'string') throw new TypeError('the quota epoch record is malformed')
    return { id: value.id, lostAt: typeof value.lostAt === 'number' ? value.lostAt : null }
  }

  /** The key's record without the grants that can no longer matter. */
  #readRecord(key: string, now: number): KeyRecord {
    const value = this.#db.get(recordKey(key))
    if (value === undefined) return { grants: [], exhaustedUntil: null }
    if (!('grants' in value) || !Array.isArray(value.grants))
      throw new TypeError(`the quota record of ${key} is malformed`)
    const exhaustedUntil =
      typeof value.exhaustedUntil === 'number' && value.exhaustedUntil > now ? value.exhaustedUntil : null
    return { grants: value.grants.filter((g) => g.at > now - GRANT_RETENTION_MS), exhaustedUntil }
  }
}

// Private: what the windows are judged on, for a reserve and for a status alike.
function snapshotOf(
  key: string,
  limit: number,
  windows: QuotaWindows,
  record: KeyRecord,
  now: number,
  epoch: StoreEpoch,
): KeySnapshot {
  return {
    key,
    limit,
    windows,
    grants: record.grants.map((g) => g.at),
    now,
    exhaustedUntil: record.exhaustedUntil,
    lostUntil: lostUntil(epoch, windows),
  }
}

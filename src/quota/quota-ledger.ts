/**
 * The quota ledger: the gateway's reason to exist. Without a present PSU the bank allows at most `limit` (4) calls per
 * calendar day (Europe/Paris) per TPP, bank, PSU, IBAN and AIS method (bank-notes.md "The limit"; RTS 2018/389
 * art. 36(5)(b)). The ledger takes one unit durably BEFORE the request leaves (DESIGN.md invariants 1–7), checks both
 * the Paris calendar day and any rolling 24 hours, and fails closed when its store is unreachable or has lost its counts.
 *
 * Two implementations share this contract: `EmbeddedLedger` (lmdb under DATA_DIR, the default) and `RedisLedger`
 * (Lua scripts, any number of replicas). The timing rules live in `windows.ts`, the loss rules in `store-epoch.ts`.
 */
import type { AisMethod } from '../stet-api/wire.js'
import type { Reservation } from '../stet-api/access.js'
import { GatewayError } from '../errors.js'
import { escapeKeyPart, psuHashTag } from '../redis/psu-hash-tag.js'

export interface QuotaKeyParts {
  tpp: string
  bank: string
  psu: string
  iban?: string
  method: AisMethod
}

/**
 * `tpp|bank|psu|iban-or-none|method` (invariant 7). `transactions` with or without dates is one method: the caller
 * passes the method only, so the dates cannot reach the key.
 */
export function formatQuotaKey(parts: QuotaKeyParts): string {
  const iban = parts.iban === undefined || parts.iban === '' ? 'none' : parts.iban
  return [parts.tpp, parts.bank, parts.psu, iban, parts.method].map(escapeKeyPart).join('|')
}

/** The Redis hash tag of a key: one PSU at one bank shares a slot, so every script also runs on Redis Cluster. */
export function formatQuotaHashTag(parts: Pick<QuotaKeyParts, 'bank' | 'psu'>): string {
  return psuHashTag(parts.bank, parts.psu)
}

/** Which windows a grant must fit in. The bank counts the Paris calendar day; `both` also bounds any rolling 24 h. */
export type QuotaWindows = 'both' | 'calendar-day' | 'rolling-24h'

export interface QuotaPolicy {
  limitFor(bank: string): number
  windows: QuotaWindows
}

/** The bank's page, "Limits": 4 unattended calls per day and per key. */
export const DEFAULT_DAILY_LIMIT = 4

export interface QuotaPolicyOptions {
  /** For every bank not in `limits`. Default 4. */
  limit?: number
  /** Per bank identifier, when one bank allows a different number. */
  limits?: Readonly<Record<string, number>>
  /** Default `both`. */
  windows?: QuotaWindows
}

function checkLimit(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`)
  return value
}

export function createQuotaPolicy(options: QuotaPolicyOptions = {}): QuotaPolicy {
  const limit = checkLimit(options.limit ?? DEFAULT_DAILY_LIMIT, 'limit')
  const limits = new Map<string, number>()
  for (const [bank, value] of Object.entries(options.limits ?? {}))
    limits.set(bank, checkLimit(value, `limits.${bank}`))
  return { limitFor: (bank) => limits.get(bank) ?? limit, windows: options.windows ?? 'both' }
}

export type ReserveOutcome =
  | { kind: 'granted'; reservation: Reservation; used: number; remaining: number }
  | { kind: 'refused'; reason: 'limit' | 'exhausted' | 'store-lost'; used: number; nextAllowedAt: number }

export interface QuotaStatus {
  key: string
  limit: number
  used: number
  remaining: number
  windows: QuotaWindows
  /** `resetsAt`: the next Paris midnight (epoch ms). */
  calendarDay: { used: number; resetsAt: number }
  /** `nextFreeAt`: when the rolling window has room again; null when it is not full. */
  rolling24h: { used: number; nextFreeAt: number | null }
  /** Set by `markExhausted` (a 429 from the bank) or by a store that lost its counts. */
  exhaustedUntil: number | null
  /** Null when a call is allowed now. */
  nextAllowedAt: number | null
}

export interface QuotaLedger {
  /**
   * Atomically check both windows and take one unit, durably, BEFORE the caller calls the bank. Never throws for
   * "no quota": returns `refused`. Throws `StoreUnavailableError` when the store cannot be reached (fail closed).
   */
  reserve(parts: QuotaKeyParts): Promise<ReserveOutcome>
  /** What `reserve` would decide now, without taking anything. Throws `StoreUnavailableError` like `reserve`. */
  status(parts: QuotaKeyParts): Promise<QuotaStatus>
  /**
   * A status read is a network round trip (Redis): a reader then asks it together with its other reads. A local one
   * (lmdb) is asked only when its answer can change a decision.
   */
  readonly statusIsRemote: boolean
  close(): Promise<void>
}

/** The ledger's store cannot be reached or answered nonsense: unattended calls are refused (invariant 6). */
export class StoreUnavailableError extends GatewayError {
  readonly code = 'STORE_UNAVAILABLE'
}

/**
 * The referee's own count of the bank's daily limit (BANK "Limits", NOTES §9): without `PSU-IP-Address`, at most
 * `dailyLimit` calls per TPP OID × PSU × IBAN × AIS method × calendar day in Europe/Paris; `/transactions` with or
 * without dates is one method; `/accounts` and `/end-user-identity` count with no IBAN. Calls with `PSU-IP-Address`
 * are never limited but counted apart. It is deliberately independent of the gateway's quota ledger (DESIGN.md).
 */
import * as v from 'valibot'
import type { AisMethod } from '../stet-api/wire.js'
import type { PersistentState } from './sandbox-persistence.js'

export interface LimitKey {
  clientId: string
  psuId: string
  /** The IBAN, the unknown resourceId for a 404, or null for /accounts, /end-user-identity and /consents. */
  iban: string | null
  method: AisMethod
}

export interface SandboxStatsKey extends LimitKey {
  /** Paris calendar day, `YYYY-MM-DD`. */
  day: string
  /** Calls without PSU-IP-Address that were answered (not refused). */
  batch: number
  /** Calls with PSU-IP-Address. */
  present: number
  /** The distinct PSU-IP-Address values those calls carried (the first 16), so tests see whose address reached us. */
  psuIpAddresses: string[]
  /** Calls without PSU-IP-Address refused with 429 (or 403 TMRQ, as the sandbox is set). */
  refused: number
  /** The most calls on this key the bank was answering at one time (visible with `latencyMs`). */
  maxInFlight: number
}

export interface SandboxStats {
  keys: SandboxStatsKey[]
  totals: { batch: number; present: number; refused: number }
}

export type LimitDecision = 'counted' | 'refused'

const AIS_METHODS = [
  'accounts',
  'balances',
  'transactions',
  'details',
  'overdrafts',
  'identity',
  'consents',
] as const satisfies readonly AisMethod[]

const SNAPSHOT = v.object({
  version: v.literal(1),
  keys: v.array(
    v.object({
      clientId: v.string(),
      psuId: v.string(),
      iban: v.nullable(v.string()),
      method: v.picklist(AIS_METHODS),
      day: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
      batch: v.pipe(v.number(), v.integer(), v.minValue(0)),
      present: v.pipe(v.number(), v.integer(), v.minValue(0)),
      psuIpAddresses: v.optional(v.array(v.string()), []),
      refused: v.pipe(v.number(), v.integer(), v.minValue(0)),
      maxInFlight: v.pipe(v.number(), v.integer(), v.minValue(0)),
    }),
  ),
})

/** Days kept on disk before the latest one counted: only today's counts limit anything; a week is for a person reading the stats. */
const DAYS_KEPT = 7

export class DailyLimitCounter implements PersistentState {
  readonly #keys = new Map<string, SandboxStatsKey>()
  readonly #inFlight = new Map<string, number>()
  #changed: () => void = () => undefined

  constructor(private readonly dailyLimit: number) {}

  /**
   * Records one request that reached the bank as this PSU. `limited` is false for methods the limit does not cover
   * (PUT /consents). The check comes before the increment: a refused call is recorded as refused, not as a call.
   */
  record(key: LimitKey, day: string, psuIpAddress: string | undefined, limited: boolean): LimitDecision {
    const entry = this.#entry(key, day)
    this.#changed()
    if (psuIpAddress !== undefined && psuIpAddress !== '') {
      entry.present++
      if (entry.psuIpAddresses.length < 16 && !entry.psuIpAddresses.includes(psuIpAddress)) {
        entry.psuIpAddresses.push(psuIpAddress)
      }
      return 'counted'
    }
    if (limited && entry.batch >= this.dailyLimit) {
      entry.refused++
      return 'refused'
    }
    entry.batch++
    return 'counted'
  }

  /** Marks one answered call on the key as in progress until `leave` (the latency the bank takes to answer). */
  enter(key: LimitKey, day: string): () => void {
    const entry = this.#entry(key, day)
    const id = idOf(key, day)
    const current = (this.#inFlight.get(id) ?? 0) + 1
    this.#inFlight.set(id, current)
    entry.maxInFlight = Math.max(entry.maxInFlight, current)
    return () => this.#inFlight.set(id, (this.#inFlight.get(id) ?? 1) - 1)
  }

  #entry(key: LimitKey, day: string): SandboxStatsKey {
    const id = idOf(key, day)
    let entry = this.#keys.get(id)
    if (!entry) {
      entry = { ...key, day, batch: 0, present: 0, psuIpAddresses: [], refused: 0, maxInFlight: 0 }
      this.#keys.set(id, entry)
    }
    return entry
  }

  stats(): SandboxStats {
    const keys = [...this.#keys.values()].map((entry) => ({ ...entry, psuIpAddresses: [...entry.psuIpAddresses] }))
    const totals = { batch: 0, present: 0, refused: 0 }
    for (const entry of keys) {
      totals.batch += entry.batch
      totals.present += entry.present
      totals.refused += entry.refused
    }
    return { keys, totals }
  }

  reset(): void {
    this.#keys.clear()
    this.#inFlight.clear()
    this.#changed()
  }

  snapshot(): v.InferOutput<typeof SNAPSHOT> {
    const keys = [...this.#keys.values()]
    const latest = keys.reduce((max, entry) => (entry.day > max ? entry.day : max), '')
    const cutoff =
      latest === ''
        ? ''
        : new Date(Date.parse(`${latest}T00:00:00Z`) - DAYS_KEPT * 86_400_000).toISOString().slice(0, 10)
    return { version: 1, keys: keys.filter((entry) => entry.day >= cutoff) }
  }

  restore(snapshot: unknown): void {
    this.#keys.clear()
    for (const entry of v.parse(SNAPSHOT, snapshot).keys)
      this.#keys.set(idOf(entry, entry.day), { ...entry, psuIpAddresses: [...entry.psuIpAddresses] })
  }

  onChange(listener: () => void): void {
    this.#changed = listener
  }
}

function idOf(key: LimitKey, day: string): string {
  return JSON.stringify([key.clientId, key.psuId, key.iban, key.method, day])
}

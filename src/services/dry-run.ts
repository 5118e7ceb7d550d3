/**
 * `@dryRun` (issue 17): what an operation would spend, per quota key, without calling the bank or reserving. The
 * bank reader makes the same decision it makes for a real read (cache, freshness policy on the ledger's status,
 * remembered refusals) and writes it down here instead of acting on it. One entry per cache key: a value read twice in
 * one operation is one call for real (DataLoader, single-flight), so it is predicted once.
 */
import type { QuotaKeyParts } from '../quota/quota-ledger.js'
import { formatQuotaKey } from '../quota/quota-ledger.js'
import { GatewayError } from '../errors.js'

export interface DryRunCall {
  readonly bank: string
  /** The IBAN, or null for `/accounts` and `/end-user-identity`. */
  readonly account: string | null
  readonly method: string
  /** Unattended calls the operation would make on this key (0: served from the cache). */
  readonly wouldSpend: number
  /** Calls left on this key now, before the operation. */
  readonly remaining: number
  /** Reads on this key the ledger would refuse (they would be served stale, or fail QUOTA_EXHAUSTED). */
  readonly wouldBeRefused: number
}

export interface DryRunReport {
  readonly calls: DryRunCall[]
  /** The sum of `wouldSpend`: what `unattendedBankCalls` would say. */
  readonly total: number
  /**
   * False when a read that would call the bank had nothing cached to stand in for its value: fields below it (an
   * account list's balances) could not be resolved, so what they would spend is not counted.
   */
  readonly complete: boolean
}

interface KeyPlan {
  readonly parts: QuotaKeyParts
  readonly remaining: number
  /** Cache keys under this quota key that would call the bank (a transaction's details share one quota key). */
  readonly calls: Set<string>
}

export class DryRunPlan {
  readonly #keys = new Map<string, KeyPlan>()
  #complete = true

  /** An unattended read served without a call (fresh in the cache, or refused from memory). */
  served(parts: QuotaKeyParts, remaining: number): void {
    this.#plan(parts, remaining)
  }

  /** An unattended read that would call the bank for `cacheKey`; `cached`: a value stands in for it meanwhile. */
  wouldCall(parts: QuotaKeyParts, remaining: number, cacheKey: string, cached: boolean): void {
    this.#plan(parts, remaining).calls.add(cacheKey)
    if (!cached) this.#complete = false
  }

  /** A present PSU's read: it calls the bank with `PSU-IP-Address`, so it spends nothing unattended. */
  present(cached: boolean): void {
    if (!cached) this.#complete = false
  }

  report(): DryRunReport {
    const calls: DryRunCall[] = []
    for (const plan of this.#keys.values()) {
      const wanted = plan.calls.size
      const wouldSpend = Math.min(wanted, Math.max(0, plan.remaining))
      calls.push({
        bank: plan.parts.bank,
        account: plan.parts.iban ?? null,
        method: plan.parts.method,
        wouldSpend,
        remaining: plan.remaining,
        wouldBeRefused: wanted - wouldSpend,
      })
    }
    return { calls, total: calls.reduce((sum, c) => sum + c.wouldSpend, 0), complete: this.#complete }
  }

  #plan(parts: QuotaKeyParts, remaining: number): KeyPlan {
    const key = formatQuotaKey(parts)
    let plan = this.#keys.get(key)
    if (plan === undefined) {
      plan = { parts: { ...parts }, remaining, calls: new Set() }
      this.#keys.set(key, plan)
    }
    return plan
  }
}

/** A dry run had no cached value for this field: the real operation would read it from the bank. */
export class DryRunNotCachedError extends GatewayError {
  readonly code = 'DRY_RUN'
  constructor() {
    super('dry run: this data is not in the cache; the operation would read it from the bank')
  }
}

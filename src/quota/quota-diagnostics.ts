/**
 * Reserve outcomes as `diagnostics_channel` events (STYLE.md B7, after undici's core/diagnostics.js): metrics
 * subscribe in observability/, the ledger has no metrics dependency. Bank and method only: never a PSU, TPP or IBAN.
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import type { AisMethod } from '../stet-api/wire.js'
import type { QuotaKeyParts, ReserveOutcome } from './quota-ledger.js'

export interface QuotaReserveEvent {
  store: 'embedded' | 'redis'
  bank: string
  method: AisMethod
  kind: ReserveOutcome['kind']
  /** Why it was refused; undefined when granted. */
  reason?: Extract<ReserveOutcome, { kind: 'refused' }>['reason']
}

export const quotaReserveChannel = diagnosticsChannel.channel('gateway:quota:reserve')

export function publishReserve(
  store: QuotaReserveEvent['store'],
  parts: QuotaKeyParts,
  outcome: ReserveOutcome,
): ReserveOutcome {
  if (quotaReserveChannel.hasSubscribers) {
    const event: QuotaReserveEvent = { store, bank: parts.bank, method: parts.method, kind: outcome.kind }
    if (outcome.kind === 'refused') event.reason = outcome.reason
    quotaReserveChannel.publish(event)
  }
  return outcome
}

/** A unit handed back because the request provably never left (DESIGN inv. 4). */
export interface QuotaReleaseEvent {
  bank: string
  method: AisMethod
}

export const quotaReleaseChannel = diagnosticsChannel.channel('gateway:quota:release')

export function publishRelease(parts: QuotaKeyParts): void {
  if (quotaReleaseChannel.hasSubscribers)
    quotaReleaseChannel.publish({ bank: parts.bank, method: parts.method } satisfies QuotaReleaseEvent)
}

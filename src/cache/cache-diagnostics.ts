/**
 * Cache outcomes as `diagnostics_channel` events (STYLE.md B7): observability/metrics.ts subscribes; the cache and the
 * reader have no metrics dependency. Bank and method only: never a PSU, an IBAN or a key.
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import type { AisMethod } from '../stet-api/wire.js'

export interface CacheReadEvent {
  bank: string
  method: AisMethod
  /** `hit`: served fresh from the cache; `stale`: served from the cache flagged stale; `miss`: the bank was asked. */
  outcome: 'hit' | 'miss' | 'stale'
}

/** A read that did not call the bank itself because an identical one was in flight (here, or on another replica). */
export interface SingleFlightJoinEvent {
  scope: 'process' | 'replica'
}

export const cacheReadChannel = diagnosticsChannel.channel('gateway:cache:read')
export const singleFlightJoinChannel = diagnosticsChannel.channel('gateway:cache:single-flight-join')

export function publishCacheRead(event: CacheReadEvent): void {
  if (cacheReadChannel.hasSubscribers) cacheReadChannel.publish(event)
}

export function publishSingleFlightJoin(scope: SingleFlightJoinEvent['scope']): void {
  if (singleFlightJoinChannel.hasSubscribers) singleFlightJoinChannel.publish({ scope } satisfies SingleFlightJoinEvent)
}

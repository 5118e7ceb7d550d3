/**
 * `AUTH_JWKS_URL`: the identity provider's keys, fetched with jose's `createRemoteJWKSet` (timeout, single in-flight
 * fetch, stale answers dropped) and kept so that **known keys keep working while the endpoint is down**:
 * - the set is refreshed when older than `cacheMaxAgeMs`, or when a token names a kid we do not know, at most once
 *   per `cooldownMs` either way (so a burst of forged kids cannot make us hammer the IdP);
 * - a refresh that fails (timeout, refused, not a JWKS) keeps the last good set, and no other attempt is made for
 *   `cooldownMs`, so requests do not each wait for the timeout while the IdP is down;
 * - a key the IdP has since removed stops working at the first successful refresh.
 * Freshness runs on the injected clock; jose's own cache age is not relied on (we call its `reload`).
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose'
import type { Clock } from '../clock.js'

export interface RemoteKeySetOptions {
  readonly timeoutMs: number
  readonly cooldownMs: number
  readonly cacheMaxAgeMs: number
  readonly clock: Clock
  /** Told about each failed refresh (the gateway logs it); never about keys. */
  readonly onRefreshError?: (error: unknown) => void
}

export interface RemoteKeySet {
  readonly getKey: JWTVerifyGetKey
  /** One refresh now (at start, so the first callers do not wait); failures are reported, never thrown. */
  refresh(): Promise<void>
}

export function createRemoteKeySet(url: string, options: RemoteKeySetOptions): RemoteKeySet {
  const remote = createRemoteJWKSet(new URL(url), {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs,
  })
  const { clock } = options
  let local: JWTVerifyGetKey | undefined
  let loadedAt = Number.NEGATIVE_INFINITY
  let attemptedAt = Number.NEGATIVE_INFINITY
  let pending: Promise<void> | undefined

  const refresh = (): Promise<void> => {
    pending ??= (async () => {
      attemptedAt = clock()
      try {
        await remote.reload()
        const jwks = remote.jwks()
        if (jwks !== undefined) {
          local = createLocalJWKSet(jwks)
          loadedAt = clock()
        }
      } catch (error) {
        options.onRefreshError?.(error)
      } finally {
        pending = undefined
      }
    })()
    return pending
  }
  const mayRefresh = (): boolean => clock() - attemptedAt >= options.cooldownMs

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if ((local === undefined || clock() - loadedAt >= options.cacheMaxAgeMs) && mayRefresh()) await refresh()
    if (local === undefined) throw new errors.JWKSNoMatchingKey('the identity provider keys are not available')
    try {
      return await local(header, token)
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !mayRefresh()) throw error
      // A kid we do not know may be a key the IdP just rotated in.
      await refresh()
      return local(header, token)
    }
  }
  return { getKey, refresh }
}

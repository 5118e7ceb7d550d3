/**
 * OAuth2 tokens per connection (one bank × one PSU: a PSU with accounts at several banks has one token per bank,
 * bank-notes.md "Endpoints and hosts"). Built like jose's `jwks/remote.ts`: a freshness check against an injected clock,
 * and one in-flight refresh per connection that concurrent callers share, so that N parallel reads cause ONE /token call.
 * Refreshing ahead of expiry keeps `401 invalid_token` rare, and with it the replays that cost a reservation each
 * (DESIGN.md invariant 2).
 * Across replicas the refresh token is one rotating secret: two replicas refreshing with it at once would have the
 * bank rotate it twice (or refuse the second and, at some banks, revoke both). With a shared store a lease per
 * connection makes the refresh single-flight everywhere; whoever waits for it re-reads the store and uses the winner's
 * tokens. The rotated refresh token is written before the new access token is handed to anyone.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import type { CheckedTokenResponse } from './stet-schemas.js'
import { ReauthorizationRequiredError } from './stet-errors.js'

export interface ConnectionRef {
  bank: string
  psuId: string
}

export interface StoredTokens {
  accessToken: string
  /** Epoch ms. */
  accessTokenExpiresAt: number
  refreshToken: string
  /** Epoch ms: 180 days after the code exchange (bank page "Refresh"), kept across refreshes. */
  refreshTokenExpiresAt: number
  scope?: string
  /** Epoch ms when these tokens were obtained (the code exchange or the last refresh). */
  refreshedAt?: number
}

/** Where tokens live between calls. Implementations key by bank + PSU (and their tpp: invariant 8). */
export interface TokenStore {
  get(ref: ConnectionRef): Promise<StoredTokens | undefined>
  set(ref: ConnectionRef, tokens: StoredTokens): Promise<void>
  delete(ref: ConnectionRef): Promise<void>
}

function connectionKey(ref: ConnectionRef): string {
  return `${ref.bank}\u0000${ref.psuId}`
}

/** A process-local store, for tests and single-process development. Returns copies, like a real store would. */
export class MemoryTokenStore implements TokenStore {
  readonly #tokens = new Map<string, StoredTokens>()

  async get(ref: ConnectionRef): Promise<StoredTokens | undefined> {
    const tokens = this.#tokens.get(connectionKey(ref))
    return tokens === undefined ? undefined : { ...tokens }
  }

  async set(ref: ConnectionRef, tokens: StoredTokens): Promise<void> {
    this.#tokens.set(connectionKey(ref), { ...tokens })
  }

  async delete(ref: ConnectionRef): Promise<void> {
    this.#tokens.delete(connectionKey(ref))
  }
}

/**
 * A lease on a key across replicas (the shape of cache/single-flight.ts's DistributedLock, which `stet/` may not
 * import): a release function, or undefined while someone else holds it.
 */
export interface RefreshLease {
  acquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>
}

/** The part of OAuthClient the token source needs. */
export interface TokenRefresher {
  refresh(bank: string, refreshToken: string): Promise<CheckedTokenResponse>
}

export interface TokenSourceOptions {
  /** Refresh when the access token has less than this left (default 60 s; production tokens live 10–15 min). */
  refreshAheadMs?: number
  /** Refresh-token lifetime from the code exchange (default 180 days, bank page "Refresh"). */
  refreshTokenLifetimeMs?: number
  /** How long a replica holds the refresh lease at most, and waits for another's (default 30 s: a /token call). */
  leaseTtlMs?: number
}

const DEFAULT_REFRESH_AHEAD_MS = 60_000
const DEFAULT_REFRESH_TOKEN_LIFETIME_MS = 180 * 24 * 60 * 60 * 1000

function validateDuration(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer`)
  return value
}

export class TokenSource {
  readonly #store: TokenStore
  readonly #refresher: TokenRefresher
  readonly #clock: Clock
  readonly #refreshAheadMs: number
  readonly #refreshTokenLifetimeMs: number
  /** One in-flight refresh per connection (jose's `pendingFetch`). */
  readonly #pending = new Map<string, Promise<StoredTokens>>()

  readonly #lease: RefreshLease | undefined
  readonly #onRefreshRefused: ((ref: ConnectionRef) => Promise<void>) | undefined
  readonly #leaseTtlMs: number

  constructor(
    deps: {
      store: TokenStore
      refresher: TokenRefresher
      clock: Clock
      lease?: RefreshLease
      /** The bank refused the refresh token and it was dropped: the connection needs the PSU again (a webhook). */
      onRefreshRefused?: (ref: ConnectionRef) => Promise<void>
    },
    options: TokenSourceOptions = {},
  ) {
    this.#store = deps.store
    this.#refresher = deps.refresher
    this.#clock = deps.clock
    this.#lease = deps.lease
    this.#onRefreshRefused = deps.onRefreshRefused
    this.#leaseTtlMs = validateDuration(options.leaseTtlMs, 30_000, 'leaseTtlMs')
    this.#refreshAheadMs = validateDuration(options.refreshAheadMs, DEFAULT_REFRESH_AHEAD_MS, 'refreshAheadMs')
    this.#refreshTokenLifetimeMs = validateDuration(
      options.refreshTokenLifetimeMs,
      DEFAULT_REFRESH_TOKEN_LIFETIME_MS,
      'refreshTokenLifetimeMs',
    )
  }

  /** Stores the tokens of a fresh code exchange; the refresh-token horizon starts now. */
  async storeExchangedTokens(ref: ConnectionRef, response: CheckedTokenResponse): Promise<StoredTokens> {
    if (response.refresh_token === undefined) throw new ReauthorizationRequiredError('no-tokens')
    const now = this.#clock()
    const tokens: StoredTokens = {
      accessToken: response.access_token,
      accessTokenExpiresAt: now + response.expires_in * 1000,
      refreshToken: response.refresh_token,
      refreshTokenExpiresAt: now + this.#refreshTokenLifetimeMs,
      ...(response.scope === undefined ? {} : { scope: response.scope }),
      refreshedAt: now,
    }
    await this.#store.set(ref, tokens)
    return tokens
  }

  /** A token fresh for more than `refreshAheadMs`, refreshing (once for all concurrent callers) when it is not. */
  async getAccessToken(ref: ConnectionRef): Promise<string> {
    const pending = this.#pending.get(connectionKey(ref))
    if (pending !== undefined) return (await pending).accessToken
    const stored = await this.#store.get(ref)
    if (stored === undefined) throw new ReauthorizationRequiredError('no-tokens')
    const isUsable = (tokens: StoredTokens): boolean =>
      this.#isFreshFor(tokens.accessTokenExpiresAt, this.#refreshAheadMs)
    if (isUsable(stored)) return stored.accessToken
    return (await this.#refresh(ref, isUsable)).accessToken
  }

  /**
   * After `401 invalid_token`: a new token, unless another caller already replaced `rejectedToken` (then that one is
   * returned without a /token call). Concurrent callers share one refresh.
   */
  async refreshAfterInvalidToken(ref: ConnectionRef, rejectedToken: string): Promise<string> {
    const pending = this.#pending.get(connectionKey(ref))
    if (pending !== undefined) return (await pending).accessToken
    const stored = await this.#store.get(ref)
    if (stored === undefined) throw new ReauthorizationRequiredError('no-tokens')
    const isUsable = (tokens: StoredTokens): boolean =>
      tokens.accessToken !== rejectedToken && this.#isFreshFor(tokens.accessTokenExpiresAt, 0)
    if (isUsable(stored)) return stored.accessToken
    return (await this.#refresh(ref, isUsable)).accessToken
  }

  #isFreshFor(expiresAt: number, marginMs: number): boolean {
    return expiresAt - marginMs > this.#clock()
  }

  #refresh(ref: ConnectionRef, isUsable: (tokens: StoredTokens) => boolean): Promise<StoredTokens> {
    const key = connectionKey(ref)
    const existing = this.#pending.get(key)
    if (existing !== undefined) return existing
    const refresh = this.#doRefresh(ref, isUsable).finally(() => this.#pending.delete(key))
    this.#pending.set(key, refresh)
    return refresh
  }

  async #doRefresh(ref: ConnectionRef, isUsable: (tokens: StoredTokens) => boolean): Promise<StoredTokens> {
    // Wall-clock bound on waiting for another replica's refresh (the injected clock may stand still in tests).
    const waitUntil = Date.now() + this.#leaseTtlMs
    for (;;) {
      // Re-read inside the single flight: a refresh that ended while this caller was reading may have done the job.
      const stored = await this.#store.get(ref)
      if (stored === undefined) throw new ReauthorizationRequiredError('no-tokens')
      if (isUsable(stored)) return stored
      const release = await this.#acquireLease(ref)
      if (release === 'held-elsewhere') {
        if (Date.now() > waitUntil) throw new RefreshLeaseTimeoutError()
        await sleep(25)
        continue
      }
      try {
        // Under the lease: the previous holder may have written new tokens just before we got it.
        const current = release === 'no-lease' ? stored : await this.#store.get(ref)
        if (current === undefined) throw new ReauthorizationRequiredError('no-tokens')
        if (isUsable(current)) return current
        return await this.#refreshWith(ref, current, isUsable)
      } finally {
        if (release !== 'no-lease') await release().catch(() => undefined)
      }
    }
  }

  /**
   * The lease, when the store is shared. A lease store that cannot be reached does not stop the refresh: a present PSU
   * is still served, and a refresh lost to another replica's rotation falls back on its tokens (below).
   */
  async #acquireLease(ref: ConnectionRef): Promise<(() => Promise<void>) | 'held-elsewhere' | 'no-lease'> {
    if (this.#lease === undefined) return 'no-lease'
    try {
      return (await this.#lease.acquire(`refresh|${ref.bank}|${ref.psuId}`, this.#leaseTtlMs)) ?? 'held-elsewhere'
    } catch {
      return 'no-lease'
    }
  }

  async #refreshWith(
    ref: ConnectionRef,
    stored: StoredTokens,
    isUsable: (tokens: StoredTokens) => boolean,
  ): Promise<StoredTokens> {
    const now = this.#clock()
    if (stored.refreshTokenExpiresAt <= now) throw new ReauthorizationRequiredError('refresh-expired')
    let response: CheckedTokenResponse
    try {
      response = await this.#refresher.refresh(ref.bank, stored.refreshToken)
    } catch (error) {
      if (error instanceof ReauthorizationRequiredError) {
        // Another replica may have refreshed with the same refresh token a moment earlier: the bank rotated it and
        // refused ours. Its new tokens are in the shared store; use them rather than ask the PSU again.
        const current = await this.#store.get(ref)
        if (current !== undefined && current.refreshToken !== stored.refreshToken && isUsable(current)) return current
        if (await this.#forgetIfUnchanged(ref, stored.refreshToken)) {
          await this.#onRefreshRefused?.(ref).catch(() => undefined)
        }
      }
      throw error
    }
    const tokens: StoredTokens = {
      ...stored,
      accessToken: response.access_token,
      accessTokenExpiresAt: this.#clock() + response.expires_in * 1000,
      // NOTES §4: the bank says a refresh rotates the refresh token; keep the old one when the response has none.
      refreshToken: response.refresh_token ?? stored.refreshToken,
      // NOTES §11 q10: whether a rotated token gets a new horizon is unknown; keep the code exchange's (conservative).
      refreshTokenExpiresAt: stored.refreshTokenExpiresAt,
      ...(response.scope === undefined ? {} : { scope: response.scope }),
      refreshedAt: this.#clock(),
    }
    // Written before anyone uses the new access token: the old refresh token is dead at the bank from now on.
    await this.#store.set(ref, tokens)
    return tokens
  }

  /** A refused refresh token is dead: drop it so later calls fail fast, unless a new consent replaced it meanwhile. */
  async #forgetIfUnchanged(ref: ConnectionRef, refusedRefreshToken: string): Promise<boolean> {
    const current = await this.#store.get(ref)
    if (current?.refreshToken !== refusedRefreshToken) return false
    await this.#store.delete(ref)
    return true
  }
}

/** Another replica held the refresh lease for longer than a /token call may last. */
export class RefreshLeaseTimeoutError extends GatewayError {
  readonly code = 'BANK_UNAVAILABLE'
  constructor() {
    super('another gateway replica is refreshing this connection and did not finish in time')
  }
}

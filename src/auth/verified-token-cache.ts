/**
 * Remembers tokens already verified, so that a caller sending the same bearer token on every request pays the
 * signature check once a minute instead of every time (an ES256 verification costs ≈ 70–160 µs here, a large share
 * of a warm request: PERF-BASELINE). An entry lives at most `maxAgeMs`, and never past the token's own `exp` (or
 * maximum age); so a key the IdP withdraws stops being trusted within `maxAgeMs` for tokens seen before. Only the
 * verified claims are kept: presence is read from each request's own connection.
 */
import type { Clock } from '../clock.js'
import type { VerifiedToken } from './verify-token.js'

export class VerifiedTokenCache {
  readonly #entries = new Map<string, { readonly verified: VerifiedToken; readonly untilMs: number }>()

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = 5000,
    private readonly maxAgeMs = 60_000,
  ) {}

  get(token: string): VerifiedToken | undefined {
    const entry = this.#entries.get(token)
    if (entry === undefined) return undefined
    if (this.clock() >= entry.untilMs) {
      this.#entries.delete(token)
      return undefined
    }
    return entry.verified
  }

  set(token: string, verified: VerifiedToken): void {
    if (this.maxEntries === 0) return
    // Oldest first (Map keeps insertion order): a flood of distinct tokens only pushes out older entries.
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(token, {
      verified,
      untilMs: Math.min(this.clock() + this.maxAgeMs, verified.validUntilMs),
    })
  }
}

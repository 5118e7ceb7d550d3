/**
 * The cache of bank-backed values, each stored with its freshness (when fetched, with the PSU present or not).
 * Keys always carry tpp + bank + PSU + account + method (DESIGN inv. 8), so nothing leaks between PSUs.
 * A store error is an error, never a miss (a miss would trigger a bank call: DESIGN path step 4).
 */
import type Keyv from 'keyv'
import type { Deserialize, DeserializedData } from 'keyv'
import { GatewayError } from '../errors.js'
import { contentDigestOf } from './content-source.js'
import { DecodedEntries } from './decoded-entries.js'

export class CacheUnavailableError extends GatewayError {
  readonly code = 'STORE_UNAVAILABLE'
  constructor(cause: unknown) {
    super('the cache store cannot be reached', { cause })
  }
}

export interface CacheEntry<T> {
  readonly value: T
  /** Epoch ms when the bank answered. */
  readonly fetchedAt: number
  readonly psuPresent: boolean
}

export interface FreshnessCacheOptions {
  /** How long an entry is kept at all: the horizon for serving stale values. */
  readonly retentionMs: number
  /**
   * An answer identical to the one this process wrote for the key less than this long before is not written again
   * (0: always write). The stored `fetchedAt` then lags the last fetch by less than this: values look older than they
   * are, never younger, so batch reads refresh a little early and never serve beyond the policy.
   */
  readonly unchangedRewriteMs?: number
  /**
   * The in-process tier of decoded entries (`decoded-entries.ts`), bounded by estimated bytes; 0 turns it off.
   * Default 32 MiB.
   */
  readonly hotMaxBytes?: number
}

const DEFAULT_HOT_MAX_BYTES = 32 * 1024 * 1024

/** Bounds the memory of what was last written: past it the memory starts over (a few extra writes, nothing else). */
const MAX_REMEMBERED_WRITES = 10_000

interface LastWrite {
  readonly digest: string
  readonly fetchedAt: number
  readonly psuPresent: boolean
}

export class FreshnessCache {
  readonly #keyv: Keyv
  readonly #retentionMs: number
  readonly #unchangedRewriteMs: number
  /** Per key, what this process last wrote: a frontend polling one account rewrites the same data otherwise. */
  readonly #lastWrites = new Map<string, LastWrite>()
  /** Bumped by every invalidation: a write that an invalidation overtook is not remembered as the key's content. */
  #invalidations = 0
  readonly #decoded: DecodedEntries

  constructor(keyv: Keyv, options: FreshnessCacheOptions) {
    this.#keyv = keyv
    this.#decoded = new DecodedEntries({ maxBytes: options.hotMaxBytes ?? DEFAULT_HOT_MAX_BYTES })
    const decode = keyv.deserialize
    if (decode !== undefined && (options.hotMaxBytes ?? DEFAULT_HOT_MAX_BYTES) > 0) {
      // Every read still asks the store; only the decoding of a text already decoded is skipped.
      const decodeOnce: Deserialize = <Value>(text: string) =>
        this.#decoded.decode(text, decode) as DeserializedData<Value> | undefined
      keyv.deserialize = decodeOnce
    }
    this.#keyv.throwOnErrors = true
    // keyv re-emits store errors as events; with throwOnErrors they also reject the call, which is what we rely on.
    this.#keyv.on('error', () => {})
    this.#retentionMs = options.retentionMs
    this.#unchangedRewriteMs = options.unchangedRewriteMs ?? 0
  }

  /** What the hot tier holds (for tests and diagnostics). */
  get hotTier(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.#decoded.size, bytes: this.#decoded.bytes }
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    try {
      return (await this.#keyv.get<CacheEntry<T>>(key)) ?? undefined
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }

  /**
   * `unlessInvalidatedAfter`: the time the read started; an invalidation after it means the answer may predate a
   * consent change, and it is not written (checked only when a write is due: a skipped rewrite needs no store read).
   */
  async set<T>(key: string, entry: CacheEntry<T>, options: { unlessInvalidatedAfter?: number } = {}): Promise<void> {
    const last = this.#unchangedRewriteMs > 0 ? this.#lastWrites.get(key) : undefined
    const digest = this.#unchangedRewriteMs > 0 ? contentDigestOf(entry.value) : ''
    if (
      last !== undefined &&
      last.digest === digest &&
      last.psuPresent === entry.psuPresent &&
      entry.fetchedAt >= last.fetchedAt &&
      entry.fetchedAt - last.fetchedAt < this.#unchangedRewriteMs
    ) {
      return
    }
    const invalidations = this.#invalidations
    if (options.unlessInvalidatedAfter !== undefined) {
      const invalidatedAt = await this.invalidatedAt(key)
      if (invalidatedAt !== undefined && invalidatedAt > options.unlessInvalidatedAfter) return
    }
    // Forgotten before the write: a write that fails or races an invalidation is never taken for done.
    this.#lastWrites.delete(key)
    try {
      const ok = await this.#keyv.set(key, entry, this.#retentionMs)
      if (ok === false) throw new Error('keyv refused the write')
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
    if (this.#unchangedRewriteMs > 0 && invalidations === this.#invalidations) {
      if (this.#lastWrites.size >= MAX_REMEMBERED_WRITES) this.#lastWrites.clear()
      this.#lastWrites.set(key, { digest, fetchedAt: entry.fetchedAt, psuPresent: entry.psuPresent })
    }
  }

  /** Deletes the keys and records when: a read that started before `at` must not write its answer back. */
  async invalidate(keys: readonly string[], at: number): Promise<void> {
    this.#invalidations++
    for (const key of keys) this.#lastWrites.delete(key)
    try {
      await Promise.all(keys.map((k) => this.#keyv.set(invalidationKey(k), at, this.#retentionMs)))
      await Promise.all(keys.map((k) => this.#keyv.delete(k)))
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }

  async invalidatedAt(key: string): Promise<number | undefined> {
    try {
      return (await this.#keyv.get<number>(invalidationKey(key))) ?? undefined
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }
}

function invalidationKey(key: string): string {
  return `${key}#invalidated`
}

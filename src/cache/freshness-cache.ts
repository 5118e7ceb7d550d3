/**
 * The cache of bank-backed values, each stored with its freshness (when fetched, with the PSU present or not).
 * Keys always carry tpp + bank + PSU + account + method (DESIGN inv. 8), so nothing leaks between PSUs.
 * A store error is an error, never a miss (a miss would trigger a bank call: DESIGN path step 4).
 */
import type Keyv from 'keyv'
import { GatewayError } from '../errors.js'

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
}

export class FreshnessCache {
  readonly #keyv: Keyv
  readonly #retentionMs: number

  constructor(keyv: Keyv, options: FreshnessCacheOptions) {
    this.#keyv = keyv
    this.#keyv.throwOnErrors = true
    // keyv re-emits store errors as events; with throwOnErrors they also reject the call, which is what we rely on.
    this.#keyv.on('error', () => {})
    this.#retentionMs = options.retentionMs
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    try {
      return (await this.#keyv.get<CacheEntry<T>>(key)) ?? undefined
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }

  async set<T>(key: string, entry: CacheEntry<T>): Promise<void> {
    try {
      const ok = await this.#keyv.set(key, entry, this.#retentionMs)
      if (ok === false) throw new Error('keyv refused the write')
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }

  /** Deletes the keys and records when: a read that started before `at` must not write its answer back. */
  async invalidate(keys: readonly string[], at: number): Promise<void> {
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

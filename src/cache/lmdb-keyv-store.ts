/**
 * keyv's storage contract over lmdb, for the embedded (single-process) mode: the cache survives a restart, so a
 * batch read after a restart mid-day can still be served without spending the day's few bank calls.
 * keyv serialises values and tracks expiry itself; this store only keeps strings durably.
 *
 * `maxBytes` (CACHE_MAX_BYTES) bounds what the entries take (key and text, in bytes): past it the entries written
 * longest ago go first. Only the cache lives in this database (the ledger and the tokens have their own under
 * DATA_DIR), so nothing but cache entries can ever be evicted; an evicted entry is a miss, read again within the
 * quota. The bound counts what we store, not lmdb's own page overhead (see the capacity table in the README).
 */
import { EventEmitter } from 'node:events'
import type { RootDatabase } from 'lmdb'
import { open } from 'lmdb'
import { expiresOfCacheText } from './cache-codec.js'

export interface LmdbKeyvStoreOptions {
  /** 0 or absent: no bound. */
  readonly maxBytes?: number
}

export class LmdbKeyvStore extends EventEmitter {
  readonly opts = { dialect: 'lmdb' }
  namespace: string | undefined
  readonly #db: RootDatabase<string, string>
  readonly #maxBytes: number
  /** Bytes per key, oldest written first (only kept with a bound). */
  readonly #sizes = new Map<string, number>()
  #bytes = 0

  constructor(path: string, options: LmdbKeyvStoreOptions = {}) {
    super()
    this.#db = open<string, string>({ path, encoding: 'string' })
    this.#maxBytes = options.maxBytes ?? 0
    if (this.#maxBytes > 0) this.#index()
  }

  /** What the entries take now, by the store's own count (0 without a bound). */
  get bytes(): number {
    return this.#bytes
  }

  async get(key: string): Promise<string | undefined> {
    return this.#db.get(key)
  }

  async set(key: string, value: string): Promise<boolean> {
    const ok = await this.#db.put(key, value)
    if (this.#maxBytes > 0) {
      this.#forget(key)
      const size = key.length + Buffer.byteLength(value)
      this.#sizes.set(key, size)
      this.#bytes += size
      await this.#evictOver(key)
    }
    return ok
  }

  async delete(key: string): Promise<boolean> {
    this.#forget(key)
    return this.#db.remove(key)
  }

  async clear(): Promise<void> {
    const prefix = this.namespace === undefined ? '' : `${this.namespace}:`
    for (const key of this.#db.getKeys({ start: prefix })) {
      if (!key.startsWith(prefix)) break
      this.#forget(key)
      await this.#db.remove(key)
    }
  }

  /**
   * keyv expires an entry only when it is read again; entries nobody reads again (a PSU who left, one transaction's
   * details) would stay on disk for ever. Removes every entry past its keyv expiry; run at start and periodically.
   */
  async sweepExpired(now: number): Promise<number> {
    let removed = 0
    for (const { key, value } of this.#db.getRange()) {
      const expires = expiresOfCacheText(value)
      if (expires !== undefined && expires < now) {
        this.#forget(key)
        await this.#db.remove(key)
        removed++
      }
    }
    return removed
  }

  async disconnect(): Promise<void> {
    await this.#db.close()
  }

  /** At open: every entry, ordered by expiry (all are written with one retention, so: by when they were written). */
  #index(): void {
    const rows: { key: string; size: number; expires: number }[] = []
    for (const { key, value } of this.#db.getRange()) {
      rows.push({ key, size: key.length + Buffer.byteLength(value), expires: expiresOfCacheText(value) ?? 0 })
    }
    rows.sort((a, b) => a.expires - b.expires)
    for (const row of rows) {
      this.#sizes.set(row.key, row.size)
      this.#bytes += row.size
    }
  }

  #forget(key: string): void {
    const size = this.#sizes.get(key)
    if (size === undefined) return
    this.#sizes.delete(key)
    this.#bytes -= size
  }

  /** Oldest first, never the entry just written (an entry larger than the whole bound is kept alone). */
  async #evictOver(justWritten: string): Promise<void> {
    while (this.#bytes > this.#maxBytes) {
      const oldest = this.#sizes.keys().next()
      if (oldest.done === true || oldest.value === justWritten) return
      this.#forget(oldest.value)
      await this.#db.remove(oldest.value)
    }
  }
}

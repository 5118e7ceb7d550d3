/**
 * keyv's storage contract over lmdb, for the embedded (single-process) mode: the cache survives a restart, so a
 * batch read after a restart mid-day can still be served without spending the day's few bank calls.
 * keyv serialises values and tracks expiry itself; this store only keeps strings durably.
 */
import { EventEmitter } from 'node:events'
import type { RootDatabase } from 'lmdb'
import { open } from 'lmdb'

export class LmdbKeyvStore extends EventEmitter {
  readonly opts = { dialect: 'lmdb' }
  namespace: string | undefined
  readonly #db: RootDatabase<string, string>

  constructor(path: string) {
    super()
    this.#db = open<string, string>({ path, encoding: 'string' })
  }

  async get(key: string): Promise<string | undefined> {
    return this.#db.get(key)
  }

  async set(key: string, value: string): Promise<boolean> {
    return this.#db.put(key, value)
  }

  async delete(key: string): Promise<boolean> {
    return this.#db.remove(key)
  }

  async clear(): Promise<void> {
    const prefix = this.namespace === undefined ? '' : `${this.namespace}:`
    for (const key of this.#db.getKeys({ start: prefix })) {
      if (!key.startsWith(prefix)) break
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
      let expires: unknown
      try {
        expires = (JSON.parse(value) as { expires?: unknown }).expires
      } catch {
        continue
      }
      if (typeof expires === 'number' && expires < now) {
        await this.#db.remove(key)
        removed++
      }
    }
    return removed
  }

  async disconnect(): Promise<void> {
    await this.#db.close()
  }
}

/**
 * The journals in lmdb under DATA_DIR (embedded mode: one process owns the folder). The compare and the write happen
 * in one lmdb write transaction, which lmdb runs one at a time: two merges of this process never both win.
 */
import type { RootDatabase } from 'lmdb'
import { open } from 'lmdb'
import { CacheUnavailableError } from './freshness-cache.js'
import type { JournalBackend, VersionedText } from './journal-backend.js'

interface Row {
  readonly version: number
  readonly text: string
  /** Wall-clock epoch ms after which nobody wrote to it for its TTL: as good as absent. */
  readonly expiresAt: number
}

export class LmdbJournalBackend implements JournalBackend {
  readonly #db: RootDatabase<Row, string>

  constructor(dir: string) {
    this.#db = open<Row, string>({ path: dir })
  }

  async get(key: string): Promise<VersionedText | undefined> {
    try {
      return live(this.#db.get(key))
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }

  async swap(key: string, expectedVersion: number, text: string, ttlMs: number): Promise<boolean> {
    try {
      return await this.#db.transaction(() => {
        const current = live(this.#db.get(key))?.version ?? 0
        if (current !== expectedVersion) return false
        this.#db.putSync(key, { version: current + 1, text, expiresAt: Date.now() + ttlMs })
        return true
      })
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#db.remove(key)
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }

  async close(): Promise<void> {
    await this.#db.close()
  }
}

function live(row: Row | undefined): VersionedText | undefined {
  if (row === undefined || row.expiresAt <= Date.now()) return undefined
  return { version: row.version, text: row.text }
}

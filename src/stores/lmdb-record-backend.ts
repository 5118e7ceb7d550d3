/** Sealed records in lmdb under DATA_DIR (embedded mode: one process owns the folder). */
import type { RootDatabase } from 'lmdb'
import { open } from 'lmdb'
import type { Clock } from '../clock.js'
import type { RecordBackend } from '../stet/record-backend.js'
import { RecordStoreUnavailableError } from '../stet/record-backend.js'
import { ensurePrivateDir, restrictFiles } from './private-files.js'

interface Row {
  readonly value: string
  /** Epoch ms (wall clock) after which the row is as good as absent; none = kept until deleted. */
  readonly expiresAt?: number
}

/** Set members are rows of their own under this prefix (no record key starts with it). */
const SET_PREFIX = '\u0001set:'

export class LmdbRecordBackend implements RecordBackend {
  readonly #db: RootDatabase<Row, string>
  readonly #clock: Clock

  private constructor(db: RootDatabase<Row, string>, clock: Clock) {
    this.#db = db
    this.#clock = clock
  }

  /** Opens (or creates) the folder 0700, its files 0600, and drops rows whose time has passed. */
  static async open(dir: string, clock: Clock): Promise<LmdbRecordBackend> {
    await ensurePrivateDir(dir)
    const db = open<Row, string>({ path: dir })
    await restrictFiles(dir)
    const backend = new LmdbRecordBackend(db, clock)
    await backend.#sweep()
    return backend
  }

  async get(key: string): Promise<string | undefined> {
    return this.#live(this.#read(key))
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    const row: Row = options.ttlMs === undefined ? { value } : { value, expiresAt: this.#clock() + options.ttlMs }
    await this.#write(() => this.#db.put(key, row))
  }

  async delete(key: string): Promise<void> {
    await this.#write(() => this.#db.remove(key))
  }

  async take(key: string): Promise<string | undefined> {
    // One write transaction: no second reader of this process can get the row between the read and the delete.
    return this.#write(() =>
      this.#db.transaction(() => {
        const row = this.#db.get(key)
        if (row !== undefined) this.#db.removeSync(key)
        return this.#live(row)
      }),
    )
  }

  async addMember(set: string, member: string): Promise<void> {
    await this.#write(() => this.#db.put(`${SET_PREFIX}${set}\u0000${member}`, { value: '' }))
  }

  async members(set: string): Promise<string[]> {
    const prefix = `${SET_PREFIX}${set}\u0000`
    try {
      return [...this.#db.getKeys({ start: prefix, end: `${prefix}\uffff` })].map((key) => key.slice(prefix.length))
    } catch (error) {
      throw new RecordStoreUnavailableError(error)
    }
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  #live(row: Row | undefined): string | undefined {
    if (row === undefined || (row.expiresAt !== undefined && row.expiresAt <= this.#clock())) return undefined
    return row.value
  }

  #read(key: string): Row | undefined {
    try {
      return this.#db.get(key)
    } catch (error) {
      throw new RecordStoreUnavailableError(error)
    }
  }

  async #write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw new RecordStoreUnavailableError(error)
    }
  }

  async #sweep(): Promise<void> {
    const now = this.#clock()
    for (const { key, value } of this.#db.getRange()) {
      if (value.expiresAt !== undefined && value.expiresAt <= now) await this.#db.remove(key)
    }
  }
}

/**
 * The journals in the shared Redis: one hash per account (`v` the version, `doc` the text), swapped by a script that
 * compares the version and writes in one step, so replicas never lose each other's merges. One key per script: on a
 * cluster it runs where the key lives, and the key carries the PSU's hash tag like the ledger's (DESIGN inv. 7).
 */
import type { RedisConnection } from '../redis/redis-connection.js'
import { CacheUnavailableError } from './freshness-cache.js'
import type { JournalBackend, VersionedText } from './journal-backend.js'

/** KEYS[1] the journal; ARGV: expected version (0 = absent), new text, TTL ms. Returns 1 when written, 0 otherwise. */
const SWAP = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', current + 1, 'doc', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`

export class RedisJournalBackend implements JournalBackend {
  readonly #client: RedisConnection
  readonly #prefix: string

  constructor(client: RedisConnection, options: { prefix: string }) {
    this.#client = client
    this.#prefix = options.prefix
  }

  async get(key: string): Promise<VersionedText | undefined> {
    let fields: (string | null)[]
    try {
      fields = (await this.#client.hmGet(this.#prefix + key, ['v', 'doc'])) as (string | null)[]
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
    const [version, text] = fields
    if (version === null || version === undefined || text === null || text === undefined) return undefined
    return { version: Number(version), text }
  }

  async swap(key: string, expectedVersion: number, text: string, ttlMs: number): Promise<boolean> {
    try {
      const written = await this.#client.eval(SWAP, {
        keys: [this.#prefix + key],
        arguments: [String(expectedVersion), text, String(Math.max(1, Math.ceil(ttlMs)))],
      })
      return written === 1
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#client.del(this.#prefix + key)
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }
}

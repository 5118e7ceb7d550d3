/**
 * The cross-replica lease for single-flight on Redis: `SET key token NX PX ttl`, released only by its owner (a
 * compare-and-delete script), so a slow winner whose lease expired cannot free someone else's.
 */
import { randomUUID } from 'node:crypto'
import type { RedisClientType } from 'redis'
import type { DistributedLock } from './single-flight.js'

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`

export class RedisLock implements DistributedLock {
  readonly #client: RedisClientType
  readonly #prefix: string

  constructor(client: RedisClientType, options: { prefix: string }) {
    this.#client = client
    this.#prefix = options.prefix
  }

  async acquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const lockKey = `${this.#prefix}lock:${key}`
    const token = randomUUID()
    const ok = await this.#client.set(lockKey, token, { NX: true, PX: ttlMs })
    if (ok !== 'OK') return undefined
    return async () => {
      await this.#client.eval(RELEASE, { keys: [lockKey], arguments: [token] })
    }
  }
}

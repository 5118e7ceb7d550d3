/**
 * The cross-replica lease for single-flight on Redis: `SET key token NX PX ttl`, released only by its owner (a
 * compare-and-delete script), so a slow winner whose lease expired cannot free someone else's. While held it is
 * renewed every third of its TTL: a bank call that outlasts the TTL (a token refresh plus a replay) must not let a
 * second replica spend another unit on the same key meanwhile. Store errors surface as STORE_UNAVAILABLE.
 * Both scripts touch one key, so on Redis Cluster they run on the node that holds it.
 */
import { randomUUID } from 'node:crypto'
import type { RedisConnection } from '../redis/redis-connection.js'
import { CacheUnavailableError } from './freshness-cache.js'
import type { DistributedLock } from './single-flight.js'

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`

export class RedisLock implements DistributedLock {
  readonly #client: RedisConnection
  readonly #prefix: string

  constructor(client: RedisConnection, options: { prefix: string }) {
    this.#client = client
    this.#prefix = options.prefix
  }

  async acquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const lockKey = `${this.#prefix}lock:${key}`
    const token = randomUUID()
    let ok: string | null
    try {
      ok = await this.#client.set(lockKey, token, { NX: true, PX: ttlMs })
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
    if (ok !== 'OK') return undefined
    const renew = setInterval(
      () => {
        this.#client.eval(RENEW, { keys: [lockKey], arguments: [token, String(ttlMs)] }).catch(() => {
          // The lease then expires on its own: the worst case is a second unit spent, never a breach.
        })
      },
      Math.max(1000, Math.floor(ttlMs / 3)),
    )
    renew.unref()
    return async () => {
      clearInterval(renew)
      await this.#client.eval(RELEASE, { keys: [lockKey], arguments: [token] })
    }
  }
}

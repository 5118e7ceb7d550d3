/** Sealed records in the shared Redis: every replica sees the same tokens, connections and pending states. */
import type { RedisClientType } from 'redis'
import type { RecordBackend } from '../stet/record-backend.js'
import { RecordStoreUnavailableError } from '../stet/record-backend.js'

export class RedisRecordBackend implements RecordBackend {
  readonly #client: RedisClientType
  readonly #prefix: string

  constructor(client: RedisClientType, options: { prefix: string }) {
    this.#client = client
    this.#prefix = options.prefix
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#run(() => this.#client.get(this.#prefix + key))) ?? undefined
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    const ttl = options.ttlMs === undefined ? {} : { PX: Math.max(1, Math.ceil(options.ttlMs)) }
    await this.#run(() => this.#client.set(this.#prefix + key, value, ttl))
  }

  async delete(key: string): Promise<void> {
    await this.#run(() => this.#client.del(this.#prefix + key))
  }

  /** GETDEL (Redis 6.2+): one atomic step, so two replicas can never both take a one-time record. */
  async take(key: string): Promise<string | undefined> {
    return (await this.#run(() => this.#client.getDel(this.#prefix + key))) ?? undefined
  }

  async addMember(set: string, member: string): Promise<void> {
    await this.#run(() => this.#client.sAdd(`${this.#prefix}set:${set}`, member))
  }

  async members(set: string): Promise<string[]> {
    return this.#run(() => this.#client.sMembers(`${this.#prefix}set:${set}`))
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw new RecordStoreUnavailableError(error)
    }
  }
}

/**
 * Token stores that outlive the process: lmdb under DATA_DIR for the embedded mode, Redis when replicas share
 * state. Keys carry tpp + bank + PSU (DESIGN inv. 8). Tokens are stored as they came: encryption at rest (JWE) is
 * the consent issue's work and is not done yet.
 */
import type { RootDatabase } from 'lmdb'
import { open } from 'lmdb'
import type { RedisClientType } from 'redis'
import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import type { ConnectionRef, StoredTokens, TokenStore } from './token-source.js'

const keyOf = (tpp: string, ref: ConnectionRef): string => `tokens:${tpp}|${ref.bank}|${ref.psuId}`

export class TokenStoreUnavailableError extends GatewayError {
  readonly code = 'STORE_UNAVAILABLE'
  constructor(cause: unknown) {
    super('the token store cannot be reached', { cause })
  }
}

async function typed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw new TokenStoreUnavailableError(error)
  }
}

export class LmdbTokenStore implements TokenStore {
  readonly #db: RootDatabase<StoredTokens, string>
  readonly #tpp: string

  constructor(options: { path: string; tpp: string }) {
    this.#db = open<StoredTokens, string>({ path: options.path })
    this.#tpp = options.tpp
  }

  async get(ref: ConnectionRef): Promise<StoredTokens | undefined> {
    const tokens = this.#db.get(keyOf(this.#tpp, ref))
    return tokens === undefined ? undefined : { ...tokens }
  }

  async set(ref: ConnectionRef, tokens: StoredTokens): Promise<void> {
    await this.#db.put(keyOf(this.#tpp, ref), { ...tokens })
  }

  async delete(ref: ConnectionRef): Promise<void> {
    await this.#db.remove(keyOf(this.#tpp, ref))
  }

  async close(): Promise<void> {
    await this.#db.close()
  }
}

export class RedisTokenStore implements TokenStore {
  readonly #client: RedisClientType
  readonly #tpp: string
  readonly #prefix: string
  readonly #clock: Clock

  constructor(client: RedisClientType, options: { tpp: string; prefix: string; clock: Clock }) {
    this.#client = client
    this.#tpp = options.tpp
    this.#prefix = options.prefix
    this.#clock = options.clock
  }

  async get(ref: ConnectionRef): Promise<StoredTokens | undefined> {
    const raw = await typed(() => this.#client.get(this.#prefix + keyOf(this.#tpp, ref)))
    return raw === null ? undefined : (JSON.parse(raw) as StoredTokens)
  }

  async set(ref: ConnectionRef, tokens: StoredTokens): Promise<void> {
    const ttlMs = Math.max(1000, tokens.refreshTokenExpiresAt - this.#clock())
    await typed(() => this.#client.set(this.#prefix + keyOf(this.#tpp, ref), JSON.stringify(tokens), { PX: ttlMs }))
  }

  async delete(ref: ConnectionRef): Promise<void> {
    await typed(() => this.#client.del(this.#prefix + keyOf(this.#tpp, ref)))
  }
}

/**
 * Keeps the last tokens of each connection in process memory in front of a shared store, so that a present PSU is
 * still served while the store is unreachable (the store is the source of truth whenever it answers).
 */
export class StoreWithMemoryFallback implements TokenStore {
  readonly #primary: TokenStore
  /** Most recently used first out: bounded, so a long-lived replica does not keep every PSU it ever served. */
  readonly #memory = new Map<string, StoredTokens>()
  readonly #maxEntries: number
  readonly #onStoreError: (error: unknown) => void

  constructor(primary: TokenStore, onStoreError: (error: unknown) => void, options: { maxEntries?: number } = {}) {
    this.#primary = primary
    this.#onStoreError = onStoreError
    this.#maxEntries = options.maxEntries ?? 10_000
  }

  #remember(key: string, tokens: StoredTokens): void {
    this.#memory.delete(key)
    this.#memory.set(key, { ...tokens })
    if (this.#memory.size > this.#maxEntries) {
      const oldest = this.#memory.keys().next()
      if (oldest.done !== true) this.#memory.delete(oldest.value)
    }
  }

  async get(ref: ConnectionRef): Promise<StoredTokens | undefined> {
    const key = `${ref.bank}|${ref.psuId}`
    try {
      const tokens = await this.#primary.get(ref)
      if (tokens === undefined) this.#memory.delete(key)
      else this.#remember(key, tokens)
      return tokens
    } catch (error) {
      const remembered = this.#memory.get(key)
      if (remembered === undefined) throw error
      this.#onStoreError(error)
      return { ...remembered }
    }
  }

  async set(ref: ConnectionRef, tokens: StoredTokens): Promise<void> {
    this.#remember(`${ref.bank}|${ref.psuId}`, tokens)
    try {
      await this.#primary.set(ref, tokens)
    } catch (error) {
      // A refreshed token we cannot share is still good here; other replicas will refresh their own.
      this.#onStoreError(error)
    }
  }

  async delete(ref: ConnectionRef): Promise<void> {
    this.#memory.delete(`${ref.bank}|${ref.psuId}`)
    await this.#primary.delete(ref)
  }
}

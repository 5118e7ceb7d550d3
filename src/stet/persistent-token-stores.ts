/**
 * Token stores that outlive the process, sealed at rest (record-sealer.ts: JWE dir + A256GCM, bound to the PSU and
 * bank): lmdb under DATA_DIR in the embedded mode, Redis when replicas share state (record-backend.ts). Keys carry
 * tpp + bank + PSU (DESIGN inv. 8), and the binding in each record makes a record moved under another key useless.
 */
import type { Clock } from '../clock.js'
import type { RecordBackend } from './record-backend.js'
import { RecordStoreUnavailableError } from './record-backend.js'
import type { RecordSealer } from './record-sealer.js'
import type { ConnectionRef, StoredTokens, TokenStore } from './token-source.js'

/** `hashTag`: the PSU's Redis hash tag when the store gives one (stores/: one Redis Cluster slot per PSU). */
export const tokenRecordKey = (tpp: string, ref: ConnectionRef, hashTag = ''): string =>
  `tokens:${hashTag}${tpp}|${ref.bank}|${ref.psuId}`

export interface SealedTokenStoreOptions {
  readonly tpp: string
  readonly clock: Clock
  /**
   * The PSU's hash tag, put in front of the record's key (stores/ pass `psuHashTag`). Records written before under
   * the untagged key are still read, and deleted on the next write.
   */
  readonly hashTag?: (ref: ConnectionRef) => string
}

export class SealedTokenStore implements TokenStore {
  readonly #backend: RecordBackend
  readonly #sealer: RecordSealer
  readonly #tpp: string
  readonly #clock: Clock
  readonly #hashTag: ((ref: ConnectionRef) => string) | undefined

  constructor(backend: RecordBackend, sealer: RecordSealer, options: SealedTokenStoreOptions) {
    this.#backend = backend
    this.#sealer = sealer
    this.#tpp = options.tpp
    this.#clock = options.clock
    this.#hashTag = options.hashTag
  }

  /** Undefined when there is no record; a record that does not open as this PSU's throws (REAUTHORIZATION_REQUIRED). */
  async get(ref: ConnectionRef): Promise<StoredTokens | undefined> {
    const legacy = this.#legacyKey(ref)
    const raw =
      (await this.#backend.get(this.#key(ref))) ?? (legacy === undefined ? undefined : await this.#backend.get(legacy))
    if (raw === undefined) return undefined
    return this.#sealer.open<StoredTokens>({ typ: 'tokens', bank: ref.bank, psu: ref.psuId }, raw)
  }

  async set(ref: ConnectionRef, tokens: StoredTokens): Promise<void> {
    const sealed = await this.#sealer.seal({ typ: 'tokens', bank: ref.bank, psu: ref.psuId }, tokens)
    // Nothing to keep once the refresh token is dead (180 days after the last SCA).
    const ttlMs = Math.max(1000, tokens.refreshTokenExpiresAt - this.#clock())
    await this.#backend.set(this.#key(ref), sealed, { ttlMs })
    const legacy = this.#legacyKey(ref)
    if (legacy !== undefined) await this.#backend.delete(legacy)
  }

  async delete(ref: ConnectionRef): Promise<void> {
    await this.#backend.delete(this.#key(ref))
    const legacy = this.#legacyKey(ref)
    if (legacy !== undefined) await this.#backend.delete(legacy)
  }

  #key(ref: ConnectionRef): string {
    return tokenRecordKey(this.#tpp, ref, this.#hashTag?.(ref))
  }

  /** The key from before the hash tag, when there is one now. */
  #legacyKey(ref: ConnectionRef): string | undefined {
    return this.#hashTag === undefined ? undefined : tokenRecordKey(this.#tpp, ref)
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
      // Only an unreachable store falls back: a record refused as tampered or swapped is never papered over.
      const remembered = error instanceof RecordStoreUnavailableError ? this.#memory.get(key) : undefined
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

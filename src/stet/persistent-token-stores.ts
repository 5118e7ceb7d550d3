/**
 * Token stores that outlive the process, sealed at rest (record-sealer.ts: JWE dir + A256GCM, bound to the PSU and
 * bank): lmdb under DATA_DIR in the embedded mode, Redis when replicas share state (record-backend.ts). Keys carry
 * tpp + bank + PSU (DESIGN inv. 8), and the binding in each record makes a record moved under another key useless.
 */
import type { Clock } from '../clock.js'
import { psuHashTag } from '../redis/psu-hash-tag.js'
import type { RecordBackend } from './record-backend.js'
import { RecordStoreUnavailableError } from './record-backend.js'
import type { RecordSealer } from './record-sealer.js'
import type { ConnectionRef, StoredTokens, TokenStore } from './token-source.js'

/** Under the PSU's hash tag (one Redis Cluster slot with the PSU's ledger and cache). */
export const tokenRecordKey = (tpp: string, ref: ConnectionRef): string =>
  `tokens:${psuHashTag(ref.bank, ref.psuId)}${tpp}|${ref.bank}|${ref.psuId}`

/** Where records were kept before they carried the hash tag: still read, deleted on the next write. */
const legacyTokenRecordKey = (tpp: string, ref: ConnectionRef): string => `tokens:${tpp}|${ref.bank}|${ref.psuId}`

export class SealedTokenStore implements TokenStore {
  readonly #backend: RecordBackend
  readonly #sealer: RecordSealer
  readonly #tpp: string
  readonly #clock: Clock

  constructor(backend: RecordBackend, sealer: RecordSealer, options: { tpp: string; clock: Clock }) {
    this.#backend = backend
    this.#sealer = sealer
    this.#tpp = options.tpp
    this.#clock = options.clock
  }

  /** Undefined when there is no record; a record that does not open as this PSU's throws (REAUTHORIZATION_REQUIRED). */
  async get(ref: ConnectionRef): Promise<StoredTokens | undefined> {
    const raw =
      (await this.#backend.get(tokenRecordKey(this.#tpp, ref))) ??
      (await this.#backend.get(legacyTokenRecordKey(this.#tpp, ref)))
    if (raw === undefined) return undefined
    return this.#sealer.open<StoredTokens>({ typ: 'tokens', bank: ref.bank, psu: ref.psuId }, raw)
  }

  async set(ref: ConnectionRef, tokens: StoredTokens): Promise<void> {
    const sealed = await this.#sealer.seal({ typ: 'tokens', bank: ref.bank, psu: ref.psuId }, tokens)
    // Nothing to keep once the refresh token is dead (180 days after the last SCA).
    const ttlMs = Math.max(1000, tokens.refreshTokenExpiresAt - this.#clock())
    await this.#backend.set(tokenRecordKey(this.#tpp, ref), sealed, { ttlMs })
    await this.#backend.delete(legacyTokenRecordKey(this.#tpp, ref))
  }

  async delete(ref: ConnectionRef): Promise<void> {
    await this.#backend.delete(tokenRecordKey(this.#tpp, ref))
    await this.#backend.delete(legacyTokenRecordKey(this.#tpp, ref))
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

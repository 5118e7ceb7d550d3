/**
 * What we know of one bank connection (caller PSU × bank) beyond its tokens: when the PSU last went through the bank's
 * SCA, the consent the bank last accepted, and whether the PSU disconnected. A connection's state is derived from this
 * and the tokens, never set by hand (DESIGN "A bank connection's life"). Sealed like the tokens: the consent names
 * the PSU's IBANs (DESIGN inv. 12).
 */
import { psuHashTag } from '../redis/psu-hash-tag.js'
import type { RecordBackend } from '../stet/record-backend.js'
import type { RecordSealer } from '../stet/record-sealer.js'
import type { ConnectionRef } from '../stet/token-source.js'

/** The PSU's Redis hash tag for a connection's records (tokens, connection facts): one slot with its ledger. */
export const psuHashTagOf = (ref: ConnectionRef): string => psuHashTag(ref.bank, ref.psuId)

/** What the PSU granted, as forwarded in `PUT /consents` (IBANs per resource). */
export interface ConsentGrant {
  readonly balances: readonly string[]
  readonly transactions: readonly string[]
  readonly overdrafts: readonly string[]
  readonly psuIdentity: boolean
}

export interface ConnectionFacts {
  /** Epoch ms of the last completed authorisation (SCA at the bank): the refresh token lives 180 days from it. */
  readonly authorizedAt?: number
  /** The consent the bank last answered 201 to, and when. Absent: none accepted since the last authorisation. */
  readonly consent?: ConsentGrant & { readonly grantedAt: number }
  /** Epoch ms of `disconnectBank`; cleared by the next completed authorisation. */
  readonly disconnectedAt?: number
}

export class ConnectionStore {
  readonly #backend: RecordBackend
  readonly #sealer: RecordSealer
  readonly #tpp: string

  constructor(backend: RecordBackend, sealer: RecordSealer, options: { tpp: string }) {
    this.#backend = backend
    this.#sealer = sealer
    this.#tpp = options.tpp
  }

  /** Undefined when never linked; throws when the record does not open as this PSU's (tampered or swapped). */
  async get(ref: ConnectionRef): Promise<ConnectionFacts | undefined> {
    const raw = (await this.#backend.get(this.#key(ref))) ?? (await this.#backend.get(this.#legacyKey(ref)))
    if (raw === undefined) return undefined
    return this.#sealer.open<ConnectionFacts>({ typ: 'connection', bank: ref.bank, psu: ref.psuId }, raw)
  }

  async set(ref: ConnectionRef, facts: ConnectionFacts): Promise<void> {
    const sealed = await this.#sealer.seal({ typ: 'connection', bank: ref.bank, psu: ref.psuId }, facts)
    await this.#backend.set(this.#key(ref), sealed)
    await this.#backend.delete(this.#legacyKey(ref))
    // The index the refresh scheduler walks: written after the record, so a listed connection always has one.
    await this.#backend.addMember(this.#indexName(), JSON.stringify([ref.bank, ref.psuId]))
  }

  /** Every connection ever recorded (disconnected ones too: their facts say so). */
  async list(): Promise<ConnectionRef[]> {
    const members = await this.#backend.members(this.#indexName())
    return members.map((m) => JSON.parse(m) as [string, string]).map(([bank, psuId]) => ({ bank, psuId }))
  }

  #indexName(): string {
    return `connections:${this.#tpp}`
  }

  /** Under the PSU's hash tag (one Redis Cluster slot with the PSU's ledger, cache and tokens). */
  #key(ref: ConnectionRef): string {
    return `connection:${psuHashTag(ref.bank, ref.psuId)}${this.#tpp}|${ref.bank}|${ref.psuId}`
  }

  /** Where records were kept before they carried the hash tag: still read, deleted on the next write. */
  #legacyKey(ref: ConnectionRef): string {
    return `connection:${this.#tpp}|${ref.bank}|${ref.psuId}`
  }
}

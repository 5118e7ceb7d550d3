/**
 * The step between `startBankAuthorization` and `completeBankAuthorization` (DESIGN "Authorisation"): the `state`
 * sent to the bank maps to who started it, for which bank and redirect URI, until when. Shared across replicas like
 * the tokens, stored under a digest of the state (the state itself never rests anywhere), sealed and bound to the PSU
 * who started it, and taken on first use: a replayed state finds nothing, a foreign one does not open as the caller's.
 */
import { createHash } from 'node:crypto'
import type { RecordBackend } from '../stet/record-backend.js'
import type { RecordSealer } from '../stet/record-sealer.js'
import { SealedRecordRejectedError } from '../stet/record-sealer.js'

export interface PendingAuthorization {
  readonly psuId: string
  readonly consumer: 'frontend' | 'partner'
  readonly bank: string
  readonly redirectUri: string
  /** Epoch ms. */
  readonly expiresAt: number
}

export type TakenAuthorization =
  | { readonly kind: 'found'; readonly pending: PendingAuthorization }
  | { readonly kind: 'unknown' }
  /** It exists but was started by another PSU: it is gone now too (a leaked state is spent, not left for reuse). */
  | { readonly kind: 'foreign' }

export class PendingAuthorizationStore {
  readonly #backend: RecordBackend
  readonly #sealer: RecordSealer
  readonly #tpp: string

  constructor(backend: RecordBackend, sealer: RecordSealer, options: { tpp: string }) {
    this.#backend = backend
    this.#sealer = sealer
    this.#tpp = options.tpp
  }

  async put(state: string, pending: PendingAuthorization, ttlMs: number): Promise<void> {
    const sealed = await this.#sealer.seal({ typ: 'pending-authorization', bank: '', psu: pending.psuId }, pending)
    await this.#backend.set(this.#key(state), sealed, { ttlMs })
  }

  /** Deletes the state whoever asks: it can be taken once. Opens it only as `psuId`'s. */
  async take(state: string, psuId: string): Promise<TakenAuthorization> {
    const raw = await this.#backend.take(this.#key(state))
    if (raw === undefined) return { kind: 'unknown' }
    try {
      const pending = await this.#sealer.open<PendingAuthorization>(
        { typ: 'pending-authorization', bank: '', psu: psuId },
        raw,
      )
      return { kind: 'found', pending }
    } catch (error) {
      if (error instanceof SealedRecordRejectedError && error.reason === 'wrong-binding') return { kind: 'foreign' }
      throw error
    }
  }

  #key(state: string): string {
    return `pending:${this.#tpp}|${createHash('sha256').update(state).digest('base64url')}`
  }
}

/**
 * The `Reservation` both ledgers hand out (src/stet-api/access.ts). It holds the grant's id so that `release` removes
 * exactly this grant and no other, and it reserves its replay through the ledger like any other call (invariant 2).
 */
import type { Reservation } from '../stet-api/access.js'
import type { QuotaKeyParts, ReserveOutcome } from './quota-ledger.js'
import { publishRelease } from './quota-diagnostics.js'
import { StoreUnavailableError } from './quota-ledger.js'

/** What a reservation needs from the ledger that granted it. */
export interface ReservationStore {
  reserve(parts: QuotaKeyParts): Promise<ReserveOutcome>
  releaseGrant(parts: QuotaKeyParts, grantId: string): Promise<void>
  markExhausted(parts: QuotaKeyParts): Promise<void>
}

export class LedgerReservation implements Reservation {
  readonly kind = 'reservation'
  readonly #parts: QuotaKeyParts
  readonly #store: ReservationStore

  constructor(
    readonly quotaKey: string,
    readonly grantId: string,
    parts: QuotaKeyParts,
    store: ReservationStore,
  ) {
    this.#parts = { ...parts }
    this.#store = store
  }

  /** Only when the request provably never left (invariant 4). Idempotent: the grant is removed by id. */
  async release(): Promise<void> {
    await this.#store.releaseGrant(this.#parts, this.grantId)
    publishRelease(this.#parts)
  }

  markExhausted(): Promise<void> {
    return this.#store.markExhausted(this.#parts)
  }

  async reserveReplay(): Promise<Reservation | undefined> {
    try {
      const outcome = await this.#store.reserve(this.#parts)
      return outcome.kind === 'granted' ? outcome.reservation : undefined
    } catch (error) {
      // A store that cannot be reached refuses the replay (fail closed); anything else is a bug and must be heard.
      if (error instanceof StoreUnavailableError) return undefined
      throw error
    }
  }
}

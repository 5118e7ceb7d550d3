/**
 * Puts the trail around a ledger reservation: the call is recorded (durably) before the reservation is handed to the
 * STET client, and the reservation records what its attempt came to. The replay after `401 invalid_token` takes its
 * own unit (DESIGN inv. 2) and so its own entry, `REPLAY`, pointing at the call it replays.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from '../clock.js'
import type { QuotaKeyParts } from '../quota/quota-ledger.js'
import type { BankAttempt, Reservation } from '../stet-api/access.js'
import type { AuditCallRecord, AuditLog, AuditOutcomeKind, AuditReason } from './audit-log.js'
import { AuditStoreUnavailableError } from './audit-log.js'

export interface AuditTrailDeps {
  readonly log: AuditLog
  readonly clock: Clock
  /** An outcome that could not be written (the call record is there: the export says UNKNOWN). */
  readonly onStoreError?: (error: unknown) => void
}

/** A reservation whose call is on the trail. `settle` records an outcome if the STET client reported none. */
export interface AuditedReservation extends Reservation {
  settle(error?: unknown): Promise<void>
}

export class AuditTrail {
  readonly #deps: AuditTrailDeps

  constructor(deps: AuditTrailDeps) {
    this.#deps = deps
  }

  get log(): AuditLog {
    return this.#deps.log
  }

  /**
   * Records the call, then returns the reservation to call the bank with. When the trail cannot be written the unit
   * goes back (nothing left) and `AuditStoreUnavailableError` is thrown: no unattended call without its entry.
   */
  async record(
    reservation: Reservation,
    parts: QuotaKeyParts,
    reason: AuditReason,
    replayOf?: string,
  ): Promise<AuditedReservation> {
    const call: AuditCallRecord = {
      t: 'call',
      id: randomUUID(),
      at: this.#deps.clock(),
      tpp: parts.tpp,
      bank: parts.bank,
      psu: parts.psu,
      iban: parts.iban === undefined || parts.iban === '' ? null : parts.iban,
      method: parts.method,
      reason,
      reservation: reservation.grantId ?? reservation.quotaKey,
      ...(replayOf === undefined ? {} : { replayOf }),
    }
    try {
      await this.#deps.log.appendCall(call)
    } catch (error) {
      await reservation.release().catch(() => undefined)
      throw error instanceof AuditStoreUnavailableError ? error : new AuditStoreUnavailableError(error)
    }
    return this.#wrap(reservation, parts, call)
  }

  #wrap(inner: Reservation, parts: QuotaKeyParts, call: AuditCallRecord): AuditedReservation {
    let settled = false
    // An attempt that got no answer is settled by what follows: `release` (it never left) or the error (it may have).
    let unanswered: BankAttemptDetail | undefined
    let replay: AuditedReservation | undefined
    const write = async (outcome: AuditOutcomeKind, detail: BankAttemptDetail = {}) => {
      if (settled) return
      settled = true
      await this.#deps.log
        .appendOutcome({ t: 'outcome', id: call.id, callAt: call.at, at: this.#deps.clock(), outcome, ...detail })
        .catch((error: unknown) => this.#deps.onStoreError?.(error))
    }
    return {
      kind: 'reservation',
      quotaKey: inner.quotaKey,
      ...(inner.grantId === undefined ? {} : { grantId: inner.grantId }),
      recordAttempt: async (attempt: BankAttempt) => {
        if (attempt.status === undefined) unanswered = detailOf(attempt)
        else await write(outcomeOf(attempt), detailOf(attempt))
      },
      release: async () => {
        await write('NOT_SENT', unanswered?.requestId === undefined ? {} : { requestId: unanswered.requestId })
        await inner.release()
      },
      markExhausted: () => inner.markExhausted(),
      reserveReplay: async () => {
        const next = await inner.reserveReplay()
        if (next === undefined) return undefined
        try {
          replay = await this.record(next, parts, 'REPLAY', call.id)
          return replay
        } catch (error) {
          this.#deps.onStoreError?.(error)
          return undefined
        }
      },
      settle: async (error?: unknown) => {
        await replay?.settle(error)
        if (error === undefined) await write('OK', unanswered ?? {})
        else await write('ERROR', unanswered ?? { code: codeOf(error) })
      },
    }
  }
}

interface BankAttemptDetail {
  status?: number
  code?: string
  requestId?: string
}

function outcomeOf(attempt: BankAttempt): AuditOutcomeKind {
  return attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300 ? 'OK' : 'ERROR'
}

function detailOf(attempt: BankAttempt): BankAttemptDetail {
  return {
    ...(attempt.status === undefined ? {} : { status: attempt.status }),
    ...(attempt.errorCode === undefined ? {} : { code: attempt.errorCode }),
    requestId: attempt.requestId,
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR'
}

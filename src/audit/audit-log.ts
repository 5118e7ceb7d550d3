/**
 * The audit trail of unattended bank calls (issue 17): evidence a compliance officer can hand to the regulator that no
 * key went past the bank's four calls a day (RTS 2018/389 art. 36(5)(b)). One entry per request that left, or was about
 * to leave, for the bank without `PSU-IP-Address`, which is exactly a request holding a ledger reservation (DESIGN
 * inv. 1–2).
 *
 * Why two records per call: the `call` record is appended and made durable BEFORE the request leaves, the `outcome`
 * record after the answer. A crash between the two leaves a call without outcome, which the export shows as
 * `UNKNOWN`: the call is never lost, and nothing is claimed about it that we do not know. Recording the outcome only
 * (one record after the call) would lose exactly the calls a crash interrupts, the ones the bank may still have
 * counted; rewriting one record in place would make the log mutable.
 */
import { GatewayError } from '../errors.js'
import type { AisMethod } from '../stet-api/wire.js'

/** Why the gateway called the bank without the PSU. Public API of the export: values are never renamed. */
export const AUDIT_REASONS = ['PARTNER_QUERY', 'SCHEDULER', 'LINKING', 'CONSENT', 'REPLAY'] as const

export type AuditReason = (typeof AUDIT_REASONS)[number]

/** Appended before the request leaves. */
export interface AuditCallRecord {
  readonly t: 'call'
  /** The audit id of this call (a UUID). */
  readonly id: string
  /** Epoch ms, the gateway's clock, just before the request left. */
  readonly at: number
  readonly tpp: string
  readonly bank: string
  readonly psu: string
  /** Null for `/accounts`, `/end-user-identity` and `/consents` (the bank counts them without an IBAN). */
  readonly iban: string | null
  readonly method: AisMethod
  readonly reason: AuditReason
  /** The ledger grant this call spent (its id in the ledger). */
  readonly reservation: string
  /** For a replay after `401 invalid_token`: the audit id of the call it replays. */
  readonly replayOf?: string
}

/**
 * What became of the call: `OK` (a 2xx), `ERROR` (an answer the client turned into an error, or no answer: a timeout
 * or reset, `code` says which), `NOT_SENT` (the request provably never left; the unit went back to the ledger).
 */
export type AuditOutcomeKind = 'OK' | 'ERROR' | 'NOT_SENT'

export interface AuditOutcomeRecord {
  readonly t: 'outcome'
  /** The call's audit id. */
  readonly id: string
  /** The call's time: the outcome goes with its call (same day partition), whenever it came. */
  readonly callAt: number
  readonly at: number
  readonly outcome: AuditOutcomeKind
  /** The bank's HTTP status, when an answer came. */
  readonly status?: number
  /** A stable error code (`BANK_UNAVAILABLE`, `CONSENT_REQUIRED`, a network code such as `UND_ERR_HEADERS_TIMEOUT`). */
  readonly code?: string
  /** The X-Request-ID the request carried: the bank's logs can be matched to it. */
  readonly requestId?: string
}

export type AuditRecord = AuditCallRecord | AuditOutcomeRecord

/** One line of the export: the call and its outcome together. */
export interface AuditEntry {
  readonly id: string
  /** ISO 8601, UTC. */
  readonly at: string
  /** The bank's calendar day (Europe/Paris), `YYYY-MM-DD`: the day the limit counts in. */
  readonly day: string
  readonly tpp: string
  readonly bank: string
  readonly psu: string
  readonly account: string | null
  readonly method: AisMethod
  readonly reason: AuditReason
  readonly reservation: string
  readonly replayOf?: string
  /** `UNKNOWN`: no outcome was recorded (the gateway stopped while the request was out). */
  readonly outcome: AuditOutcomeKind | 'UNKNOWN'
  readonly status?: number
  readonly code?: string
  readonly requestId?: string
}

/** The half-open range `[from, to)` of call times, epoch ms. */
export interface AuditRange {
  readonly from: number
  readonly to: number
}

/** The store of the trail: an append-only log per Paris day. Embedded (NDJSON files) or Redis (a stream per day). */
export interface AuditLog {
  /** Durable when it resolves (fsync, or the Redis write acknowledged): only then may the request leave. */
  appendCall(record: AuditCallRecord): Promise<void>
  /** Best effort durability: a lost outcome reads as `UNKNOWN`, never as a lost call. */
  appendOutcome(record: AuditOutcomeRecord): Promise<void>
  /** The records of the days that overlap the range, in the order they were appended (calls outside it included). */
  records(range: AuditRange): AsyncIterable<AuditRecord>
  /** Drops every day that ended before `before` (epoch ms); returns how many days were dropped. */
  pruneBefore(before: number): Promise<number>
  close(): Promise<void>
}

/** The trail cannot be written: the unattended call it would record is not made (fail closed, like the ledger). */
export class AuditStoreUnavailableError extends GatewayError {
  readonly code = 'STORE_UNAVAILABLE'
  constructor(cause: unknown) {
    super('the audit trail cannot be written: no unattended bank call is made without it', { cause })
  }
}

/**
 * How a call to the bank is allowed to happen. DESIGN.md invariant 1: the STET client's read methods take a
 * `PsuContext` (the PSU is present: `PSU-IP-Address` is sent, nothing is counted) or a `Reservation` made in the
 * quota ledger before the call (nothing else exists). Types only, so that quota and stet share them without
 * importing each other.
 */

/**
 * The X-Request-IDs of one operation's bank calls: its request id and a sequence number (`<id>.1`, `<id>.2`, …), since
 * the header identifies one request and is at most 70 characters (NOTES §2.7).
 */
export interface RequestIds {
  next(): string
}

/** The PSU is at the keyboard: these become the `PSU-*` headers. Built only from a verified token + the socket. */
export interface PsuContext {
  readonly kind: 'psu'
  /** The operation this call belongs to (absent: the call is sent with a UUID of its own). */
  readonly requestIds?: RequestIds
  readonly ipAddress: string
  readonly ipPort?: number
  readonly httpMethod?: string
  readonly date?: string
  readonly userAgent?: string
  readonly referer?: string
  readonly accept?: string
  readonly acceptCharset?: string
  readonly acceptEncoding?: string
  readonly acceptLanguage?: string
  readonly deviceId?: string
  readonly geoLocation?: string
}

/** What one attempt with a reservation came to, as the STET client saw it (for the audit trail). */
export interface BankAttempt {
  /** The bank's HTTP status; undefined when no answer came. */
  readonly status: number | undefined
  /** Why no (whole) answer came: a network error code. */
  readonly errorCode?: string
  /** The X-Request-ID the request carried. */
  readonly requestId: string
}

/** One unit of the daily unattended budget, durably taken before the request leaves (invariant 3). */
export interface Reservation {
  readonly kind: 'reservation'
  /** The operation this call belongs to (absent: the call is sent with a UUID of its own). */
  readonly requestIds?: RequestIds
  /** `tpp|bank|psu|iban-or-none|method` (invariant 7). */
  readonly quotaKey: string
  /** The ledger's id of this grant, when the ledger names its grants (the audit trail records it). */
  readonly grantId?: string
  /** Called by the STET client after the attempt this unit paid for (the audit trail's outcome). Never throws. */
  recordAttempt?(attempt: BankAttempt): Promise<void>
  /** The request provably never left (connection refused, name not resolved): give the unit back (invariant 4). */
  release(): Promise<void>
  /** The bank answered 429: the key is spent until its window ends (invariant 4). */
  markExhausted(): Promise<void>
  /**
   * A fresh unit on the same key for the one replay after `401 invalid_token` (invariant 2).
   * Resolves `undefined` when the ledger refuses: then there is no replay.
   */
  reserveReplay(): Promise<Reservation | undefined>
}

export type BankAccess = PsuContext | Reservation

import type { PsuContext } from '../stet-api/access.js'

/**
 * Who an operation acts for, after verification (DESIGN step 1). `presence` exists only when a verified token says
 * the PSU is at the keyboard and the address comes from the socket (or trusted proxies): inv. 9.
 */
export interface Caller {
  /** The PSU the caller acts for, as the bank knows it. */
  readonly psuId: string
  /** A frontend session (the PSU may be present) or a partner integration (batch, never present). */
  readonly consumer: 'frontend' | 'partner'
  readonly presence: PsuContext | undefined
  /** Bank codes this caller may read; the default bank when the token names none. */
  readonly banks: readonly string[]
  /** The OAuth client (partner) the token was issued to, from its client claim: whose trusted documents apply. */
  readonly clientId?: string
}

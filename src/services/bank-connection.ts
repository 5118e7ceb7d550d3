/**
 * A bank connection's state, derived from what we hold (tokens, the connection's facts) and what the bank last said
 * (a refused refresh deletes the tokens), never set by hand: DESIGN "A bank connection's life".
 */
import type { ConnectionFacts, ConsentGrant } from '../stores/connection-store.js'
import type { StoredTokens } from '../stet/token-source.js'

export type ConnectionStatus = 'ACTIVE' | 'CONSENT_REQUIRED' | 'REAUTHORIZATION_REQUIRED' | 'DISCONNECTED'

export interface BankConnectionRecord {
  readonly bank: string
  readonly status: ConnectionStatus
  /** The consent the bank last accepted (a 201 to `PUT /consents`), when it grants anything. */
  readonly consent: (ConsentGrant & { readonly grantedAt: number }) | undefined
  /** Epoch ms of the last completed authorisation (SCA). */
  readonly authorizedAt: number | undefined
  /** Epoch ms: 180 days after the last SCA (bank page "Refresh"). */
  readonly refreshTokenExpiresAt: number | undefined
  /** Under {@link EXPIRES_SOON_MS} left: the frontend asks the PSU to authorise again before batch reads break. */
  readonly expiresSoon: boolean
  /** Epoch ms when the tokens were last obtained (code exchange or refresh). */
  readonly lastRefreshedAt: number | undefined
}

/** 14 days: long enough for a PSU to come back, short enough not to nag (the choice). */
export const EXPIRES_SOON_MS = 14 * 24 * 3600_000
/** Bank page "Refresh": the refresh token lives 180 days and needs an SCA under 180 days old. */
export const SCA_LIFETIME_MS = 180 * 24 * 3600_000

/** What we hold of the tokens: a record that would not open (tampered, swapped, old key) is as good as none. */
export type HeldTokens = StoredTokens | 'unreadable' | undefined

export function isEmptyGrant(grant: ConsentGrant): boolean {
  return grant.balances.length + grant.transactions.length + grant.overdrafts.length === 0 && !grant.psuIdentity
}

export function describeConnection(
  bank: string,
  facts: ConnectionFacts | undefined,
  tokens: HeldTokens,
  now: number,
): BankConnectionRecord {
  const usable = tokens !== undefined && tokens !== 'unreadable' ? tokens : undefined
  const refreshTokenExpiresAt =
    usable?.refreshTokenExpiresAt ??
    (facts?.authorizedAt === undefined ? undefined : facts.authorizedAt + SCA_LIFETIME_MS)
  const consent = facts?.consent !== undefined && !isEmptyGrant(facts.consent) ? facts.consent : undefined
  let status: ConnectionStatus
  if (facts?.disconnectedAt !== undefined || (facts === undefined && tokens === undefined)) status = 'DISCONNECTED'
  else if (usable === undefined || usable.refreshTokenExpiresAt <= now) status = 'REAUTHORIZATION_REQUIRED'
  else if (consent === undefined) status = 'CONSENT_REQUIRED'
  else status = 'ACTIVE'
  return {
    bank,
    status,
    consent: status === 'DISCONNECTED' ? undefined : consent,
    authorizedAt: facts?.authorizedAt,
    refreshTokenExpiresAt: status === 'DISCONNECTED' ? undefined : refreshTokenExpiresAt,
    expiresSoon:
      status !== 'DISCONNECTED' && refreshTokenExpiresAt !== undefined && refreshTokenExpiresAt - now < EXPIRES_SOON_MS,
    lastRefreshedAt: status === 'DISCONNECTED' ? undefined : usable?.refreshedAt,
  }
}

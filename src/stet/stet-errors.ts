/**
 * What can go wrong talking to the bank, as typed errors with stable codes (STYLE.md B3). DESIGN.md invariant 10: a message
 * never carries the bank's body, a token, a signature, a PSU id or an account id; it names the AIS method and the status.
 * The original failure (an undici error, a shape check's issue list) goes in `cause`, which never reaches a client.
 */
import { GatewayError } from '../errors.js'

/** The AIS operation a failure belongs to, for messages and metrics (never the path: it holds account ids). */
export type StetOperation =
  | 'accounts'
  | 'balances'
  | 'transactions'
  | 'details'
  | 'overdrafts'
  | 'identity'
  | 'consents'
  | 'token'
  | 'revoke'
  | 'probe'

/** A bank code outside the registry of banks.ts, or a bank with no sandbox while the sandbox is configured. */
export class UnknownBankError extends GatewayError {
  readonly code = 'BAD_USER_INPUT'
  constructor(
    readonly bank: string,
    readonly reason: 'unknown' | 'no-sandbox',
  ) {
    super(reason === 'unknown' ? 'unknown bank code' : 'this bank has no sandbox (only 17515 has one)')
  }
}

/** 404: the account (or transaction) is unknown to the bank, or not granted to us. */
export class BankNotFoundError extends GatewayError {
  readonly code = 'NOT_FOUND'
  constructor(
    readonly operation: StetOperation,
    options?: { cause?: unknown },
  ) {
    super(`the bank has no such resource (${operation})`, options)
  }
}

/** 403 on a resource: no consent for it (identity without psuIdentity) or a token whose scope is not aisp. */
export class ConsentMissingError extends GatewayError {
  readonly code = 'CONSENT_REQUIRED'
  constructor(
    readonly operation: StetOperation,
    options?: { cause?: unknown },
  ) {
    super(`the PSU has not consented to this data (${operation})`, options)
  }
}

/** 400: the request was refused as invalid (a period out of bounds, a bad date). A fixed message: never the bank's. */
export class BankBadRequestError extends GatewayError {
  readonly code = 'BAD_USER_INPUT'
  constructor(
    readonly operation: StetOperation,
    options?: { cause?: unknown },
  ) {
    super(
      operation === 'transactions'
        ? 'the bank refused the request: check the date range (at most 62 days back, ISO 8601 with milliseconds)'
        : `the bank refused the request as invalid (${operation})`,
      options,
    )
  }
}

/**
 * The bank's own daily limit answered (bank page "Limits"): a 429, or a 403 whose `message` is `TMRQ` (Groupe BPCE's
 * code, NOTES §5). Either way the reservation, if any, is marked exhausted; never a consent error, never retried.
 */
export class BankLimitReachedError extends GatewayError {
  readonly code = 'BANK_LIMIT_REACHED'
  constructor(
    readonly operation: StetOperation,
    options?: { cause?: unknown },
  ) {
    super(`the bank's daily call limit is reached (${operation})`, options)
  }
}

/** The PSU must go through the bank's authorization again: the refresh token is refused, absent or past its 180 days. */
export class ReauthorizationRequiredError extends GatewayError {
  readonly code = 'REAUTHORIZATION_REQUIRED'
  constructor(
    readonly reason: 'no-tokens' | 'refresh-expired' | 'invalid-grant' | 'unauthorized-after-refresh' | 'unauthorized',
    options?: { cause?: unknown },
  ) {
    super(`the PSU must authorize access at the bank again (${reason})`, options)
  }
}

/**
 * The bank refused *our* credentials, not the PSU's: a 401 on a resource that is not `invalid_token` (the Signature,
 * the keyId, the QSealC), `invalid_client` at /token (the client id, the QWAC), or a TLS handshake the bank aborted.
 * Sending the PSU through SCA again would not help, so this is never REAUTHORIZATION_REQUIRED: it is a configuration
 * error, and `setting` names what the operator should check.
 */
export class BankCredentialsRejectedError extends GatewayError {
  readonly code = 'BANK_CREDENTIALS_REJECTED'
  constructor(
    readonly operation: StetOperation,
    readonly rejected: 'signature' | 'client-id' | 'certificate',
    readonly setting: string,
    options?: { cause?: unknown },
  ) {
    super(`the bank rejected the gateway's credentials (${rejected}, ${operation}): a configuration error`, options)
  }
}

/**
 * The bank could not be reached or failed (5xx, timeout, reset, refused, unresolved). `neverLeft` is true only when the
 * request provably never reached the bank (ECONNREFUSED, ENOTFOUND/EAI_AGAIN): only then is a reservation given back
 * (DESIGN.md invariant 4).
 */
export class BankUnavailableError extends GatewayError {
  readonly code = 'BANK_UNAVAILABLE'
  constructor(
    readonly operation: StetOperation,
    readonly neverLeft: boolean,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(
      status === undefined
        ? `the bank could not be reached (${operation})`
        : `the bank failed to answer (${operation}, status ${status})`,
      options,
    )
  }
}

/** The bank answered, but not in a shape we understand (bad JSON, a failed schema check, an unexpected status). */
export class UnexpectedBankResponseError extends GatewayError {
  readonly code = 'BANK_UNAVAILABLE'
  constructor(
    readonly operation: StetOperation,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(`the bank's answer could not be understood (${operation}, status ${status})`, options)
  }
}

/** After `401 invalid_token` and a refresh, the quota ledger refused the replay's own reservation (invariant 2). */
export class ReplayRefusedError extends GatewayError {
  readonly code = 'QUOTA_EXHAUSTED'
  constructor(readonly operation: StetOperation) {
    super(`no unattended bank call left to replay the request after a token refresh (${operation})`)
  }
}

/**
 * The bank's `NIMP` (not implemented, NOTES §5): the bank does not serve this here. Not a consent or input problem, and
 * not an outage: asking again will not help, so it has a code of its own.
 */
export class BankNotImplementedError extends GatewayError {
  readonly code = 'BANK_NOT_IMPLEMENTED'
  constructor(
    readonly operation: StetOperation,
    readonly status: number,
  ) {
    super(`the bank does not implement this request (${operation}, status ${status})`)
  }
}

/** 405: we used a method the bank does not serve on that path: a bug on our side. */
export class WrongMethodError extends GatewayError {
  readonly code = 'INTERNAL_SERVER_ERROR'
  constructor(readonly operation: StetOperation) {
    super(`the bank refused the HTTP method (${operation})`)
  }
}

/** RFC 6749 §5.2 and RFC 7009 §2.2.1 error codes: the only part of a /token body a message may repeat. */
const OAUTH_ERROR_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'unsupported_token_type',
])

/** /token or /revoke refused the request for another reason than invalid_grant (client_id, redirect_uri, mTLS). */
export class OAuthRequestRejectedError extends GatewayError {
  readonly code = 'INTERNAL_SERVER_ERROR'
  /** The RFC 6749 error code, only when it is one of the standard ones (anything else is the bank's free text). */
  readonly oauthError: string | undefined
  constructor(
    readonly operation: StetOperation,
    readonly status: number,
    oauthError?: string,
  ) {
    const known = oauthError !== undefined && OAUTH_ERROR_CODES.has(oauthError) ? oauthError : undefined
    super(
      `the bank refused the OAuth request (${operation}, status ${status}${known === undefined ? '' : `, ${known}`})`,
    )
    this.oauthError = known
  }
}

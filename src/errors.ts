/**
 * One base for every error a client may see, with a stable code (STYLE.md B3). Codes are public API: never renamed.
 * Each concern owns its subclasses; the original failure goes in `cause` and never reaches a client.
 */
export type GatewayErrorCode =
  | 'BAD_USER_INPUT'
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONSENT_REQUIRED'
  | 'REAUTHORIZATION_REQUIRED'
  | 'QUOTA_EXHAUSTED'
  | 'BANK_LIMIT_REACHED'
  | 'BANK_UNAVAILABLE'
  | 'BANK_CREDENTIALS_REJECTED'
  | 'BANK_NOT_IMPLEMENTED'
  | 'STORE_UNAVAILABLE'
  | 'CONFIG_INVALID'
  | 'NOT_CACHED'
  | 'DRY_RUN'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'OPERATION_LIMIT_EXCEEDED'
  | 'RESPONSE_TOO_LARGE'
  | 'OPERATION_TIMEOUT'
  | 'INTERNAL_SERVER_ERROR'

export abstract class GatewayError extends Error {
  abstract readonly code: GatewayErrorCode
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

import { GatewayError } from '../errors.js'

/** No unattended call is left and nothing is cached: the caller learns when the next call will be allowed. */
export class QuotaExhaustedError extends GatewayError {
  readonly code = 'QUOTA_EXHAUSTED'
  constructor(readonly nextAllowedAt: number | null) {
    super(
      nextAllowedAt === null
        ? 'no unattended bank call is left for this data and nothing is cached'
        : `no unattended bank call is left for this data and nothing is cached; next call allowed at ${new Date(nextAllowedAt).toISOString()}`,
    )
  }
}

/** A cache-only read found nothing: nothing was spent. */
export class NotCachedError extends GatewayError {
  readonly code = 'NOT_CACHED'
  constructor() {
    super('this data is not in the cache and the operation asked for cache-only reads')
  }
}

export class AccountNotFoundError extends GatewayError {
  readonly code = 'NOT_FOUND'
  constructor() {
    super('no such account for this PSU')
  }
}

export class ConsentRequiredError extends GatewayError {
  readonly code = 'CONSENT_REQUIRED'
  constructor(what: string) {
    super(`the PSU has not consented to ${what} for this account`)
  }
}

export class BadInputError extends GatewayError {
  readonly code = 'BAD_USER_INPUT'
}

/** A caller's value in a message, cut short: an error never echoes a long input back whole. */
export function quoted(value: string, max = 40): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value)
}

/**
 * The operation ran past LIMIT_OPERATION_TIMEOUT_MS: its answer is gone, and no bank call starts for it any more
 * (the reads already in flight finish and fill the cache).
 */
export class OperationTimeoutError extends GatewayError {
  readonly code = 'OPERATION_TIMEOUT'
  constructor(readonly timeoutMs: number) {
    super(`the operation took longer than ${timeoutMs} ms and was abandoned`)
  }
}

export class BankNotLinkedError extends GatewayError {
  readonly code = 'REAUTHORIZATION_REQUIRED'
  constructor(bank: string) {
    super(`this PSU has no connection to bank ${bank}: link it first`)
  }
}

/** The bank refused this data under the consent in force; answered from memory, no call made (DESIGN inv. 11). */
export class RememberedRefusalError extends GatewayError {
  readonly code = 'CONSENT_REQUIRED'
  constructor() {
    super('the bank refused this data under the consent in force (remembered until the consent changes: no call made)')
  }
}

import { GatewayError } from '../errors.js'

/** A bearer token missing, malformed, unverifiable or refused: HTTP 401, `UNAUTHENTICATED`, never more detail. */
export class UnauthenticatedError extends GatewayError {
  readonly code = 'UNAUTHENTICATED'
}

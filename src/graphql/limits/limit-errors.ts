import { HeaderMap } from '@apollo/server'
import { GraphQLError } from 'graphql'
import { GatewayError } from '../../errors.js'

/** Which bound an operation went over; `extensions.limit` in the response, and the `LIMIT_*` setting that sets it. */
export type OperationLimitName =
  'tokens' | 'depth' | 'aliases' | 'directives' | 'fragmentNesting' | 'selections' | 'cost' | 'stringLength'

/** The operation is refused before any resolver runs: nothing was read, nothing was spent. */
export class OperationLimitError extends GatewayError {
  readonly code = 'OPERATION_LIMIT_EXCEEDED'
  constructor(
    readonly limit: OperationLimitName,
    readonly max: number,
    detail: string,
  ) {
    super(`the operation exceeds the ${limit} limit of ${max}: ${detail}`)
  }
}

/** The answer would be larger than LIMIT_RESPONSE_BYTES; it is dropped whole rather than cut. */
export class ResponseTooLargeError extends GatewayError {
  readonly code = 'RESPONSE_TOO_LARGE'
  constructor(readonly maxBytes: number) {
    super(`the response would exceed ${maxBytes} bytes: ask for fewer fields, accounts or transactions per operation`)
  }
}

/**
 * A GatewayError thrown where Apollo expects a GraphQLError (validation rules, request hooks): the HTTP status travels
 * in `extensions.http`, and format-error.ts finds the GatewayError again through `originalError`.
 */
export function asRequestError(error: GatewayError, status = 400): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, http: { status, headers: new HeaderMap() } },
  })
}

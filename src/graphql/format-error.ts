/**
 * The one place an error becomes a response (STYLE.md B3): a GatewayError keeps its stable code and its own
 * message; GraphQL's own validation errors pass as they are; anything else is masked as INTERNAL_SERVER_ERROR.
 * Bank bodies, tokens and stack traces never reach a client (DESIGN inv. 10).
 */
import { unwrapResolverError } from '@apollo/server/errors'
import { GraphQLError, type GraphQLFormattedError } from 'graphql'
import { GatewayError } from '../errors.js'
import type { Logger } from '../observability/logger.js'
import { QuotaExhaustedError } from '../services/read-errors.js'
import { OperationLimitError, ResponseTooLargeError } from './limits/limit-errors.js'

const GRAPHQL_OWN_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  // Trusted documents (auth/trusted-documents.ts): a partner's unregistered operation.
  'OPERATION_NOT_ALLOWED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
])

/** graphql-js's message when a document passes `maxTokens` ("more that" in graphql 16, "more than" later). */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[tn] (\d+) tokens/

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = gatewayErrorIn(error) ?? unwrapResolverError(error)
  const base = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  }
  if (original instanceof GatewayError) {
    const extensions: Record<string, unknown> = { code: original.code }
    if (original instanceof QuotaExhaustedError && original.nextAllowedAt !== null) {
      extensions.nextAllowedAt = new Date(original.nextAllowedAt).toISOString()
    }
    if (original instanceof OperationLimitError) Object.assign(extensions, { limit: original.limit, max: original.max })
    if (original instanceof ResponseTooLargeError) extensions.maxBytes = original.maxBytes
    return { ...base, message: original.message, extensions }
  }
  const code = formatted.extensions?.code
  const tokens = TOO_MANY_TOKENS.exec(formatted.message)?.[1]
  if (code === 'GRAPHQL_PARSE_FAILED' && tokens !== undefined) {
    const max = Number(tokens)
    return {
      ...base,
      message: `the operation exceeds the tokens limit of ${max}`,
      extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'tokens', max },
    }
  }
  // Parse, validation and variable-coercion errors come from graphql-js / Apollo themselves and are safe to show.
  if (original instanceof GraphQLError && typeof code === 'string' && GRAPHQL_OWN_CODES.has(code)) {
    return { ...base, message: formatted.message, extensions: { code } }
  }
  // Apollo's own refusals of a request (an APQ hash that does not match its query) carry a 4xx and no code.
  if (original instanceof GraphQLError && original.originalError == null && isClientStatus(original)) {
    return { ...base, message: formatted.message, extensions: { code: 'BAD_REQUEST' } }
  }
  return { ...base, message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }
}

/**
 * formatError, and every error it masks as INTERNAL_SERVER_ERROR is logged (through the redacting logger): a masked
 * error nobody hears of is a bug nobody fixes.
 */
export function createFormatError(logger: Logger): typeof formatError {
  return (formatted, error) => {
    const out = formatError(formatted, error)
    if (out.extensions?.code === 'INTERNAL_SERVER_ERROR') {
      const original = unwrapResolverError(error)
      logger.error(
        {
          err:
            original instanceof Error
              ? { name: original.name, message: original.message, stack: original.stack }
              : String(original),
          path: formatted.path,
        },
        'masked an unexpected error',
      )
    }
    return out
  }
}

/** A GatewayError wrapped by Apollo (a validation error around a limit refusal) or thrown as is. */
function gatewayErrorIn(error: unknown): GatewayError | undefined {
  let current: unknown = error
  for (let hops = 0; hops < 4 && current instanceof Error; hops++) {
    if (current instanceof GatewayError) return current
    current = current instanceof GraphQLError ? current.originalError : undefined
  }
  return undefined
}

function isClientStatus(error: GraphQLError): boolean {
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status
  return typeof status === 'number' && status >= 400 && status < 500
}

/**
 * The one place an error becomes a response (STYLE.md B3): a GatewayError keeps its stable code and its own
 * message; GraphQL's own validation errors pass as they are; anything else is masked as INTERNAL_SERVER_ERROR.
 * Bank bodies, tokens and stack traces never reach a client (DESIGN inv. 10).
 */
import { unwrapResolverError } from '@apollo/server/errors'
import { GraphQLError, type GraphQLFormattedError } from 'graphql'
import { GatewayError } from '../errors.js'
import { QuotaExhaustedError } from '../services/read-errors.js'

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

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error)
  const base = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  }
  if (original instanceof GatewayError) {
    const extensions: Record<string, unknown> = { code: original.code }
    if (original instanceof QuotaExhaustedError && original.nextAllowedAt !== null) {
      extensions.nextAllowedAt = new Date(original.nextAllowedAt).toISOString()
    }
    return { ...base, message: original.message, extensions }
  }
  const code = formatted.extensions?.code
  // Parse, validation and variable-coercion errors come from graphql-js / Apollo themselves and are safe to show.
  if (original instanceof GraphQLError && typeof code === 'string' && GRAPHQL_OWN_CODES.has(code)) {
    return { ...base, message: formatted.message, extensions: { code } }
  }
  return { ...base, message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }
}

/**
 * CORS with an allow-list (CORS_ORIGINS; none by default, so no browser page of another origin can read an answer).
 * Callers authenticate with a bearer header, never a cookie: `Access-Control-Allow-Credentials` is never sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

const ALLOWED_HEADERS =
  'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, graphql-preflight'
const PREFLIGHT_MAX_AGE_SECONDS = 600

/**
 * Sets the CORS headers of an allowed origin. A preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered
 * here: 204 for an allowed origin, 403 otherwise; returns true when the request was answered.
 */
export function handleCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin
  const allowed = origin !== undefined && origins.includes(origin)
  // Caches must not give one origin's answer (with its Allow-Origin) to another.
  if (origins.length > 0) res.setHeader('vary', 'Origin')
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('access-control-expose-headers', 'content-type')
  }
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false
  if (!allowed) {
    res.statusCode = 403
    res.end()
    return true
  }
  res.statusCode = 204
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS')
  res.setHeader('access-control-allow-headers', ALLOWED_HEADERS)
  res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
  res.end()
  return true
}

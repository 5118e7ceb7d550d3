/**
 * Cross-site request forgery, and why GET needs no preflight header here. A forged request is one a browser sends
 * from another site with the victim's ambient credentials: cookies (or cached Basic credentials). This gateway takes
 * only `Authorization: Bearer`, which a page of another origin cannot attach to a simple request (a form, an <img>,
 * a `fetch` without preflight). So Apollo's blanket rule (every GET and every form-like POST must carry a preflight
 * header), which refused urql's default GETs, is applied only where an ambient credential rides along: a request
 * carrying a Cookie header must be preflighted, as Apollo's `preventCsrf` would require.
 */
import type { IncomingMessage } from 'node:http'

const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight']
/** The content types a browser sends cross-site without a preflight (Fetch spec, "CORS-safelisted"). */
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']

export function isCsrfSuspect(req: IncomingMessage): boolean {
  if (req.headers.cookie === undefined) return false
  if (PREFLIGHT_HEADERS.some((h) => (req.headers[h] ?? '') !== '')) return false
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return type === '' || SIMPLE_TYPES.includes(type)
}

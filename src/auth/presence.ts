/**
 * The PSU context of a present PSU, taken from the connection itself (DESIGN inv. 9): the socket's address, or the
 * `X-Forwarded-For` hop just before the first trusted proxy when the socket is a configured proxy. Never from a
 * client-chosen header otherwise, never from a GraphQL argument.
 */
import type { IncomingMessage } from 'node:http'
import type { PsuContext } from '../stet-api/access.js'

export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[]): string {
  let address = normalise(req.socket.remoteAddress ?? '')
  if (!trustedProxies.includes(address)) return address
  const hops = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((h) => normalise(h.trim()))
    .filter(Boolean)
  // Walk from the nearest hop back while the hops are our own proxies.
  while (hops.length > 0 && trustedProxies.includes(address)) address = hops.pop() ?? address
  return address
}

export function presenceFromRequest(req: IncomingMessage, trustedProxies: readonly string[], now: number): PsuContext {
  const header = (name: string): string | undefined => {
    const v = req.headers[name]
    return Array.isArray(v) ? v.join(', ') : v
  }
  const viaProxy = trustedProxies.includes(normalise(req.socket.remoteAddress ?? ''))
  return {
    kind: 'psu',
    ipAddress: clientAddress(req, trustedProxies),
    ...(viaProxy || req.socket.remotePort === undefined ? {} : { ipPort: req.socket.remotePort }),
    httpMethod: req.method ?? 'POST',
    date: new Date(now).toISOString(),
    ...optional('userAgent', header('user-agent')),
    ...optional('referer', header('referer')),
    ...optional('accept', header('accept')),
    ...optional('acceptCharset', header('accept-charset')),
    ...optional('acceptEncoding', header('accept-encoding')),
    ...optional('acceptLanguage', header('accept-language')),
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>)
}

function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address
}

/**
 * The PSU context of a present PSU, taken from the connection itself (DESIGN inv. 9): the socket's address, or the
 * `X-Forwarded-For` hop just before the first trusted proxy when the socket is a configured proxy. Never from a
 * client-chosen header otherwise, never from a GraphQL argument.
 */
import type { IncomingMessage } from 'node:http'
import type { PsuContext } from '../stet-api/access.js'

/**
 * The PSU's address, or undefined when it cannot be known: the socket is a trusted proxy and no hop before it is
 * outside our proxies (never send a proxy's address as the PSU's).
 */
export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[]): string | undefined {
  const socketAddress = normalise(req.socket.remoteAddress ?? '')
  if (socketAddress === '') return undefined
  if (!trustedProxies.includes(socketAddress)) return socketAddress
  const hops = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((h) => normalise(h.trim()))
    .filter(Boolean)
  // Walk from the nearest hop back; the first address that is not one of our proxies is the client.
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]
    if (hop !== undefined && !trustedProxies.includes(hop)) return hop
  }
  return undefined
}

/** Undefined when the PSU's address cannot be established: the caller is then treated as not present. */
export function presenceFromRequest(
  req: IncomingMessage,
  trustedProxies: readonly string[],
  now: number,
): PsuContext | undefined {
  const ipAddress = clientAddress(req, trustedProxies)
  if (ipAddress === undefined) return undefined
  const header = (name: string): string | undefined => {
    const v = req.headers[name]
    return Array.isArray(v) ? v.join(', ') : v
  }
  const viaProxy = trustedProxies.includes(normalise(req.socket.remoteAddress ?? ''))
  return {
    kind: 'psu',
    ipAddress,
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

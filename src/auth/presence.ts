/**
 * The PSU context of a present PSU, taken from the connection itself (DESIGN inv. 9): the socket's address, or the
 * `X-Forwarded-For` hop just before our trusted proxies (`trusted-proxies.ts`). Never from a client-chosen
 * `PSU-*` header, never from a GraphQL argument. Built only for a caller whose verified token says it is present.
 */
import type { IncomingMessage } from 'node:http'
import type { PsuContext } from '../stet-api/access.js'
import { clientAddress, viaTrustedProxy, type TrustedProxies } from './trusted-proxies.js'

/**
 * The longest value forwarded in a `PSU-*` header. The bank refuses oversized headers, and a user agent or accept
 * list longer than this says nothing more about the PSU; longer values are cut, not dropped.
 */
export const PSU_HEADER_MAX_LENGTH = 256

/** Undefined when the PSU's address cannot be established: the caller is then treated as not present. */
export function presenceFromRequest(
  req: IncomingMessage,
  proxies: TrustedProxies,
  now: number,
): PsuContext | undefined {
  const ipAddress = clientAddress(req, proxies)
  if (ipAddress === undefined) return undefined
  const header = (name: string): string | undefined => {
    const v = req.headers[name]
    const value = Array.isArray(v) ? v.join(', ') : v
    return value?.slice(0, PSU_HEADER_MAX_LENGTH)
  }
  return {
    kind: 'psu',
    ipAddress,
    ...(viaTrustedProxy(req, proxies) || req.socket.remotePort === undefined ? {} : { ipPort: req.socket.remotePort }),
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

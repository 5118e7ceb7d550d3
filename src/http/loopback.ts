import type { IncomingMessage } from 'node:http'

/**
 * Whether the request comes from this machine itself, and not through a proxy: a socket from 127.0.0.0/8 or ::1,
 * with no forwarding header (a reverse proxy on the same host would make every visitor look local).
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false
  const address = req.socket.remoteAddress ?? ''
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

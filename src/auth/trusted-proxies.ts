/**
 * `TRUSTED_PROXIES` as a `node:net` BlockList (CIDRs, IPv4 and IPv6), and the one reading of `X-Forwarded-For` the
 * gateway does: right to left, skipping our own proxies, the first other hop is the client. Hops to its left were
 * written by whoever the client is, so they are never read.
 */
import type { IncomingMessage } from 'node:http'
import { BlockList, isIP } from 'node:net'

export interface TrustedProxies {
  has(address: string): boolean
}

/** `cidrs` as `parseTrustedProxies` returns them (`10.0.0.0/8`, `::1/128`). */
export function createTrustedProxies(cidrs: readonly string[]): TrustedProxies {
  const list = new BlockList()
  for (const cidr of cidrs) {
    const [address = '', prefix = ''] = cidr.split('/')
    list.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4')
  }
  return {
    has: (address) => {
      const family = isIP(address)
      return family !== 0 && cidrs.length > 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4')
    },
  }
}

/** `::ffff:203.0.113.9` (an IPv4 client on a dual-stack socket) is 203.0.113.9. */
export function normaliseAddress(address: string): string {
  const a = address.trim()
  return a.toLowerCase().startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a
}

/**
 * The PSU's address, or undefined when it cannot be known: the socket is a trusted proxy and no hop before it is
 * outside our proxies, or the hop that would be the client is not an IP address (never send a proxy's address, or
 * a client-chosen string, as the PSU's).
 */
export function clientAddress(req: IncomingMessage, proxies: TrustedProxies): string | undefined {
  const socketAddress = normaliseAddress(req.socket.remoteAddress ?? '')
  if (isIP(socketAddress) === 0) return undefined
  if (!proxies.has(socketAddress)) return socketAddress
  const hops = String(req.headers['x-forwarded-for'] ?? '').split(',')
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i] ?? '')
    if (hop === '') continue
    if (isIP(hop) === 0) return undefined
    if (!proxies.has(hop)) return hop
  }
  return undefined
}

/** Whether the request came through one of our proxies (then the socket's port is the proxy's, not the PSU's). */
export function viaTrustedProxy(req: IncomingMessage, proxies: TrustedProxies): boolean {
  return proxies.has(normaliseAddress(req.socket.remoteAddress ?? ''))
}

/**
 * Which URLs the gateway may POST to (issue 17). A webhook URL is the partner's to choose, so without a check it is a
 * way to make the gateway call into its own network (SSRF): the cloud metadata address, a Redis on loopback, an
 * admin page on 10/8. Outside sandbox mode only https to a public unicast address is allowed.
 *
 * Checked twice: at registration (a clear BAD_USER_INPUT), and at each delivery, inside the socket's own name lookup
 * (`lookup`, given to undici's connector), so the address the gateway connects to is the address that was checked: a
 * name that resolved to a public address at registration and to 127.0.0.1 later (DNS rebinding) is refused then.
 * Ranges come from ipaddr.js (IANA special-purpose registries): anything but `unicast` is refused, IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import ipaddr from 'ipaddr.js'
import { GatewayError } from '../errors.js'

export interface WebhookUrlPolicy {
  /** Sandbox mode: http and private, loopback and link-local addresses are allowed (a receiver on the laptop). */
  readonly allowInsecure: boolean
}

export class WebhookUrlRefusedError extends GatewayError {
  readonly code = 'BAD_USER_INPUT'
}

/** Resolves every address of a name (`dns.lookup` with `all`, as a socket would); injectable for tests. */
export type Resolve = (hostname: string) => Promise<readonly LookupAddress[]>

export const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error === null ? resolve(addresses) : reject(error),
    ),
  )

const MAX_URL_LENGTH = 2000

/** The URL's form and, for a literal address, its range: no DNS. Throws WebhookUrlRefusedError. */
export function checkUrlForm(raw: string, policy: WebhookUrlPolicy): URL {
  if (raw.length > MAX_URL_LENGTH) throw new WebhookUrlRefusedError(`url must be at most ${MAX_URL_LENGTH} characters`)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new WebhookUrlRefusedError('url must be an absolute http(s) URL')
  }
  const allowed = policy.allowInsecure ? ['https:', 'http:'] : ['https:']
  if (!allowed.includes(url.protocol)) {
    throw new WebhookUrlRefusedError(policy.allowInsecure ? 'url must be http or https' : 'url must be https')
  }
  if (url.username !== '' || url.password !== '') throw new WebhookUrlRefusedError('url must not carry credentials')
  if (url.hash !== '') throw new WebhookUrlRefusedError('url must not have a fragment')
  const literal = literalAddress(url.hostname)
  if (literal !== undefined) checkAddress(literal, policy)
  return url
}

/** The form, then every address the name resolves to. Throws WebhookUrlRefusedError. */
export async function checkUrl(raw: string, policy: WebhookUrlPolicy, resolve: Resolve = systemResolve): Promise<URL> {
  const url = checkUrlForm(raw, policy)
  if (literalAddress(url.hostname) !== undefined || policy.allowInsecure) return url
  let addresses: readonly LookupAddress[]
  try {
    addresses = await resolve(url.hostname)
  } catch {
    throw new WebhookUrlRefusedError('url names a host that does not resolve')
  }
  if (addresses.length === 0) throw new WebhookUrlRefusedError('url names a host that does not resolve')
  for (const a of addresses) checkAddress(a.address, policy)
  return url
}

/**
 * A `lookup` for net/tls `connect` (undici passes its connector options through): resolves, refuses the whole name
 * when any address is not allowed, and hands the socket only checked addresses.
 */
export function checkedLookup(policy: WebhookUrlPolicy, resolve: Resolve = systemResolve) {
  return (
    hostname: string,
    options: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    resolve(hostname).then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw new WebhookUrlRefusedError('the webhook host does not resolve')
          for (const a of addresses) checkAddress(a.address, policy)
        } catch (error) {
          callback(error as Error, '', 0)
          return
        }
        const first = addresses[0]
        if (options.all === true) callback(null, [...addresses])
        else if (first !== undefined) callback(null, first.address, first.family)
      },
      (error: Error) => callback(error, '', 0),
    )
  }
}

function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
  return ipaddr.isValid(bare) ? bare : undefined
}

function checkAddress(address: string, policy: WebhookUrlPolicy): void {
  if (policy.allowInsecure) return
  let parsed = ipaddr.parse(address)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  }
  const range = parsed.range()
  if (range !== 'unicast') {
    throw new WebhookUrlRefusedError(`url points at a ${range} address, which webhooks may not reach`)
  }
}

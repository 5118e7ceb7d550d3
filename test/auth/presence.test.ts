/** DESIGN inv. 9: presence comes only from a verified present token plus the socket (or trusted proxies). */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  devTokenProfile,
  issueDevToken,
  loadOrCreateDevSigningKey,
  type DevSigningKey,
} from '../../src/auth/dev-token.js'
import { PSU_HEADER_MAX_LENGTH } from '../../src/auth/presence.js'
import { clientAddress, createTrustedProxies } from '../../src/auth/trusted-proxies.js'
import { createCallerVerifier, type CallerVerifier } from '../../src/auth/verify-caller.js'
import { parseTrustedProxies } from '../../src/config/auth-config.js'
import { bearer, fakeRequest } from './fake-request.js'

const clock = () => Date.parse('2026-11-24T12:00:00Z')
let dataDir: string
let key: DevSigningKey
let verify: CallerVerifier

function proxies(raw: string) {
  const problems: string[] = []
  const cidrs = parseTrustedProxies(raw, problems)
  expect(problems).toEqual([])
  return createTrustedProxies(cidrs)
}

const token = (present: boolean) =>
  issueDevToken(key, { psuId: '9999999901', present, banks: [] }, { clock, ttlSeconds: 60 })

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'stetgw-presence-'))
  key = await loadOrCreateDevSigningKey(dataDir)
  verify = createCallerVerifier({
    development: devTokenProfile(key),
    identityProvider: undefined,
    trustedProxies: proxies('10.0.0.0/8, fd00::/8'),
    defaultBank: '17515',
    clock,
    clockToleranceSeconds: 0,
    maxTokenAgeSeconds: undefined,
  })
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('presence', () => {
  it('a partner token is never present, whatever headers it sends', async () => {
    const caller = await verify(
      fakeRequest('203.0.113.9', {
        ...bearer(await token(false)),
        'psu-ip-address': '1.2.3.4',
        'x-forwarded-for': '1.2.3.4',
      }),
    )
    expect(caller).toMatchObject({ consumer: 'partner', presence: undefined })
  })

  it('a present token takes the socket address and port, never a client header', async () => {
    const caller = await verify(
      fakeRequest('::ffff:203.0.113.9', {
        ...bearer(await token(true)),
        'x-forwarded-for': '1.2.3.4',
        'psu-ip-address': '1.2.3.4',
        'user-agent': 'UA/1',
      }),
    )
    expect(caller.presence).toMatchObject({ kind: 'psu', ipAddress: '203.0.113.9', ipPort: 51234, userAgent: 'UA/1' })
  })

  it('forwarded PSU-* values are cut to a bounded length', async () => {
    const long = 'x'.repeat(10_000)
    const caller = await verify(
      fakeRequest('203.0.113.9', {
        ...bearer(await token(true)),
        'user-agent': long,
        accept: long,
        'accept-language': long,
        'accept-encoding': long,
        'accept-charset': long,
        referer: long,
      }),
    )
    const p = caller.presence
    for (const value of [p?.userAgent, p?.accept, p?.acceptLanguage, p?.acceptEncoding, p?.acceptCharset, p?.referer]) {
      expect(value).toHaveLength(PSU_HEADER_MAX_LENGTH)
    }
  })

  it('X-Forwarded-For is read right to left, only through trusted proxies given as CIDRs (IPv4 and IPv6)', () => {
    const trusted = proxies('10.0.0.0/8, 192.168.1.1, fd00::/8')
    const at = (peer: string, xff: string) => clientAddress(fakeRequest(peer, { 'x-forwarded-for': xff }), trusted)
    // The client's own claim (6.6.6.6, leftmost) is never read: the hop our proxy saw is.
    expect(at('10.1.2.3', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7')
    expect(at('10.1.2.3', '6.6.6.6, 198.51.100.7, 10.9.9.9, 192.168.1.1')).toBe('198.51.100.7')
    expect(at('fd00::1', '2001:db8::42')).toBe('2001:db8::42')
    expect(at('::ffff:10.0.0.5', '::ffff:198.51.100.8')).toBe('198.51.100.8')
    // An untrusted peer's header is not read at all.
    expect(at('11.0.0.6', '198.51.100.7')).toBe('11.0.0.6')
    expect(at('192.168.1.2', '198.51.100.7')).toBe('192.168.1.2')
    expect(at('2001:db8::9', '198.51.100.7')).toBe('2001:db8::9')
    // A hop that is not an address: the client cannot be known.
    expect(at('10.1.2.3', '198.51.100.7, not-an-ip')).toBeUndefined()
    expect(at('10.1.2.3', '')).toBeUndefined()
    expect(at('10.1.2.3', '10.0.0.1, 10.0.0.2')).toBeUndefined()
  })

  it('behind a trusted proxy with no client hop, a present caller is not present (never the proxy as the PSU)', async () => {
    const caller = await verify(fakeRequest('10.0.0.5', bearer(await token(true))))
    expect(caller).toMatchObject({ consumer: 'frontend', presence: undefined })
    const via = await verify(
      fakeRequest('10.0.0.5', { ...bearer(await token(true)), 'x-forwarded-for': '198.51.100.7' }),
    )
    // Through a proxy, the socket's port is the proxy's: none is sent.
    expect(via.presence).toMatchObject({ ipAddress: '198.51.100.7' })
    expect(via.presence?.ipPort).toBeUndefined()
  })

  it('TRUSTED_PROXIES refuses what is not an address or a CIDR', () => {
    const problems: string[] = []
    parseTrustedProxies('10.0.0.0/33, proxy.local, ::1/129, 10.0.0.1/8/1, 10.0.0.0/x', problems)
    expect(problems).toHaveLength(5)
    expect(parseTrustedProxies(' 127.0.0.1 , ::1 , 10.0.0.0/8', [])).toEqual(['127.0.0.1/32', '::1/128', '10.0.0.0/8'])
  })
})

/** DESIGN inv. 9: presence comes only from a verified present token plus the socket (or trusted proxies). */
import { Socket } from 'node:net'
import { IncomingMessage } from 'node:http'
import { describe, expect, it } from '@jest/globals'
import { issueDevToken } from '../../src/auth/dev-token.js'
import { clientAddress } from '../../src/auth/presence.js'
import { verifyCaller } from '../../src/auth/verify-caller.js'

function fakeRequest(remoteAddress: string, headers: Record<string, string>): IncomingMessage {
  const socket = new Socket()
  Object.defineProperty(socket, 'remoteAddress', { value: remoteAddress })
  Object.defineProperty(socket, 'remotePort', { value: 51234 })
  const req = new IncomingMessage(socket)
  req.headers = headers
  req.method = 'POST'
  return req
}

const secret = new Uint8Array(32).fill(7)
const clock = () => Date.parse('2026-11-24T12:00:00Z')
const options = { devTokens: true, devSecret: secret, trustedProxies: ['10.0.0.5'], defaultBank: '17515', clock }

describe('presence', () => {
  it('a partner token is never present, whatever headers it sends', async () => {
    const token = await issueDevToken(
      secret,
      { psuId: '9999999901', present: false, banks: [] },
      { clock, ttlSeconds: 60 },
    )
    const caller = await verifyCaller(
      fakeRequest('203.0.113.9', {
        authorization: `Bearer ${token}`,
        'psu-ip-address': '1.2.3.4',
        'x-forwarded-for': '1.2.3.4',
      }),
      options,
    )
    expect(caller).toMatchObject({ consumer: 'partner', presence: undefined })
  })

  it('a present token takes the socket address, never a client header', async () => {
    const token = await issueDevToken(
      secret,
      { psuId: '9999999901', present: true, banks: [] },
      { clock, ttlSeconds: 60 },
    )
    const caller = await verifyCaller(
      fakeRequest('::ffff:203.0.113.9', {
        authorization: `Bearer ${token}`,
        'x-forwarded-for': '1.2.3.4',
        'user-agent': 'UA/1',
      }),
      options,
    )
    expect(caller.presence).toMatchObject({ kind: 'psu', ipAddress: '203.0.113.9', ipPort: 51234, userAgent: 'UA/1' })
  })

  it('X-Forwarded-For is read only through configured trusted proxies', () => {
    expect(clientAddress(fakeRequest('10.0.0.5', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' }), ['10.0.0.5'])).toBe(
      '198.51.100.7',
    )
    expect(clientAddress(fakeRequest('10.0.0.6', { 'x-forwarded-for': '198.51.100.7' }), ['10.0.0.5'])).toBe('10.0.0.6')
  })

  it('behind a trusted proxy with no client hop, the caller is not present (never the proxy as the PSU)', async () => {
    const token = await issueDevToken(
      secret,
      { psuId: '9999999901', present: true, banks: [] },
      { clock, ttlSeconds: 60 },
    )
    const caller = await verifyCaller(fakeRequest('10.0.0.5', { authorization: `Bearer ${token}` }), options)
    expect(caller.presence).toBeUndefined()
    expect(clientAddress(fakeRequest('10.0.0.5', { 'x-forwarded-for': '10.0.0.5' }), ['10.0.0.5'])).toBeUndefined()
  })

  it('outside sandbox mode no development token is accepted, present or not', async () => {
    const token = await issueDevToken(
      secret,
      { psuId: '9999999901', present: true, banks: [] },
      { clock, ttlSeconds: 60 },
    )
    await expect(
      verifyCaller(fakeRequest('203.0.113.9', { authorization: `Bearer ${token}` }), { ...options, devTokens: false }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
  })

  it('an expired or tampered token is UNAUTHENTICATED', async () => {
    const token = await issueDevToken(
      secret,
      { psuId: '9999999901', present: true, banks: [] },
      { clock: () => clock() - 3600_000, ttlSeconds: 60 },
    )
    await expect(
      verifyCaller(fakeRequest('127.0.0.1', { authorization: `Bearer ${token}` }), options),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    await expect(verifyCaller(fakeRequest('127.0.0.1', {}), options)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
  })
})

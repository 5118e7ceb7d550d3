import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { ReauthorizationRequiredError } from '../../src/stet/stet-errors.js'
import { createHarness, REF, tokenReply } from './client-harness.js'
import type { Harness } from './client-harness.js'
import { startFakeBank } from './fake-bank.js'
import type { FakeBank } from './fake-bank.js'

let bank: FakeBank
let harness: Harness

beforeAll(async () => {
  bank = await startFakeBank(() => tokenReply('access-2', 'refresh-2'))
})

afterAll(async () => {
  await bank.close()
})

afterEach(async () => {
  await harness.close()
  bank.requests.length = 0
})

describe('TokenSource', () => {
  it('returns the stored token while fresh for more than 60 s, refreshes inside the margin', async () => {
    harness = createHarness(bank.url)
    await harness.seed({ accessTokenExpiresAt: harness.clock.now + 61_000 })
    expect(await harness.tokens.getAccessToken(REF)).toBe('access-1')
    expect(bank.requests).toHaveLength(0)
    harness.clock.now += 2_000
    expect(await harness.tokens.getAccessToken(REF)).toBe('access-2')
    expect(bank.tokenRequests()).toHaveLength(1)
    const form = new URLSearchParams(bank.tokenRequests()[0]?.body)
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-1',
      client_id: 'PSDFR-ACPR-TEST',
    })
    expect(bank.tokenRequests()[0]?.headers.signature).toBeUndefined()
    const stored = await harness.store.get(REF)
    expect(stored?.accessTokenExpiresAt).toBe(harness.clock.now + 3_600_000)
  })

  it('keeps the old refresh token and the code exchange horizon when the response has none (NOTES §4)', async () => {
    bank.setHandler(() => tokenReply('access-3'))
    harness = createHarness(bank.url)
    const horizon = harness.clock.now + 1_000_000
    await harness.seed({ accessTokenExpiresAt: harness.clock.now - 1, refreshTokenExpiresAt: horizon })
    expect(await harness.tokens.getAccessToken(REF)).toBe('access-3')
    const stored = await harness.store.get(REF)
    expect(stored?.refreshToken).toBe('refresh-1')
    expect(stored?.refreshTokenExpiresAt).toBe(horizon)
    expect(stored?.scope).toBe('aisp offline_access')
  })

  it('another replica rotated the refresh token first: its tokens are used, the PSU is not asked again', async () => {
    harness = createHarness(bank.url)
    await harness.seed({ accessTokenExpiresAt: harness.clock.now - 1 })
    const winner = {
      accessToken: 'access-from-replica-b',
      accessTokenExpiresAt: harness.clock.now + 3_600_000,
      refreshToken: 'refresh-from-replica-b',
      refreshTokenExpiresAt: harness.clock.now + 1_000_000,
    }
    bank.setHandler(() => {
      // Replica B refreshed with refresh-1 a moment before us: the bank rotated it, so ours is refused.
      void harness.store.set(REF, winner)
      return { status: 400, body: { error: 'invalid_grant' } }
    })
    expect(await harness.tokens.getAccessToken(REF)).toBe('access-from-replica-b')
    expect(await harness.store.get(REF)).toEqual(winner)
  })

  it('refreshAfterInvalidToken: no /token call when another caller already replaced the rejected token', async () => {
    bank.setHandler(() => tokenReply('access-2', 'refresh-2'))
    harness = createHarness(bank.url)
    await harness.seed({ accessToken: 'access-new' })
    expect(await harness.tokens.refreshAfterInvalidToken(REF, 'access-old')).toBe('access-new')
    expect(bank.requests).toHaveLength(0)
    expect(await harness.tokens.refreshAfterInvalidToken(REF, 'access-new')).toBe('access-2')
    expect(bank.tokenRequests()).toHaveLength(1)
  })

  it('concurrent refreshAfterInvalidToken calls for one connection make one /token call', async () => {
    harness = createHarness(bank.url)
    await harness.seed()
    const tokens = await Promise.all(
      Array.from({ length: 5 }, () => harness.tokens.refreshAfterInvalidToken(REF, 'access-1')),
    )
    expect(new Set(tokens)).toEqual(new Set(['access-2']))
    expect(bank.tokenRequests()).toHaveLength(1)
  })

  it('a refresh token past its 180 days → ReauthorizationRequiredError without a /token call', async () => {
    harness = createHarness(bank.url)
    await harness.seed({ accessTokenExpiresAt: harness.clock.now - 1, refreshTokenExpiresAt: harness.clock.now })
    await expect(harness.tokens.getAccessToken(REF)).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    expect(bank.requests).toHaveLength(0)
  })

  it('storeExchangedTokens starts the 180-day horizon at the exchange', async () => {
    harness = createHarness(bank.url)
    const stored = await harness.tokens.storeExchangedTokens(REF, {
      access_token: 'a',
      token_type: 'Bearer',
      expires_in: 600,
      refresh_token: 'r',
      scope: 'aisp',
    })
    expect(stored.accessTokenExpiresAt).toBe(harness.clock.now + 600_000)
    expect(stored.refreshTokenExpiresAt).toBe(harness.clock.now + 180 * 86_400_000)
    expect(await harness.store.get(REF)).toEqual(stored)
  })
})

/** A connection's state is derived from what we hold and what the bank last said (DESIGN "A bank connection's life"). */
import { describe, expect, it } from '@jest/globals'
import { describeConnection, EXPIRES_SOON_MS, SCA_LIFETIME_MS } from '../../src/services/bank-connection.js'
import type { StoredTokens } from '../../src/stet/token-source.js'

const now = Date.parse('2026-11-24T09:00:00Z')
const sca = now - 10 * 24 * 3600_000
const tokens: StoredTokens = {
  accessToken: 'a',
  accessTokenExpiresAt: now + 60_000,
  refreshToken: 'r',
  refreshTokenExpiresAt: sca + SCA_LIFETIME_MS,
  refreshedAt: now - 1000,
}
const grant = { balances: ['FR7617515000920400430518020'], transactions: [], overdrafts: [], psuIdentity: false }

describe('describeConnection', () => {
  it.each([
    ['never linked', undefined, undefined, 'DISCONNECTED'],
    ['tokens, no consent', { authorizedAt: sca }, tokens, 'CONSENT_REQUIRED'],
    [
      'tokens, the empty consent',
      { authorizedAt: sca, consent: { ...grant, balances: [], grantedAt: sca } },
      tokens,
      'CONSENT_REQUIRED',
    ],
    ['tokens and a consent', { authorizedAt: sca, consent: { ...grant, grantedAt: sca } }, tokens, 'ACTIVE'],
    [
      'a refused refresh deleted the tokens',
      { authorizedAt: sca, consent: { ...grant, grantedAt: sca } },
      undefined,
      'REAUTHORIZATION_REQUIRED',
    ],
    ['a token record that does not open', { authorizedAt: sca }, 'unreadable' as const, 'REAUTHORIZATION_REQUIRED'],
    ['180 days passed', { authorizedAt: sca }, { ...tokens, refreshTokenExpiresAt: now }, 'REAUTHORIZATION_REQUIRED'],
    ['disconnected', { authorizedAt: sca, disconnectedAt: now }, undefined, 'DISCONNECTED'],
  ])('%s → %s', (_name, facts, held, status) => {
    expect(describeConnection('17515', facts, held, now).status).toBe(status)
  })

  it('refreshTokenExpiresAt is the last SCA + 180 days; expiresSoon under 14 days left', () => {
    const active = describeConnection('17515', { authorizedAt: sca }, tokens, now)
    expect(active.refreshTokenExpiresAt).toBe(sca + SCA_LIFETIME_MS)
    expect(active.expiresSoon).toBe(false)
    expect(active.lastRefreshedAt).toBe(now - 1000)
    const late = now + SCA_LIFETIME_MS - 10 * 24 * 3600_000 - EXPIRES_SOON_MS + 1
    expect(describeConnection('17515', { authorizedAt: sca }, tokens, late).expiresSoon).toBe(true)
  })
})

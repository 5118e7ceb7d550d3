import { describe, expect, it } from '@jest/globals'
import { ConfigInvalidError, loadConfig } from '../../src/config/config.js'

describe('loadConfig', () => {
  it('defaults serve the embedded sandbox with the personas linked', () => {
    const config = loadConfig({})
    expect(config.mode).toBe('embedded-sandbox')
    expect(config.sandbox.linkPersonas).toBe(true)
    expect(config.http.port).toBe(4000)
    expect(config.quota).toMatchObject({ dailyLimit: 4, windows: 'both', trustEmptyStore: true })
    expect(config.store).toEqual({ kind: 'embedded' })
    expect(config.auth.devTokens).toBe(true)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('STET_BASE_URL uses that bank instead of starting one; SANDBOX_PERSONAS links against it', () => {
    const config = loadConfig({ STET_BASE_URL: 'http://127.0.0.1:4010/', SANDBOX_PERSONAS: 'true' })
    expect(config.mode).toBe('external-bank')
    expect(config.stet.baseUrl).toBe('http://127.0.0.1:4010')
    expect(config.sandbox.linkPersonas).toBe(true)
    expect(loadConfig({ STET_BASE_URL: 'http://127.0.0.1:4010' }).sandbox.linkPersonas).toBe(false)
  })

  it('reports every bad setting at once, each line naming it', () => {
    let error: unknown
    try {
      loadConfig({
        PORT: 'eighty',
        QUOTA_DAILY_LIMIT: '9',
        QUOTA_WINDOWS: 'weekly',
        STORE_URL: 'http://x',
        SANDBOX_TLS: 'maybe',
        QUOTA_LIMITS: '17515=x',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigInvalidError)
    const problems = (error as ConfigInvalidError).problems
    expect(problems).toHaveLength(6)
    expect(problems.join('\n')).toMatch(/PORT must be an integer/)
    expect(problems.join('\n')).toMatch(/QUOTA_DAILY_LIMIT must be an integer between 1 and 4/)
    expect(problems.join('\n')).toMatch(/QUOTA_WINDOWS must be one of both, calendar-day, rolling-24h/)
    expect(problems.join('\n')).toMatch(/STORE_URL must be a redis: or rediss: URL/)
    expect(problems.join('\n')).toMatch(/SANDBOX_TLS must be true or false/)
    expect(problems.join('\n')).toMatch(/QUOTA_LIMITS must look like/)
    expect((error as ConfigInvalidError).code).toBe('CONFIG_INVALID')
  })

  it('live mode needs real credentials and forbids development tokens', () => {
    expect(() => loadConfig({ STET_ENVIRONMENT: 'live' })).toThrow(/STET_QSEALC_KEY_FILE is required/)
    expect(() => loadConfig({ STET_ENVIRONMENT: 'live', DEV_TOKENS: 'true' })).toThrow(/DEV_TOKENS cannot be enabled/)
    const live = loadConfig({
      STET_ENVIRONMENT: 'live',
      STET_CLIENT_ID: 'PSDFR-ACPR-13807',
      STET_QSEALC_KEY_FILE: '/k.pem',
      STET_QWAC_CERT_FILE: '/c.pem',
      STET_QWAC_KEY_FILE: '/ck.pem',
      AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'stet-gateway',
    })
    expect(live.auth.devTokens).toBe(false)
    expect(live.quota.trustEmptyStore).toBe(false)
    expect(live.sandbox.linkPersonas).toBe(false)
  })

  it('per-bank limits can lower the bank limit, never raise it', () => {
    expect(loadConfig({ QUOTA_LIMITS: '17515=2, 11315=3' }).quota.limitsByBank).toEqual({ '17515': 2, '11315': 3 })
    expect(() => loadConfig({ QUOTA_LIMITS: '17515=5' })).toThrow(/at most 4/)
  })
})

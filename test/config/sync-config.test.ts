import { describe, expect, it } from '@jest/globals'
import { ConfigInvalidError, loadConfig } from '../../src/config/config.js'

describe('sync settings (REFRESH_*, WEBHOOK_*)', () => {
  it('sandbox mode: the scheduler at four Paris times, reserve 1, insecure receivers allowed', () => {
    const config = loadConfig({})
    expect(config.sync.refresh).toMatchObject({ schedule: ['06:00', '11:00', '16:00', '21:00'], reserve: 1 })
    expect(config.sync.webhooks.allowInsecureUrls).toBe(true)
  })

  it('a schedule is sorted and deduplicated; off turns it off', () => {
    expect(loadConfig({ REFRESH_SCHEDULE: '21:00, 06:30,21:00' }).sync.refresh.schedule).toEqual(['06:30', '21:00'])
    expect(loadConfig({ REFRESH_SCHEDULE: 'off' }).sync.refresh.schedule).toEqual([])
  })

  it('every bad setting is named at once, and live refuses insecure webhook URLs', () => {
    const live = {
      STET_ENVIRONMENT: 'live',
      STET_QSEALC_KEY_FILE: 'k.pem',
      STET_QWAC_CERT_FILE: 'c.pem',
      STET_QWAC_KEY_FILE: 'q.pem',
      STET_CLIENT_ID: 'PSDFR-ACPR-12345',
      TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64url')}`,
      AUTH_ISSUER: 'https://idp.example',
      AUTH_AUDIENCE: 'stet-gateway',
      AUTH_JWKS_URL: 'https://idp.example/jwks',
    }
    expect(loadConfig(live).sync.refresh.schedule).toEqual([])
    let error: unknown
    try {
      loadConfig({ ...live, REFRESH_SCHEDULE: '6h', REFRESH_RESERVE: '5', WEBHOOK_ALLOW_INSECURE_URLS: 'true' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigInvalidError)
    const problems = (error as ConfigInvalidError).problems
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^REFRESH_SCHEDULE must be Paris times/),
        expect.stringMatching(/^REFRESH_RESERVE must be an integer between 0 and 4/),
        expect.stringMatching(/^WEBHOOK_ALLOW_INSECURE_URLS cannot be true when STET_ENVIRONMENT=live/),
      ]),
    )
  })
})

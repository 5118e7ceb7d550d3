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

  it('operation limits and HTTP bounds have defaults and are checked', () => {
    const config = loadConfig({})
    expect(config.http).toMatchObject({ host: '127.0.0.1', corsOrigins: [], graphiql: true, maxBodyBytes: 100_000 })
    expect(config.limits).toMatchObject({ maxTokens: 3_000, maxDepth: 12, maxAliases: 30, maxCost: 500_000 })
    expect(loadConfig({ LIMIT_COST: '1000', LIMIT_ALIASES: '0' }).limits).toMatchObject({
      maxCost: 1000,
      maxAliases: 0,
    })
    expect(() => loadConfig({ LIMIT_TOKENS: '10000' })).toThrow(/LIMIT_TOKENS must be an integer between 10 and 4000/)
    expect(() => loadConfig({ HTTP_MAX_CONNECTIONS: '0' })).toThrow(/HTTP_MAX_CONNECTIONS/)
  })

  it('HEAP_GROWING_PERCENT bounds V8 heap growth by default (30), 0 gives V8 its own factor back, 300 at most', () => {
    expect(loadConfig({}).runtime.heapGrowingPercent).toBe(30)
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).runtime.heapGrowingPercent).toBe(0)
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '301' })).toThrow(/HEAP_GROWING_PERCENT/)
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-1' })).toThrow(/HEAP_GROWING_PERCENT/)
  })

  it('STET_BASE_URL uses that bank instead of starting one; SANDBOX_PERSONAS links against it', () => {
    const config = loadConfig({ STET_BASE_URL: 'http://127.0.0.1:4010/', SANDBOX_PERSONAS: 'true' })
    expect(config.mode).toBe('external-bank')
    expect(config.stet.baseUrl).toBe('http://127.0.0.1:4010')
    expect(config.sandbox.linkPersonas).toBe(true)
    expect(loadConfig({ STET_BASE_URL: 'http://127.0.0.1:4010' }).sandbox.linkPersonas).toBe(false)
  })

  it('SANDBOX_LIMIT_ANSWER chooses how the embedded sandbox refuses past its limit: 429 (default) or 403-TMRQ', () => {
    expect(loadConfig({}).sandbox.limitAnswer).toBe('429')
    expect(loadConfig({ SANDBOX_LIMIT_ANSWER: '403-TMRQ' }).sandbox.limitAnswer).toBe('403-TMRQ')
    expect(() => loadConfig({ SANDBOX_LIMIT_ANSWER: '403' })).toThrow(
      /SANDBOX_LIMIT_ANSWER must be one of 429, 403-TMRQ/,
    )
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
      TOKEN_ENCRYPTION_KEYS: `2026-01:${Buffer.alloc(32, 7).toString('base64url')}`,
      AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
      AUTH_ISSUER: 'https://idp.example/',
      AUTH_AUDIENCE: 'stet-gateway',
    })
    expect(live.auth.devTokens).toBe(false)
    expect(live.quota.trustEmptyStore).toBe(false)
    expect(live.sandbox.linkPersonas).toBe(false)
  })

  it('TOKEN_ENCRYPTION_KEYS: kid:base64url of 32 bytes, oldest first; required live; every bad entry named', () => {
    const k = (n: number) => Buffer.alloc(32, n).toString('base64url')
    const config = loadConfig({ TOKEN_ENCRYPTION_KEYS: `old:${k(1)}, new:${k(2)}` })
    expect(config.tokenKeys?.map((key) => key.kid)).toEqual(['old', 'new'])
    expect(config.tokenKeys?.[1]?.key).toEqual(new Uint8Array(Buffer.alloc(32, 2)))
    expect(loadConfig({}).tokenKeys).toBeUndefined() // sandbox: generated under DATA_DIR
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEYS: `short:${Buffer.alloc(16).toString('base64url')}` })).toThrow(
      /TOKEN_ENCRYPTION_KEYS entries must be kid:base64url of 32 bytes/,
    )
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEYS: `a:${k(1)},a:${k(2)}` })).toThrow(/names the key id "a" twice/)
    expect(() => loadConfig({ STET_ENVIRONMENT: 'live' })).toThrow(/TOKEN_ENCRYPTION_KEYS is required/)
  })

  it('REDIRECT_URIS: an allow-list of absolute http(s) URLs; default the local callback', () => {
    expect(loadConfig({}).stet.redirectUris).toEqual(['http://localhost:4000/callback'])
    const config = loadConfig({ REDIRECT_URIS: 'https://app.example/cb, http://localhost:5173/bank-callback' })
    expect(config.stet.redirectUris).toEqual(['https://app.example/cb', 'http://localhost:5173/bank-callback'])
    expect(config.stet.redirectUri).toBe('https://app.example/cb')
    expect(() => loadConfig({ REDIRECT_URIS: 'https://app.example/cb#x,myapp://cb' })).toThrow(
      /REDIRECT_URIS must be absolute http\(s\) URLs without a fragment[^\n]*\n.*myapp/,
    )
  })

  it('per-bank limits can lower the bank limit, never raise it', () => {
    expect(loadConfig({ QUOTA_LIMITS: '17515=2, 11315=3' }).quota.limitsByBank).toEqual({ '17515': 2, '11315': 3 })
    expect(() => loadConfig({ QUOTA_LIMITS: '17515=5' })).toThrow(/at most 4/)
  })

  it('CACHE_MAX_BYTES bounds the embedded cache (1 GiB by default); CACHE_STORE_URL needs a shared store', () => {
    expect(loadConfig({}).cache).toMatchObject({ maxBytes: 1024 ** 3, storeUrl: undefined })
    expect(loadConfig({ CACHE_MAX_BYTES: '0' }).cache.maxBytes).toBe(0)
    expect(() => loadConfig({ CACHE_MAX_BYTES: '-1' })).toThrow(/CACHE_MAX_BYTES/)
    const shared = loadConfig({ STORE_URL: 'redis://main:6379', CACHE_STORE_URL: 'redis://cache:6379' })
    expect(shared.cache.storeUrl).toBe('redis://cache:6379')
    expect(() => loadConfig({ CACHE_STORE_URL: 'redis://cache:6379' })).toThrow(/CACHE_STORE_URL needs a shared store/)
    expect(() => loadConfig({ STORE_URL: 'redis://main:6379', CACHE_STORE_URL: 'http://cache' })).toThrow(
      /CACHE_STORE_URL/,
    )
  })
})

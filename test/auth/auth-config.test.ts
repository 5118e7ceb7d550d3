import { describe, expect, it } from '@jest/globals'
import { ConfigInvalidError, loadConfig } from '../../src/config/config.js'
import { ASYMMETRIC_ALGORITHMS, parsePresentRule } from '../../src/config/auth-config.js'

const LIVE = {
  STET_ENVIRONMENT: 'live',
  STET_CLIENT_ID: 'PSDFR-ACPR-13807',
  STET_QSEALC_KEY_FILE: '/k.pem',
  STET_QWAC_CERT_FILE: '/c.pem',
  STET_QWAC_KEY_FILE: '/ck.pem',
  // The token records' keys (issue 13): required live too.
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64url')}`,
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigInvalidError) return error.problems
    throw error
  }
  return []
}

describe('caller settings', () => {
  it('sandbox defaults: development tokens only, no identity provider, asymmetric algorithms, 30 s tolerance', () => {
    const { auth } = loadConfig({})
    expect(auth).toMatchObject({
      devTokens: true,
      identityProvider: undefined,
      clockToleranceSeconds: 30,
      maxTokenAgeSeconds: undefined,
      trustedDocuments: [],
    })
    const idp = loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks' }).auth.identityProvider
    expect(idp).toMatchObject({
      algorithms: [...ASYMMETRIC_ALGORITHMS],
      issuers: [],
      audiences: [],
      claims: { psuClaim: 'sub', present: undefined, banksClaim: 'banks', clientClaim: 'client_id' },
      jwks: { timeoutMs: 5000, cooldownMs: 30_000, cacheMaxAgeMs: 600_000 },
    })
  })

  it('live mode requires keys, an issuer and an audience, https for the JWKS, and refuses development tokens', () => {
    expect(problemsOf(LIVE)).toEqual([
      'AUTH_JWKS_URL or AUTH_PUBLIC_KEYS is required when STET_ENVIRONMENT=live (callers are verified)',
      'AUTH_ISSUER is required when STET_ENVIRONMENT=live',
      'AUTH_AUDIENCE is required when STET_ENVIRONMENT=live',
    ])
    const live = { ...LIVE, AUTH_ISSUER: 'https://idp/', AUTH_AUDIENCE: 'gw' }
    expect(problemsOf({ ...live, AUTH_JWKS_URL: 'http://idp/jwks' })).toEqual([
      'AUTH_JWKS_URL must be https when STET_ENVIRONMENT=live (plain http only in sandbox mode)',
    ])
    expect(problemsOf({ ...live, AUTH_JWKS_URL: 'https://idp/jwks', DEV_TOKENS: 'true' })).toEqual([
      'DEV_TOKENS cannot be enabled when STET_ENVIRONMENT=live',
    ])
    expect(loadConfig({ ...live, AUTH_PUBLIC_KEYS: '/keys/a.pem,/keys/b.json' }).auth.identityProvider).toMatchObject({
      publicKeyFiles: ['/keys/a.pem', '/keys/b.json'],
      issuers: ['https://idp/'],
      audiences: ['gw'],
    })
  })

  it('names every bad caller setting at once', () => {
    const problems = problemsOf({
      AUTH_JWKS_URL: 'ftp://idp/jwks',
      AUTH_ALGORITHMS: 'RS256,HS256,none',
      AUTH_ISSUER: 'stet-gateway-dev',
      AUTH_PRESENT_CLAIM: 'psu_present',
      AUTH_PSU_CLAIM: 'psu id',
      AUTH_CLOCK_TOLERANCE_SECONDS: '-1',
      AUTH_MAX_TOKEN_AGE_SECONDS: '0',
      AUTH_JWKS_TIMEOUT_MS: 'soon',
      TRUSTED_PROXIES: '10.0.0.0/40',
      DEV_TOKENS: 'maybe',
    })
    const text = problems.join('\n')
    expect(problems).toHaveLength(11)
    for (const pattern of [
      /AUTH_JWKS_URL must be an https URL/,
      /AUTH_ALGORITHMS may list only asymmetric algorithms .*got "HS256"/,
      /AUTH_ALGORITHMS .*got "none"/,
      /AUTH_ISSUER may not be "stet-gateway-dev"/,
      /AUTH_PRESENT_CLAIM must look like "scope:psu_present"/,
      /AUTH_PSU_CLAIM must be a claim name without spaces/,
      /AUTH_CLOCK_TOLERANCE_SECONDS must be an integer between 0 and 300/,
      /AUTH_MAX_TOKEN_AGE_SECONDS must be an integer between 1/,
      /AUTH_JWKS_TIMEOUT_MS must be an integer/,
      /TRUSTED_PROXIES must list IP addresses or CIDRs/,
      /DEV_TOKENS must be true or false/,
    ]) {
      expect(text).toMatch(pattern)
    }
  })

  it('AUTH_PRESENT_CLAIM: claim:value is a scope-like member, claim=value an exact value (true/false are booleans)', () => {
    expect(parsePresentRule('scope:psu_present')).toEqual({ kind: 'contains', claim: 'scope', value: 'psu_present' })
    expect(parsePresentRule('psu_present=true')).toEqual({ kind: 'equals', claim: 'psu_present', value: true })
    expect(parsePresentRule('acr=psu-present')).toEqual({ kind: 'equals', claim: 'acr', value: 'psu-present' })
    expect(parsePresentRule('https://tpp.example/claims/present=true')).toEqual({
      kind: 'equals',
      claim: 'https://tpp.example/claims/present',
      value: true,
    })
    expect(parsePresentRule('https://tpp.example/roles:psu_present')).toEqual({
      kind: 'contains',
      claim: 'https://tpp.example/roles',
      value: 'psu_present',
    })
    for (const bad of ['psu_present', 'scope:', ':x', '=true', 'scope: x'])
      expect(parsePresentRule(bad)).toBeUndefined()
  })

  it("TRUSTED_DOCUMENTS: a file alone is every partner's, client=file one partner's; AUTH_CLIENT_CLAIM names the claim", () => {
    const { auth } = loadConfig({
      TRUSTED_DOCUMENTS: 'shared.json, partner-a=a.json,partner-b = b.json,partner-a=a2.json',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
      AUTH_CLIENT_CLAIM: 'azp',
    })
    expect(auth.trustedDocuments).toEqual([
      { client: undefined, file: 'shared.json' },
      { client: 'partner-a', file: 'a.json' },
      { client: 'partner-b', file: 'b.json' },
      { client: 'partner-a', file: 'a2.json' },
    ])
    expect(auth.identityProvider?.claims.clientClaim).toBe('azp')
    const problems = problemsOf({ TRUSTED_DOCUMENTS: '=a.json,partner-c=,x y=z.json', AUTH_CLIENT_CLAIM: 'client id' })
    expect(problems).toEqual([
      'AUTH_CLIENT_CLAIM must be a claim name without spaces (got "client id")',
      'TRUSTED_DOCUMENTS must list manifest files, each alone or as client=file (got "=a.json")',
      'TRUSTED_DOCUMENTS must list manifest files, each alone or as client=file (got "partner-c=")',
      'TRUSTED_DOCUMENTS must list manifest files, each alone or as client=file (got "x y=z.json")',
    ])
  })
})

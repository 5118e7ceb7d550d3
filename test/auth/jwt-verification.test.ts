/**
 * Bearer JWTs from an identity provider, verified with jose against a real JWKS endpoint on port 0 (or key files):
 * every way a token can be wrong is refused as UNAUTHENTICATED, and known keys keep working while the JWKS is down.
 */
import { createHmac } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { base64url, UnsecuredJWT } from 'jose'
import { createCallerAuthentication, type CallerAuthentication } from '../../src/auth/caller-authentication.js'
import { loadOrCreateDevSigningKey, issueDevToken } from '../../src/auth/dev-token.js'
import { loadConfig } from '../../src/config/config.js'
import { silentLogger } from '../../src/observability/logger.js'
import { manualClock } from '../support/external-sandbox.js'
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider.js'
import { bearer, fakeRequest } from './fake-request.js'

const LIVE_STET = {
  STET_ENVIRONMENT: 'live',
  STET_CLIENT_ID: 'PSDFR-ACPR-13807',
  STET_QSEALC_KEY_FILE: '/k.pem',
  STET_QWAC_CERT_FILE: '/c.pem',
  STET_QWAC_KEY_FILE: '/ck.pem',
  // The token records' keys (issue 13): required live too.
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64url')}`,
}

let idp: TestIdentityProvider
let dataDir: string
const clock = manualClock('2026-11-24T12:00:00Z')
const logged: string[] = []
const logger = { ...silentLogger, warn: (_obj: unknown, msg?: string) => void logged.push(String(msg)) }

beforeAll(async () => {
  idp = await startIdentityProvider()
  dataDir = await mkdtemp(path.join(tmpdir(), 'stetgw-auth-'))
})
afterAll(async () => {
  await idp.stop().catch(() => undefined)
  await rm(dataDir, { recursive: true, force: true })
})

async function authFor(env: Record<string, string>): Promise<CallerAuthentication> {
  const config = loadConfig({ DATA_DIR: dataDir, ...env })
  return createCallerAuthentication(config.auth, {
    dataDir,
    trustedProxies: config.http.trustedProxies,
    defaultBank: config.stet.defaultBank,
    clock,
    logger,
  })
}

function liveEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...LIVE_STET,
    AUTH_JWKS_URL: idp.jwksUrl,
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: idp.audience,
    AUTH_PRESENT_CLAIM: 'scope:psu_present',
    ...extra,
  }
}

/** Live mode allows only https JWKS URLs; the test IdP is plain http, so these tests run in sandbox mode with
 * everything a live gateway requires set (issuer, audience), dev tokens off unless a test turns them on. */
function idpEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DEV_TOKENS: 'false',
    AUTH_JWKS_URL: idp.jwksUrl,
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: idp.audience,
    AUTH_PRESENT_CLAIM: 'scope:psu_present',
    ...extra,
  }
}

const now = () => clock()
const verify = (auth: CallerAuthentication, token: string, address = '203.0.113.9') =>
  auth.verifyCaller(fakeRequest(address, bearer(token)))

async function expectRefused(auth: CallerAuthentication, token: string, reason: RegExp): Promise<void> {
  const error = await verify(auth, token).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toMatchObject({ code: 'UNAUTHENTICATED' })
  expect((error as Error).message).toMatch(reason)
}

describe('an identity provider token', () => {
  let auth: CallerAuthentication
  beforeAll(async () => {
    auth = await authFor(idpEnv())
  })

  it('is a partner unless it says the PSU is present; the PSU and banks come from its claims', async () => {
    const partner = await verify(auth, await idp.sign({ sub: '9999999902', scope: 'aisp' }, { now: now() }))
    expect(partner).toEqual({ psuId: '9999999902', consumer: 'partner', presence: undefined, banks: ['17515'] })
    const present = await verify(
      auth,
      await idp.sign({ sub: '9999999901', scope: 'aisp psu_present', banks: ['11315'] }, { now: now() }),
    )
    expect(present).toMatchObject({
      psuId: '9999999901',
      consumer: 'frontend',
      presence: { kind: 'psu', ipAddress: '203.0.113.9' },
      banks: ['11315'],
    })
  })

  it('is an operator only when AUTH_OPERATOR_CLAIM matches exactly (the audit export); never by default', async () => {
    const token = await idp.sign({ sub: 'ops-alice', scope: 'gateway_operator' }, { now: now() })
    expect((await verify(auth, token)).operator).toBeUndefined()
    const withRule = await authFor(idpEnv({ AUTH_OPERATOR_CLAIM: 'scope:gateway_operator' }))
    expect(await verify(withRule, token)).toMatchObject({ psuId: 'ops-alice', operator: true })
    const lookalike = await idp.sign({ sub: 'ops-bob', scope: 'gateway_operator_read' }, { now: now() })
    expect((await verify(withRule, lookalike)).operator).toBeUndefined()
    // A development token's `operator: true` claim counts only on the development profile.
    const devToken = await issueDevToken(
      await loadOrCreateDevSigningKey(dataDir),
      { psuId: 'operator', present: false, banks: [], operator: true },
      { clock, ttlSeconds: 600 },
    )
    const sandbox = await authFor({ AUTH_OPERATOR_CLAIM: 'scope:gateway_operator' })
    expect(await verify(sandbox, devToken)).toMatchObject({ operator: true, consumer: 'partner' })
  })

  it('signed with an algorithm outside the allow-list is refused', async () => {
    const es = await idp.newKey('ES256', 'idp-es-1')
    idp.published.push(es)
    try {
      const strict = await authFor(idpEnv({ AUTH_ALGORITHMS: 'RS256' }))
      await expectRefused(strict, await idp.sign({ sub: '9999999901' }, { key: es, now: now() }), /algorithm/)
      // The same token is fine where ES256 is allowed: the refusal above is the allow-list's.
      const lax = await authFor(idpEnv())
      expect((await verify(lax, await idp.sign({ sub: '9999999901' }, { key: es, now: now() }))).psuId).toBe(
        '9999999901',
      )
    } finally {
      idp.published.pop()
    }
  })

  it('with alg "none" is refused', async () => {
    const iat = Math.floor(now() / 1000)
    const token = new UnsecuredJWT({ sub: '9999999901', scope: 'psu_present' })
      .setIssuer(idp.issuer)
      .setAudience(idp.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 600)
      .encode()
    await expectRefused(auth, token, /algorithm/)
  })

  it('HS256 signed with the public key as the HMAC secret (HS/RS confusion) is refused', async () => {
    const key = idp.published[0]
    if (key === undefined) throw new Error('no key')
    const iat = Math.floor(now() / 1000)
    const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: key.kid }))
    const payload = base64url.encode(
      JSON.stringify({ iss: idp.issuer, aud: idp.audience, sub: '9999999901', iat, exp: iat + 600 }),
    )
    for (const secret of [key.publicPem, JSON.stringify(key.publicJwk)]) {
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
      await expectRefused(auth, `${header}.${payload}.${signature}`, /algorithm/)
    }
  })

  it('from another issuer, for another audience, or of the wrong typ is refused', async () => {
    await expectRefused(
      auth,
      await idp.sign({ sub: '9999999901', iss: 'https://evil.example/' }, { now: now() }),
      /issuer/,
    )
    await expectRefused(auth, await idp.sign({ sub: '9999999901', aud: 'another-api' }, { now: now() }), /audience/)
    const typed = await authFor(idpEnv({ AUTH_TYP: 'at+jwt' }))
    await expectRefused(typed, await idp.sign({ sub: '9999999901' }, { now: now() }), /type/)
    expect((await verify(typed, await idp.sign({ sub: '9999999901' }, { typ: 'at+jwt', now: now() }))).psuId).toBe(
      '9999999901',
    )
  })

  it('without exp, expired, not valid yet, or older than the maximum age is refused', async () => {
    await expectRefused(auth, await idp.sign({ sub: '9999999901', exp: undefined }, { now: now() }), /expiry/)
    await expectRefused(auth, await idp.sign({ sub: '9999999901' }, { now: now() - 3600_000 }), /expired/)
    const nbf = Math.floor(now() / 1000) + 300
    await expectRefused(auth, await idp.sign({ sub: '9999999901', nbf }, { now: now() }), /not valid yet/)
    // Within the clock tolerance (30 s by default), a token a little early or late is accepted.
    const early = await idp.sign({ sub: '9999999901', nbf: Math.floor(now() / 1000) + 10 }, { now: now() })
    expect((await verify(auth, early)).psuId).toBe('9999999901')

    const aged = await authFor(idpEnv({ AUTH_MAX_TOKEN_AGE_SECONDS: '300' }))
    const old = await idp.sign({ sub: '9999999901', exp: Math.floor(now() / 1000) + 3600 }, { now: now() - 900_000 })
    await expectRefused(aged, old, /too old/)
    await expectRefused(aged, await idp.sign({ sub: '9999999901', iat: undefined }, { now: now() }), /iat/)
    expect((await verify(aged, await idp.sign({ sub: '9999999901' }, { now: now() }))).psuId).toBe('9999999901')
  })

  it('signed by a key the JWKS does not hold (unknown kid), or tampered with, is refused', async () => {
    const stranger = await idp.newKey('RS256', 'not-published')
    await expectRefused(auth, await idp.sign({ sub: '9999999901' }, { key: stranger, now: now() }), /known key/)
    // The right kid on another key's signature.
    await expectRefused(
      auth,
      await idp.sign({ sub: '9999999901' }, { key: stranger, kid: 'idp-rs-1', now: now() }),
      /signature/,
    )
    const good = await idp.sign({ sub: '9999999901' }, { now: now() })
    const [h, , s] = good.split('.')
    const forged = base64url.encode(JSON.stringify({ iss: idp.issuer, aud: idp.audience, sub: '9999999999' }))
    await expectRefused(auth, `${h}.${forged}.${s}`, /signature|expiry/)
  })

  it('whose PSU claim is missing or could name another key is refused; banks must be bank codes', async () => {
    await expectRefused(auth, await idp.sign({}, { now: now() }), /"sub" claim/)
    await expectRefused(auth, await idp.sign({ sub: '99|17515|x' }, { now: now() }), /"sub" claim/)
    await expectRefused(auth, await idp.sign({ sub: '{17515:x}' }, { now: now() }), /"sub" claim/)
    await expectRefused(auth, await idp.sign({ sub: '9999999901', banks: ['175'] }, { now: now() }), /bank codes/)
    const custom = await authFor(idpEnv({ AUTH_PSU_CLAIM: 'psu_id', AUTH_BANKS_CLAIM: 'bank_codes' }))
    const caller = await verify(
      custom,
      await idp.sign({ sub: 'user-1', psu_id: '9999999903', bank_codes: '17515 11315' }, { now: now() }),
    )
    expect(caller).toMatchObject({ psuId: '9999999903', banks: ['17515', '11315'] })
  })

  it('a token verified once is remembered, never past its exp, its maximum age, or a minute', async () => {
    const aged = await authFor(idpEnv({ AUTH_MAX_TOKEN_AGE_SECONDS: '300', AUTH_CLOCK_TOLERANCE_SECONDS: '0' }))
    const short = await idp.sign({ sub: '9999999901', exp: Math.floor(now() / 1000) + 120 }, { now: now() })
    const long = await idp.sign({ sub: '9999999902', exp: Math.floor(now() / 1000) + 3600 }, { now: now() })
    expect((await verify(aged, short)).psuId).toBe('9999999901')
    expect((await verify(aged, long)).psuId).toBe('9999999902')
    clock.advance(121_000)
    await expectRefused(aged, short, /expired/)
    expect((await verify(aged, long)).psuId).toBe('9999999902')
    clock.advance(180_000)
    await expectRefused(aged, long, /too old/)
  })

  it('a malformed header or no token at all is UNAUTHENTICATED', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: 'Basic abc' },
      { authorization: 'Bearer not-a-jwt' },
    ]) {
      await expect(auth.verifyCaller(fakeRequest('203.0.113.9', headers))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      })
    }
  })
})

describe('the JWKS endpoint', () => {
  afterEach(() => {
    logged.length = 0
  })

  it('fetched once at start; a new kid triggers one refresh (key rotation), at most once per cooldown', async () => {
    const before = idp.jwksRequests
    const auth = await authFor(idpEnv({ AUTH_JWKS_COOLDOWN_MS: '30000' }))
    expect(idp.jwksRequests).toBe(before + 1)
    for (let i = 0; i < 5; i++) await verify(auth, await idp.sign({ sub: '9999999901' }, { now: now() }))
    expect(idp.jwksRequests).toBe(before + 1)

    const rotated = await idp.newKey('RS256', 'idp-rs-2')
    idp.published.push(rotated)
    try {
      const token = await idp.sign({ sub: '9999999901' }, { key: rotated, now: now() })
      // Within the cooldown of the fetch at start, an unknown kid does not reach the IdP.
      await expectRefused(auth, token, /known key/)
      expect(idp.jwksRequests).toBe(before + 1)
      clock.advance(31_000)
      expect((await verify(auth, token)).psuId).toBe('9999999901')
      expect(idp.jwksRequests).toBe(before + 2)
      // A burst of forged kids right after costs the IdP nothing more.
      const stranger = await idp.newKey('RS256', 'forged')
      for (let i = 0; i < 5; i++) {
        await expectRefused(auth, await idp.sign({ sub: '9999999901' }, { key: stranger, now: now() }), /known key/)
      }
      expect(idp.jwksRequests).toBe(before + 2)
    } finally {
      idp.published.pop()
    }
  })

  it('down: a key it served keeps working past the cache age; an unknown key is refused; no wait per request', async () => {
    const down = await startIdentityProvider({ issuer: idp.issuer, audience: idp.audience })
    const auth = await authFor(
      idpEnv({ AUTH_JWKS_URL: down.jwksUrl, AUTH_JWKS_CACHE_MAX_AGE_MS: '60000', AUTH_JWKS_COOLDOWN_MS: '30000' }),
    )
    const known = down.published[0]
    if (known === undefined) throw new Error('no key')
    await down.stop()
    clock.advance(10 * 60_000) // well past the cache age: the set is stale, the refresh fails
    const token = await down.sign({ sub: '9999999901', scope: 'psu_present' }, { now: now() })
    expect(await verify(auth, token)).toMatchObject({ psuId: '9999999901', consumer: 'frontend' })
    expect(logged).toContain('identity provider JWKS refresh failed; known keys still used')
    const failures = logged.length
    // Within the cooldown after that failure, no request tries the endpoint again.
    for (let i = 0; i < 3; i++) await verify(auth, token)
    expect(logged.length).toBe(failures)

    const unknown = await down.newKey('RS256', 'never-served')
    clock.advance(31_000)
    await expectRefused(auth, await down.sign({ sub: '9999999901' }, { key: unknown, now: now() }), /known key/)
    expect(logged.length).toBe(failures + 1)
    expect((await verify(auth, await down.sign({ sub: '9999999901' }, { now: now() }))).psuId).toBe('9999999901')
  })

  it('down from the start: every token is refused (nothing is known), as UNAUTHENTICATED', async () => {
    const gone = await startIdentityProvider({ issuer: idp.issuer, audience: idp.audience })
    await gone.stop()
    const auth = await authFor(idpEnv({ AUTH_JWKS_URL: gone.jwksUrl }))
    await expectRefused(auth, await gone.sign({ sub: '9999999901' }, { now: now() }), /known key/)
  })
})

describe('keys from files (AUTH_PUBLIC_KEYS)', () => {
  it('a PEM key named by its file (kid) and a JWKS file both verify; the JWKS URL is not needed', async () => {
    const pemKey = await idp.newKey('ES256', 'partner-2026')
    const jwksKey = await idp.newKey('RS256', 'from-jwks-file')
    const pemFile = path.join(dataDir, 'partner-2026.pem')
    const jwksFile = path.join(dataDir, 'keys.json')
    await writeFile(pemFile, pemKey.publicPem)
    await writeFile(jwksFile, JSON.stringify({ keys: [jwksKey.publicJwk] }))
    const auth = await authFor({
      DEV_TOKENS: 'false',
      AUTH_PUBLIC_KEYS: `${pemFile},${jwksFile}`,
      AUTH_ISSUER: idp.issuer,
      AUTH_AUDIENCE: idp.audience,
    })
    expect((await verify(auth, await idp.sign({ sub: '9999999901' }, { key: pemKey, now: now() }))).psuId).toBe(
      '9999999901',
    )
    expect((await verify(auth, await idp.sign({ sub: '9999999902' }, { key: jwksKey, now: now() }))).psuId).toBe(
      '9999999902',
    )
    await expectRefused(auth, await idp.sign({ sub: '9999999901' }, { now: now() }), /known key/)
  })

  it('a private or symmetric key in a key file stops the start, naming the file', async () => {
    const file = path.join(dataDir, 'secret.json')
    await writeFile(file, JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 's' }] }))
    await expect(authFor({ AUTH_PUBLIC_KEYS: file })).rejects.toThrow(/secret\.json: holds a symmetric/)
  })
})

describe('development tokens', () => {
  it('in sandbox mode, are accepted beside the identity provider tokens', async () => {
    const auth = await authFor(idpEnv({ DEV_TOKENS: 'true' }))
    const dev = await auth.issueDevToken?.({ psuId: '9999999901', present: true, banks: [] }, 600)
    if (dev === undefined) throw new Error('no dev token in sandbox mode')
    expect(await verify(auth, dev)).toMatchObject({ psuId: '9999999901', consumer: 'frontend' })
    expect((await verify(auth, await idp.sign({ sub: '9999999902' }, { now: now() }))).consumer).toBe('partner')
  })

  it('are ES256 from their own issuer: an IdP key cannot sign one, nor another DATA_DIR key', async () => {
    const auth = await authFor(idpEnv({ DEV_TOKENS: 'true' }))
    const claimingDev = await idp.sign(
      { sub: '9999999901', iss: 'stet-gateway-dev', aud: 'stet-gateway' },
      { now: now() },
    )
    await expectRefused(auth, claimingDev, /algorithm|known key/)
    const otherDir = await mkdtemp(path.join(tmpdir(), 'stetgw-auth-other-'))
    try {
      const otherKey = await loadOrCreateDevSigningKey(otherDir)
      const foreign = await issueDevToken(
        otherKey,
        { psuId: '9999999901', present: true, banks: [] },
        { clock, ttlSeconds: 600 },
      )
      await expectRefused(auth, foreign, /known key|signature/)
    } finally {
      await rm(otherDir, { recursive: true, force: true })
    }
  })

  it('outside sandbox mode, a development token is refused, even one minted on the same DATA_DIR', async () => {
    const key = await loadOrCreateDevSigningKey(dataDir)
    const dev = await issueDevToken(key, { psuId: '9999999901', present: true, banks: [] }, { clock, ttlSeconds: 600 })
    const sandbox = await authFor({})
    expect((await verify(sandbox, dev)).consumer).toBe('frontend')
    // Live mode needs an https JWKS; local key files stand in for the IdP here.
    const file = path.join(dataDir, 'idp-rs-1.pem')
    const idpKey = idp.published[0]
    if (idpKey === undefined) throw new Error('no key')
    await writeFile(file, idpKey.publicPem)
    const live = await authFor({ ...liveEnv(), AUTH_JWKS_URL: '', AUTH_PUBLIC_KEYS: file })
    expect(live.issueDevToken).toBeUndefined()
    await expectRefused(live, dev, /development tokens are accepted only in sandbox mode/)
    expect((await verify(live, await idp.sign({ sub: '9999999901' }, { now: now() }))).psuId).toBe('9999999901')
  })
})

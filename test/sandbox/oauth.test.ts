import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { TokenResponse } from '../../src/stet-api/wire.js'
import { OAUTH_REVOKE_PATH, OAUTH_TOKEN_PATH } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import {
  authorize,
  callAis,
  CLIENT_ID,
  obtainToken,
  postForm,
  rawRequest,
  REDIRECT_URI,
  startSession,
} from '../support/sandbox-session.js'
import { LEA } from '../support/sandbox-personas.js'

const NOW = '2025-11-25T10:00:00.000+01:00'
let session: SandboxSession

beforeAll(async () => {
  session = await startSession({ nowIso: NOW })
})
afterAll(async () => {
  await session.bank.close()
})

function authorizeParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'aisp',
    state: 's-1',
    psu: LEA,
    ...overrides,
  }
}

async function codeFor(overrides: Record<string, string> = {}): Promise<string> {
  const answer = await authorize(session, authorizeParams(overrides))
  expect(answer.status).toBe(302)
  return new URL(answer.location ?? '').searchParams.get('code') ?? ''
}

function exchange(code: string, overrides: Record<string, string> = {}) {
  return postForm(session, OAUTH_TOKEN_PATH, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    ...overrides,
  })
}

function accounts(token: string) {
  return callAis(session, { path: '/accounts', token })
}

describe('GET /authorize', () => {
  it('auto-approves the persona and redirects to redirect_uri with a code and the state', async () => {
    const answer = await authorize(session, authorizeParams())
    expect(answer.status).toBe(302)
    const location = new URL(answer.location ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(location.searchParams.get('state')).toBe('s-1')
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/)
  })

  it.each([
    ['an unknown PSU', { psu: '0000000000' }],
    ['a wrong client_id', { client_id: 'PSDFR-ACPR-OTHER' }],
    ['a response_type other than code', { response_type: 'token' }],
  ])('answers 400 to %s', async (_label, overrides) => {
    const answer = await authorize(session, authorizeParams(overrides))
    expect(answer.status).toBe(400)
    expect(answer.json).toMatchObject({ error: expect.any(String), error_description: expect.any(String) })
  })
})

describe('POST /token', () => {
  it('exchanges a code (without scope) for a 3600 s bearer token of the scope asked at authorize', async () => {
    const response = await exchange(await codeFor())
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toContain('application/json')
    const token = response.json as TokenResponse
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'aisp' })
    expect(token.refresh_token).toEqual(expect.any(String))
    expect((await accounts(token.access_token)).status).toBe(200)
  })

  it('accepts a code once only', async () => {
    const code = await codeFor()
    expect((await exchange(code)).status).toBe(200)
    const again = await exchange(code)
    expect(again.status).toBe(400)
    expect(again.json).toMatchObject({ error: 'invalid_grant' })
  })

  it('requires the very same redirect_uri', async () => {
    const response = await exchange(await codeFor(), { redirect_uri: `${REDIRECT_URI}/` })
    expect(response.status).toBe(400)
    expect(response.json).toMatchObject({ error: 'invalid_grant' })
  })

  it('lets a code expire after 1 h by the sandbox clock', async () => {
    const code = await codeFor()
    session.time.advance(3600 * 1000)
    const response = await exchange(code)
    session.time.set(NOW)
    expect(response.status).toBe(400)
    expect(response.json).toMatchObject({ error: 'invalid_grant' })
  })

  it('refuses another client_id, an unknown code and an unknown grant type', async () => {
    expect((await exchange(await codeFor(), { client_id: 'PSDFR-ACPR-OTHER' })).json).toMatchObject({
      error: 'invalid_client',
    })
    expect((await exchange('not-a-code')).json).toMatchObject({ error: 'invalid_grant' })
    const password = await postForm(session, OAUTH_TOKEN_PATH, { grant_type: 'password', client_id: CLIENT_ID })
    expect(password.status).toBe(400)
    expect(password.json).toMatchObject({ error: 'unsupported_grant_type' })
  })

  it('answers 405 to GET /token and GET /revoke', async () => {
    for (const path of [OAUTH_TOKEN_PATH, OAUTH_REVOKE_PATH]) {
      const response = await rawRequest(session, 'GET', path, {})
      expect(response.status).toBe(405)
      expect(response.headers.allow).toBe('POST')
    }
  })
})

describe('access token expiry (by the sandbox clock)', () => {
  it('works until the TTL, then answers 401 invalid_token in the header and the body', async () => {
    const token = await obtainToken(session, LEA)
    session.time.advance(3599 * 1000)
    expect((await accounts(token.access_token)).status).toBe(200)
    session.time.advance(1000)
    const expired = await accounts(token.access_token)
    session.time.set(NOW)
    expect(expired.status).toBe(401)
    expect(expired.headers['www-authenticate']).toContain('error="invalid_token"')
    expect(expired.json).toMatchObject({ status: 401, message: expect.stringContaining('invalid_token') })
  })

  it('answers 401 invalid_token to an unknown token, and 401 to a missing one', async () => {
    const unknown = await accounts('never-issued')
    expect(unknown.status).toBe(401)
    expect(unknown.headers['www-authenticate']).toContain('error="invalid_token"')
    const missing = await callAis(session, { path: '/accounts' })
    expect(missing.status).toBe(401)
  })

  it('honours accessTokenTtlSeconds', async () => {
    const short = await startSession({ nowIso: NOW, accessTokenTtlSeconds: 600 })
    try {
      const token = await obtainToken(short, LEA)
      expect(token.expires_in).toBe(600)
      short.time.advance(600 * 1000)
      expect((await callAis(short, { path: '/accounts', token: token.access_token })).status).toBe(401)
    } finally {
      await short.bank.close()
    }
  })
})

describe('refresh and revocation', () => {
  it('refreshes into a working token (scope aisp offline_access) and rotates the refresh token', async () => {
    const first = await obtainToken(session, LEA)
    session.time.advance(2 * 3600 * 1000)
    expect((await accounts(first.access_token)).status).toBe(401)
    const refreshed = await postForm(session, OAUTH_TOKEN_PATH, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token ?? '',
      client_id: CLIENT_ID,
    })
    expect(refreshed.status).toBe(200)
    const second = refreshed.json as TokenResponse
    expect(second).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'aisp offline_access' })
    expect(second.access_token).not.toBe(first.access_token)
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect((await accounts(second.access_token)).status).toBe(200)
    const reuse = await postForm(session, OAUTH_TOKEN_PATH, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token ?? '',
      client_id: CLIENT_ID,
    })
    session.time.set(NOW)
    expect(reuse.status).toBe(400)
    expect(reuse.json).toMatchObject({ error: 'invalid_grant' })
  })

  it('revokes a refresh token (RFC 7009): 200 empty, the refresh fails, its access token is dead', async () => {
    const token = await obtainToken(session, LEA)
    const revoke = await postForm(session, OAUTH_REVOKE_PATH, {
      token: token.refresh_token ?? '',
      token_type_hint: 'refresh_token',
      client_id: CLIENT_ID,
    })
    expect(revoke.status).toBe(200)
    expect(revoke.text).toBe('')
    const refresh = await postForm(session, OAUTH_TOKEN_PATH, {
      grant_type: 'refresh_token',
      refresh_token: token.refresh_token ?? '',
      client_id: CLIENT_ID,
    })
    expect(refresh.status).toBe(400)
    expect(refresh.json).toMatchObject({ error: 'invalid_grant' })
    const call = await accounts(token.access_token)
    expect(call.status).toBe(401)
    expect(call.headers['www-authenticate']).toContain('invalid_token')
  })

  it('answers 200 to the revocation of an unknown token', async () => {
    expect((await postForm(session, OAUTH_REVOKE_PATH, { token: 'unknown', client_id: CLIENT_ID })).status).toBe(200)
  })
})

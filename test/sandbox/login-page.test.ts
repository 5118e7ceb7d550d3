/**
 * The sandbox's login page (GET /authorize without `psu`): a PSU id, the sandbox OTP 12345678 (BANK Sandbox), and a
 * 302 to the redirect_uri with `code` and `state`. Over HTTP here; in Chromium in login-page-browser.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { SANDBOX_OTP } from '../../src/sandbox/sandbox-bank.js'
import { OAUTH_AUTHORIZE_PATH, OAUTH_TOKEN_PATH } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import {
  authorize,
  callAis,
  CLIENT_ID,
  postForm,
  rawRequest,
  REDIRECT_URI,
  startSession,
} from '../support/sandbox-session.js'
import { CLAIRE } from '../support/sandbox-personas.js'

let session: SandboxSession

beforeAll(async () => {
  session = await startSession()
})
afterAll(async () => {
  await session.bank.close()
})

const HOSTILE_STATE = `"><script>alert(1)</script><input value="`
const HOSTILE_REDIRECT = `https://tpp.example/callback?next="><img src=x onerror=alert(2)>`

function request(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'aisp',
    state: 'state-42',
    ...overrides,
  }
}

async function page(params: Record<string, string>) {
  return rawRequest(session, 'GET', `${OAUTH_AUTHORIZE_PATH}?${new URLSearchParams(params).toString()}`, {})
}

/** The hidden fields of the page, read back as a browser would (attribute values unescaped). */
function hiddenFields(html: string): Record<string, string> {
  const unescape = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  const fields: Record<string, string> = {}
  for (const match of html.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)">/g)) {
    fields[match[1] ?? ''] = unescape(match[2] ?? '')
  }
  return fields
}

describe('GET /authorize without psu: the login page', () => {
  it('is an HTML form with the PSU id and OTP fields, carrying the request in hidden fields', async () => {
    const answer = await page(request())
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'")
    expect(answer.headers['x-frame-options']).toBe('DENY')
    expect(answer.text).toMatch(/<form method="post"/)
    expect(answer.text).toContain('name="psu"')
    expect(answer.text).toContain('name="otp"')
    expect(hiddenFields(answer.text)).toEqual(request())
    // A person trying the sandbox sees which personas exist.
    expect(answer.text).toContain('9999999901')
    expect(answer.text).not.toMatch(/<script/i)
  })

  it('escapes a hostile state and redirect_uri: no markup of theirs reaches the page, their values survive', async () => {
    const answer = await page(request({ state: HOSTILE_STATE, redirect_uri: HOSTILE_REDIRECT }))
    expect(answer.status).toBe(200)
    expect(answer.text).not.toContain('<script>alert(1)')
    expect(answer.text).not.toContain('<img src=x')
    expect(answer.text).not.toMatch(/<script/i)
    expect(hiddenFields(answer.text)).toMatchObject({ state: HOSTILE_STATE, redirect_uri: HOSTILE_REDIRECT })
  })

  it.each([
    ['a wrong client_id', { client_id: 'PSDFR-ACPR-OTHER' }, 'invalid_client'],
    ['a response_type other than code', { response_type: 'token' }, 'unsupported_response_type'],
    ['a redirect_uri that is no URL', { redirect_uri: 'not a url' }, 'invalid_request'],
  ])('answers 400 to %s, before any page', async (_label, overrides, error) => {
    const answer = await page(request(overrides))
    expect(answer.status).toBe(400)
    expect(answer.json).toMatchObject({ error })
  })
})

describe('POST /authorize: the form submitted', () => {
  function submit(fields: Record<string, string>) {
    return postForm(session, OAUTH_AUTHORIZE_PATH, { ...request(), ...fields })
  }

  it('redirects (302) to the redirect_uri with a code and the state; the code is exchanged at /token', async () => {
    const answer = await submit({ psu: CLAIRE, otp: SANDBOX_OTP })
    expect(answer.status).toBe(302)
    const location = new URL(String(answer.headers.location))
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(location.searchParams.get('state')).toBe('state-42')
    const code = location.searchParams.get('code') ?? ''
    const token = await postForm(session, OAUTH_TOKEN_PATH, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
    })
    expect(token.status).toBe(200)
    const accessToken = (token.json as { access_token: string }).access_token
    const accounts = await callAis(session, { path: '/accounts', token: accessToken })
    expect(accounts.status).toBe(200)
    expect((accounts.json as { accounts: unknown[] }).accounts).toHaveLength(2)
  })

  it('keeps a hostile state intact in the redirect (encoded), and the redirect_uri’s own query', async () => {
    const answer = await submit({ psu: CLAIRE, otp: SANDBOX_OTP, state: HOSTILE_STATE, redirect_uri: HOSTILE_REDIRECT })
    expect(answer.status).toBe(302)
    const location = new URL(String(answer.headers.location))
    expect(location.searchParams.get('state')).toBe(HOSTILE_STATE)
    expect(location.searchParams.get('next')).toBe('"><img src=x onerror=alert(2)>')
    expect(String(answer.headers.location)).not.toContain('<')
  })

  it.each([
    ['a wrong OTP', { psu: CLAIRE, otp: '00000000' }, 'Wrong one-time password.'],
    ['no OTP', { psu: CLAIRE }, 'Wrong one-time password.'],
    ['an unknown PSU', { psu: '0000000000', otp: SANDBOX_OTP }, 'Unknown PSU id.'],
    ['a hostile PSU id', { psu: '<b>x</b>', otp: SANDBOX_OTP }, 'Unknown PSU id.'],
  ])('shows the form again with a message after %s, and issues no code', async (_label, fields, message) => {
    const answer = await submit(fields)
    expect(answer.status).toBe(200)
    expect(answer.headers.location).toBeUndefined()
    expect(answer.text).toContain('role="alert"')
    expect(answer.text).toContain(message)
    expect(answer.text).not.toContain('<b>x</b>')
    expect(hiddenFields(answer.text)).toEqual(request())
  })

  it('checks the request again on the POST: a forged client_id is refused, not logged in', async () => {
    const answer = await submit({ psu: CLAIRE, otp: SANDBOX_OTP, client_id: 'PSDFR-ACPR-OTHER' })
    expect(answer.status).toBe(400)
    expect(answer.json).toMatchObject({ error: 'invalid_client' })
  })

  it('still auto-approves with psu on the GET, as tests and persona linking use it', async () => {
    const answer = await authorize(session, { ...request(), psu: CLAIRE })
    expect(answer.status).toBe(302)
    expect(new URL(answer.location ?? '').searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/)
  })
})

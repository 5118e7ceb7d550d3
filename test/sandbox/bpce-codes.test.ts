/**
 * The BPCE error codes a client must read from the `message` field (NOTES §5): `NAAC` from the persona with no
 * eligible account, and `INTE`, `NIMP` (or any status and code) from a fault a test arms with `failNext`.
 * A fault answers in place of the bank once the call was counted; its handler does not run.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { NO_ACCOUNT_PSU } from '../../src/sandbox/sandbox-bank.js'
import type { TokenResponse } from '../../src/stet-api/wire.js'
import { OAUTH_TOKEN_PATH } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { callAis, CLIENT_ID, obtainToken, postForm, putConsent, startSession } from '../support/sandbox-session.js'
import { CLAIRE, CLAIRE_PRO, LEA, LEA_MAIN, LEA_SECOND } from '../support/sandbox-personas.js'

let session: SandboxSession
let lea: TokenResponse
let claire: string

beforeAll(async () => {
  session = await startSession({ accessTokenTtlSeconds: 24 * 3600 })
  lea = await obtainToken(session, LEA)
  claire = (await obtainToken(session, CLAIRE)).access_token
})
afterAll(async () => {
  await session.bank.close()
})
beforeEach(async () => {
  session.bank.clearFaults()
  await postForm(session, '/sandbox/reset', {})
})

/** What the bank's BPCE gateway sends: a code in `message`, no `error` field, plain JSON. */
function bpceBody(status: number, message: string, path: string) {
  return {
    timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/),
    status,
    message,
    path: `/stet/psd2/v1.6.2${path}`,
  }
}

function present(psuId: string, method: string) {
  return session.bank.stats().keys.find((key) => key.psuId === psuId && key.method === method)
}

describe(`NAAC: the persona with no eligible account (${NO_ACCOUNT_PSU})`, () => {
  it('logs in like any persona, and GET /accounts answers 404 NAAC, counted like any call', async () => {
    expect(NO_ACCOUNT_PSU).toBe('9999999909')
    const { access_token: token } = await obtainToken(session, NO_ACCOUNT_PSU)
    const answer = await callAis(session, { path: '/accounts', token })
    expect(answer.status).toBe(404)
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(answer.json).toEqual(bpceBody(404, 'NAAC', '/accounts'))
    expect(present(NO_ACCOUNT_PSU, 'accounts')).toMatchObject({ present: 1, batch: 0 })
    // Unattended, it spends the limit like any other answer; the 5th is the limit's answer, not NAAC.
    for (let i = 0; i < 4; i++)
      expect((await callAis(session, { path: '/accounts', token, unattended: true })).status).toBe(404)
    expect((await callAis(session, { path: '/accounts', token, unattended: true })).status).toBe(429)
  })

  it('accepts the empty consent, refuses an IBAN it does not own, and has an identity once consented', async () => {
    const { access_token: token } = await obtainToken(session, NO_ACCOUNT_PSU)
    expect((await putConsent(session, token, {})).status).toBe(201)
    expect((await putConsent(session, token, { balances: [LEA_MAIN.iban] })).status).toBe(400)
    expect((await callAis(session, { path: '/end-user-identity', token })).status).toBe(403)
    expect((await putConsent(session, token, { psuIdentity: true })).status).toBe(201)
    const identity = await callAis(session, { path: '/end-user-identity', token })
    expect(identity.status).toBe(200)
    expect(identity.json).toMatchObject({ identity: { fullName: 'NINA SANSCOMPTE' } })
  })
})

describe('failNext: a fault armed for the next matching request', () => {
  it('makes PUT /consents fail with 500 INTE: counted, the consent in force unchanged, then spent', async () => {
    await putConsent(session, lea.access_token, { balances: [LEA_MAIN.iban] })
    session.bank.failNext({ method: 'PUT', path: '/consents', status: 500, message: 'INTE' })
    expect(session.bank.pendingFaults()).toBe(1)
    // A GET does not match a PUT fault.
    expect((await callAis(session, { path: '/accounts', token: lea.access_token })).status).toBe(200)
    expect(session.bank.pendingFaults()).toBe(1)

    const failed = await putConsent(session, lea.access_token, {
      balances: [LEA_SECOND.iban],
      transactions: [LEA_SECOND.iban],
    })
    expect(failed.status).toBe(500)
    expect(failed.json).toEqual(bpceBody(500, 'INTE', '/consents'))
    expect(session.bank.pendingFaults()).toBe(0)
    expect(present(LEA, 'consents')).toMatchObject({ present: 2 })
    // The bank kept the last consent it accepted: balances on the main account only.
    const accounts = (await callAis(session, { path: '/accounts', token: lea.access_token })).json as {
      accounts: { accountId: { iban: string }; _links?: Record<string, unknown> }[]
    }
    const linksOf = (iban: string) =>
      Object.keys(accounts.accounts.find((a) => a.accountId.iban === iban)?._links ?? {})
    expect(linksOf(LEA_MAIN.iban)).toEqual(['balances'])
    expect(linksOf(LEA_SECOND.iban)).toEqual([])

    // One-shot: the next PUT is the bank's own answer.
    expect((await putConsent(session, lea.access_token, { balances: [LEA_SECOND.iban] })).status).toBe(201)
  })

  it('answers NIMP on any account’s balances (a * segment), `times` times, for one PSU only', async () => {
    const everything = [LEA_MAIN.iban, LEA_SECOND.iban]
    await putConsent(session, lea.access_token, { balances: everything })
    await putConsent(session, claire, { balances: [CLAIRE_PRO.iban] })
    session.bank.failNext({ path: '/accounts/*/balances', status: 501, message: 'NIMP', psuId: LEA, times: 2 })
    expect(session.bank.pendingFaults()).toBe(2)
    // CLAIRE is not the fault's PSU.
    expect(
      (await callAis(session, { path: `/accounts/${CLAIRE_PRO.resourceId}/balances`, token: claire })).status,
    ).toBe(200)
    const first = await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/balances`, token: lea.access_token })
    expect(first.status).toBe(501)
    expect(first.json).toEqual(bpceBody(501, 'NIMP', `/accounts/${LEA_MAIN.resourceId}/balances`))
    const second = await callAis(session, {
      path: `/accounts/${LEA_SECOND.resourceId}/balances`,
      token: lea.access_token,
    })
    expect(second.status).toBe(501)
    expect(session.bank.pendingFaults()).toBe(0)
    expect(
      (await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/balances`, token: lea.access_token })).status,
    ).toBe(200)
  })

  it('counts the calls a fault answers, and leaves a call the limit refuses to the limit (the fault stays armed)', async () => {
    await putConsent(session, lea.access_token, { balances: [LEA_MAIN.iban] })
    const path = `/accounts/${LEA_MAIN.resourceId}/balances`
    for (let i = 0; i < 3; i++) await callAis(session, { path, token: lea.access_token, unattended: true })
    session.bank.failNext({ method: 'GET', path, status: 503, message: 'INTE', times: 2 })
    expect((await callAis(session, { path, token: lea.access_token, unattended: true })).status).toBe(503)
    expect((await callAis(session, { path, token: lea.access_token, unattended: true })).status).toBe(429)
    const key = session.bank.stats().keys.find((k) => k.iban === LEA_MAIN.iban && k.method === 'balances')
    expect(key).toMatchObject({ batch: 4, refused: 1 })
    expect(session.bank.pendingFaults()).toBe(1)
    expect((await callAis(session, { path, token: lea.access_token })).status).toBe(503)
  })

  it('fails the token endpoint without spending the refresh token', async () => {
    session.bank.failNext({ path: OAUTH_TOKEN_PATH, status: 503, message: 'INTE' })
    const form = { grant_type: 'refresh_token', refresh_token: lea.refresh_token ?? '', client_id: CLIENT_ID }
    const failed = await postForm(session, OAUTH_TOKEN_PATH, form)
    expect(failed.status).toBe(503)
    expect(failed.json).toMatchObject({ status: 503, message: 'INTE', path: OAUTH_TOKEN_PATH })
    const refreshed = await postForm(session, OAUTH_TOKEN_PATH, form)
    expect(refreshed.status).toBe(200)
    lea = { ...lea, ...(refreshed.json as TokenResponse) }
  })

  it('refuses a fault that is not one, and clearFaults disarms every fault', () => {
    expect(() => session.bank.failNext({ path: '/consents', status: 200, message: 'OK' })).toThrow(TypeError)
    expect(() => session.bank.failNext({ path: 'consents', status: 500, message: 'INTE' })).toThrow(TypeError)
    expect(() => session.bank.failNext({ path: '/consents', status: 500, message: 'INTE', times: 0 })).toThrow(
      TypeError,
    )
    session.bank.failNext({ path: '/consents', status: 500, message: 'INTE', times: 3 })
    session.bank.failNext({ path: '/accounts', status: 500, message: 'INTE' })
    expect(session.bank.pendingFaults()).toBe(4)
    session.bank.clearFaults()
    expect(session.bank.pendingFaults()).toBe(0)
  })
})

import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { HalAccounts, HalEndUserIdentity } from '../../src/stet-api/wire.js'
import { OAUTH_TOKEN_PATH } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { CLIENT_ID, callAis, obtainToken, postForm, putConsent, startSession } from '../support/sandbox-session.js'
import {
  CLAIRE,
  CLAIRE_PRIV,
  CLAIRE_PRO,
  GEORGES_JOINT,
  LEA,
  LEA_MAIN,
  LEA_SECOND,
  MARC,
  TECHNCO,
  UNKNOWN_ACCOUNT,
} from '../support/sandbox-personas.js'

let session: SandboxSession
let claire: string
let lea: string

beforeAll(async () => {
  session = await startSession()
  claire = (await obtainToken(session, CLAIRE)).access_token
  lea = (await obtainToken(session, LEA)).access_token
})
afterAll(async () => {
  await session.bank.close()
})
beforeEach(async () => {
  await postForm(session, '/sandbox/reset', {})
})

describe('GET /accounts before and after PUT /consents (mixed model)', () => {
  it('lists CLAIRE’s 2 accounts without resourceId, _links or balances before any consent', async () => {
    const response = await callAis(session, { path: '/accounts', token: claire, requestId: 'id-1234567890111121 1' })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/hal+json; charset=utf-8')
    expect(response.headers['x-request-id']).toBe('id-1234567890111121 1')
    const body = response.json as HalAccounts
    expect(body.accounts.map((account) => account.accountId?.iban)).toEqual([CLAIRE_PRIV.iban, CLAIRE_PRO.iban])
    for (const account of body.accounts) {
      expect(Object.keys(account).sort()).toEqual([
        'accountId',
        'cashAccountType',
        'currency',
        'name',
        'psuStatus',
        'usage',
      ])
      expect(account.cashAccountType).toBe('CACC')
    }
    expect(body.accounts[1]?.usage).toBe('ORGA')
    expect(body._links.self.href).toBe('/stet/psd2/v1.6.2/accounts')
    expect(body._links.endUserIdentity).toBeUndefined()
  })

  it('answers 201 with no body to PUT /consents, then shows resourceId, links and the embedded CLBD balance', async () => {
    const put = await putConsent(session, lea, {
      balances: [LEA_MAIN.iban, LEA_SECOND.iban],
      transactions: [LEA_MAIN.iban, LEA_SECOND.iban],
      overdrafts: [LEA_MAIN.iban],
      psuIdentity: true,
    })
    expect(put.status).toBe(201)
    expect(put.text).toBe('')
    const body = (await callAis(session, { path: '/accounts', token: lea })).json as HalAccounts
    const [main, second] = body.accounts
    expect(main?.resourceId).toBe(LEA_MAIN.resourceId)
    expect(second?.resourceId).toBe(LEA_SECOND.resourceId)
    expect(main?._links?.balances).toEqual({
      href: `/stet/psd2/v1.6.2/accounts/${LEA_MAIN.resourceId}/balances`,
      templated: false,
    })
    expect(main?._links?.transactions).toEqual({
      href: `/stet/psd2/v1.6.2/accounts/${LEA_MAIN.resourceId}/transactions`,
      templated: true,
    })
    expect(main?._links?.overdrafts?.href).toBe(`/stet/psd2/v1.6.2/accounts/${LEA_MAIN.resourceId}/overdrafts`)
    expect(second?._links?.overdrafts).toBeUndefined()
    expect(main?.balances).toEqual([
      {
        balanceType: 'CLBD',
        name: 'Solde comptable au 25/11/2025',
        balanceAmount: { amount: '-150.00', currency: 'EUR' },
      },
    ])
    expect(body._links.endUserIdentity?.href).toBe('/stet/psd2/v1.6.2/end-user-identity')
  })

  it('grants each resource separately: links, embedded balance and resource calls follow the lists', async () => {
    expect(
      (await putConsent(session, lea, { balances: [LEA_MAIN.iban], transactions: [LEA_SECOND.iban] })).status,
    ).toBe(201)
    const body = (await callAis(session, { path: '/accounts', token: lea })).json as HalAccounts
    const [main, second] = body.accounts
    expect(main?._links).toEqual({ balances: expect.anything() })
    expect(main?.balances).toHaveLength(1)
    expect(second?._links).toEqual({ transactions: expect.anything() })
    expect(second?.balances).toBeUndefined()
    expect(body._links.endUserIdentity).toBeUndefined()
    expect((await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/balances`, token: lea })).status).toBe(200)
    expect((await callAis(session, { path: `/accounts/${LEA_SECOND.resourceId}/balances`, token: lea })).status).toBe(
      403,
    )
    expect((await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/transactions`, token: lea })).status).toBe(
      403,
    )
    expect(
      (await callAis(session, { path: `/accounts/${LEA_SECOND.resourceId}/transactions`, token: lea })).status,
    ).toBe(200)
    expect((await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/overdrafts`, token: lea })).status).toBe(
      403,
    )
  })

  it('revokes everything with empty lists, and with an empty body', async () => {
    await putConsent(session, lea, { balances: [LEA_MAIN.iban], transactions: [LEA_MAIN.iban], psuIdentity: true })
    expect((await putConsent(session, lea, {})).status).toBe(201)
    let body = (await callAis(session, { path: '/accounts', token: lea })).json as HalAccounts
    expect(body.accounts.every((account) => account.resourceId === undefined && account._links === undefined)).toBe(
      true,
    )
    expect((await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/balances`, token: lea })).status).toBe(403)
    expect((await callAis(session, { path: '/end-user-identity', token: lea })).status).toBe(403)

    await putConsent(session, lea, { balances: [LEA_MAIN.iban] })
    const empty = await callAis(session, { method: 'PUT', path: '/consents', token: lea })
    expect(empty.status).toBe(201)
    body = (await callAis(session, { path: '/accounts', token: lea })).json as HalAccounts
    expect(body.accounts[0]?.resourceId).toBeUndefined()
  })

  it('refuses a consent naming an IBAN the PSU does not hold, or a malformed body (400)', async () => {
    const foreign = await putConsent(session, lea, { balances: [GEORGES_JOINT.iban] })
    expect(foreign.status).toBe(400)
    expect((foreign.json as { status: number }).status).toBe(400)
    const malformed = await callAis(session, {
      method: 'PUT',
      path: '/consents',
      token: lea,
      json: { balances: 'all' },
    })
    expect(malformed.status).toBe(400)
  })
})

describe('acceptance-test errors', () => {
  it('answers 403 to a token of scope pisp (wrong scope)', async () => {
    const pisp = (await obtainToken(session, LEA, 'pisp')).access_token
    const accounts = await callAis(session, { path: '/accounts', token: pisp })
    expect(accounts.status).toBe(403)
    expect(accounts.json).toMatchObject({ status: 403, error: 'Forbidden', path: '/stet/psd2/v1.6.2/accounts' })
    expect((await putConsent(session, pisp, { balances: [LEA_MAIN.iban] })).status).toBe(403)
    await putConsent(session, lea, { balances: [LEA_MAIN.iban], transactions: [LEA_MAIN.iban] })
    expect((await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/balances`, token: pisp })).status).toBe(
      403,
    )
    expect(
      (await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/transactions`, token: pisp })).status,
    ).toBe(403)
  })

  it('answers 403 to a client_credentials token: it carries no PSU', async () => {
    const grant = await postForm(session, OAUTH_TOKEN_PATH, {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      scope: 'aisp',
    })
    expect(grant.status).toBe(200)
    const token = (grant.json as { access_token: string }).access_token
    expect((await callAis(session, { path: '/accounts', token })).status).toBe(403)
  })

  it('answers 405 to a wrong method (POST /accounts, GET and POST /consents, POST and DELETE on resources)', async () => {
    const post = await callAis(session, { method: 'POST', path: '/accounts', token: claire, json: {} })
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET')
    expect((post.json as { status: number }).status).toBe(405)
    expect((await callAis(session, { method: 'GET', path: '/consents', token: claire })).status).toBe(405)
    // The bank's own rows: POST on /consents and on /transactions.
    expect((await callAis(session, { method: 'POST', path: '/consents', token: claire, json: {} })).status).toBe(405)
    const transactions = `/accounts/${LEA_MAIN.resourceId}/transactions`
    expect((await callAis(session, { method: 'POST', path: transactions, token: lea, json: {} })).status).toBe(405)
    const balances = `/accounts/${LEA_MAIN.resourceId}/balances`
    expect((await callAis(session, { method: 'POST', path: balances, token: lea })).status).toBe(405)
    expect(
      (await callAis(session, { method: 'DELETE', path: `/accounts/${LEA_MAIN.resourceId}/transactions`, token: lea }))
        .status,
    ).toBe(405)
    expect((await callAis(session, { method: 'PUT', path: '/end-user-identity', token: lea, json: {} })).status).toBe(
      405,
    )
  })

  it('answers 404 to the unknown account CPT30014684067 and to another PSU’s account', async () => {
    await putConsent(session, lea, { balances: [LEA_MAIN.iban], transactions: [LEA_MAIN.iban] })
    for (const resource of ['balances', 'transactions', 'overdrafts']) {
      const unknown = await callAis(session, { path: `/accounts/${UNKNOWN_ACCOUNT}/${resource}`, token: lea })
      expect(unknown.status).toBe(404)
      expect(unknown.json).toMatchObject({ status: 404, message: `${UNKNOWN_ACCOUNT} is invalid` })
    }
    const georges = await callAis(session, { path: `/accounts/${GEORGES_JOINT.resourceId}/balances`, token: lea })
    expect(georges.status).toBe(404)
  })

  it('answers 404 to a path the bank does not serve, and 400 without X-Request-ID', async () => {
    expect((await callAis(session, { path: '/trusted-beneficiaries', token: lea })).status).toBe(404)
    expect((await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/owners`, token: lea })).status).toBe(404)
    const missing = await callAis(session, { path: '/accounts', token: lea, requestId: null })
    expect(missing.status).toBe(400)
    expect(missing.json).toMatchObject({ status: 400, message: 'X-Request-ID header missing' })
    expect((await callAis(session, { path: '/accounts', token: lea, requestId: 'x'.repeat(71) })).status).toBe(400)
  })
})

describe('GET /end-user-identity', () => {
  it('answers 200 for Marc (identity consented) with his identity', async () => {
    const marc = (await obtainToken(session, MARC)).access_token
    const response = await callAis(session, { path: '/end-user-identity', token: marc })
    expect(response.status).toBe(200)
    const body = response.json as HalEndUserIdentity
    expect(body.identity.fullName).toBe('MARC DURANDIN')
    expect(body._links.self.href).toBe('/stet/psd2/v1.6.2/end-user-identity')
    const accounts = (await callAis(session, { path: '/accounts', token: marc })).json as HalAccounts
    expect(accounts._links.endUserIdentity).toBeDefined()
    expect(accounts.accounts[0]?.resourceId).toBeDefined()
  })

  it('answers 403 for Tech’n Co (identity not consented)', async () => {
    const technco = (await obtainToken(session, TECHNCO)).access_token
    const response = await callAis(session, { path: '/end-user-identity', token: technco })
    expect(response.status).toBe(403)
    expect(response.json).toMatchObject({ status: 403, path: '/stet/psd2/v1.6.2/end-user-identity' })
  })

  it('answers 200 for LEA once her consent says psuIdentity: true', async () => {
    expect((await callAis(session, { path: '/end-user-identity', token: lea })).status).toBe(403)
    await putConsent(session, lea, { psuIdentity: true })
    const response = await callAis(session, { path: '/end-user-identity', token: lea })
    expect(response.status).toBe(200)
    expect((response.json as HalEndUserIdentity).identity).toEqual({
      fullName: 'LEA SANDBOXA',
      firstName: 'LEA',
      lastName: 'SANDBOXA',
      namePrefix: 'MISS',
    })
  })
})

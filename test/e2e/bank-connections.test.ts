/**
 * The bank-connection lifecycle through GraphQL, against the sandbox bank over HTTP (its counters are the referee):
 * authorise (followed with `psu`, and once through the sandbox's login page in Chromium), complete, consent, read,
 * revoke, re-consent, disconnect; and everything that must be refused on the way, before any bank call.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { SANDBOX_OTP } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { countCalls } from '../support/sandbox-counts.js'
import { CLAIRE, CLAIRE_PRIV, LEA, LEA_MAIN, LEA_SECOND, TECHNCO } from '../support/sandbox-personas.js'
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../support/test-gateway.js'
import { launchOfflineChromium } from '../support/offline-chromium.js'

const NO_ACCOUNT_PSU = '9999999909'
let sandbox: SandboxBank
let t: TestGateway
let receiver: Server
let callbackUrl = ''
const clock = manualClock('2026-11-24T09:00:00.000Z')

beforeAll(async () => {
  receiver = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<!doctype html><title>back</title><p id="done">Back at the application.</p>')
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`
  sandbox = await startExternalSandbox(clock)
  t = await startTestGateway(
    { STET_BASE_URL: sandbox.url, SANDBOX_PERSONAS: 'false', REDIRECT_URIS: `${callbackUrl},https://app.example/cb` },
    { clock },
  )
})
afterAll(async () => {
  await t.close()
  await sandbox.close()
  await new Promise<void>((resolve) => receiver.close(() => resolve()))
})

const present = (psu: string) => t.gateway.devToken(psu, { present: true })
const partner = (psu: string) => t.gateway.devToken(psu)
const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code)

const START = `mutation ($redirectUri: String!) {
  startBankAuthorization(redirectUri: $redirectUri) { authorizationUrl app2appUrl state expiresAt }
}`
const COMPLETE = `mutation ($state: String!, $code: String!) {
  completeBankAuthorization(state: $state, code: $code) { bank status authorizedAt refreshTokenExpiresAt expiresSoon lastRefreshedAt }
}`
const CONSENT = `mutation ($input: UpdateConsentInput!) {
  updateConsent(input: $input) { id iban grants { balances transactions overdrafts } }
}`
const CONNECTIONS =
  '{ bankConnections { bank status consent { balances transactions overdrafts psuIdentity grantedAt } } }'

async function start(token: string, redirectUri = callbackUrl) {
  const res = await t.query(START, { token, variables: { redirectUri } })
  return { res, request: res.data?.startBankAuthorization as { authorizationUrl: string; state: string } | undefined }
}

/** The sandbox's authorise endpoint with `psu`: auto-approved, 302 to the redirect URI with code and state. */
async function approve(authorizationUrl: string, psu: string): Promise<{ code: string; state: string }> {
  const url = new URL(authorizationUrl)
  url.searchParams.set('psu', psu)
  const res = await request(url)
  await res.body.dump()
  expect(res.statusCode).toBe(302)
  const back = new URL(String(res.headers.location))
  expect(`${back.origin}${back.pathname}`).toBe(callbackUrl)
  return { code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' }
}

async function link(psu: string): Promise<GraphQLResponse> {
  const token = await present(psu)
  const { request: started } = await start(token)
  const back = await approve(started?.authorizationUrl ?? '', psu)
  return t.query(COMPLETE, { token, variables: back })
}

const consentInput = (over: Record<string, unknown> = {}) => ({
  balances: [LEA_MAIN.iban],
  transactions: [LEA_MAIN.iban],
  overdrafts: [],
  psuIdentity: false,
  ...over,
})

describe('the whole flow, as a frontend drives it', () => {
  it('start → authorise → complete → consent → read → revoke → re-consent → disconnect, each state shown', async () => {
    const token = await present(LEA)
    expect((await t.query(CONNECTIONS, { token })).data?.bankConnections).toEqual([
      { bank: '17515', status: 'DISCONNECTED', consent: null },
    ])
    expect(codes(await t.query('{ accounts { iban } }', { token }))).toEqual(['REAUTHORIZATION_REQUIRED'])

    const { res: startRes, request: started } = await start(token)
    expect(startRes.errors).toBeUndefined()
    const authorize = new URL(started?.authorizationUrl ?? '')
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${sandbox.url}/stet/psd2/oauth/authorize`)
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'PSDFR-ACPR-SANDBOX',
      redirect_uri: callbackUrl,
      scope: 'aisp',
      state: started?.state,
    })
    expect(startRes.data?.startBankAuthorization).toMatchObject({
      app2appUrl: null, // the sandbox has no bank app
      expiresAt: '2026-11-24T09:10:00.000Z',
    })
    const back = await approve(started?.authorizationUrl ?? '', LEA)
    expect(back.state).toBe(started?.state)
    const completed = await t.query(COMPLETE, { token, variables: back })
    expect(completed.data?.completeBankAuthorization).toEqual({
      bank: '17515',
      status: 'CONSENT_REQUIRED',
      authorizedAt: '2026-11-24T09:00:00.000Z',
      refreshTokenExpiresAt: '2027-05-23T09:00:00.000Z', // + 180 days
      expiresSoon: false,
      lastRefreshedAt: '2026-11-24T09:00:00.000Z',
    })
    // Before any consent the bank lists the accounts, without grants; data fields are refused with no call.
    const before = await t.query('{ accounts { iban grants { balances } balances { amount { amount } } } }', { token })
    expect(before.data?.accounts).toEqual([
      { iban: LEA_MAIN.iban, grants: { balances: false }, balances: null },
      { iban: LEA_SECOND.iban, grants: { balances: false }, balances: null },
    ])
    expect(countCalls(sandbox, { psuId: LEA, method: 'balances' }).total).toBe(0)

    const consented = await t.query(CONSENT, { token, variables: { input: consentInput() } })
    expect(consented.errors).toBeUndefined()
    expect(consented.data?.updateConsent).toEqual([
      {
        id: expect.any(String),
        iban: LEA_MAIN.iban,
        grants: { balances: true, transactions: true, overdrafts: false },
      },
      {
        id: expect.any(String),
        iban: LEA_SECOND.iban,
        grants: { balances: false, transactions: false, overdrafts: false },
      },
    ])
    const read = await t.query(
      '{ accounts { id iban balances { amount { amount currency } } transactions(first: 3) { totalCount edges { node { id amount { amount } } } } } }',
      { token },
    )
    const main = (read.data?.accounts as { iban: string; balances: unknown; transactions: { totalCount: number } }[])[0]
    expect(main).toMatchObject({ iban: LEA_MAIN.iban, balances: [{ amount: { amount: '-150.00', currency: 'EUR' } }] })
    expect(main?.transactions.totalCount).toBeGreaterThan(0)
    const active = (await t.query(CONNECTIONS, { token })).data?.bankConnections
    expect(active).toEqual([
      {
        bank: '17515',
        status: 'ACTIVE',
        consent: {
          balances: [LEA_MAIN.iban],
          transactions: [LEA_MAIN.iban],
          overdrafts: [],
          psuIdentity: false,
          grantedAt: '2026-11-24T09:00:00.000Z',
        },
      },
    ])

    // Revoked: the link stays, the data goes; unattended reads of data fields are refused with no bank call.
    const revoked = await t.query('mutation { revokeConsent { status consent { balances } } }', { token })
    expect(revoked.data?.revokeConsent).toEqual({ status: 'CONSENT_REQUIRED', consent: null })
    const balancesBefore = countCalls(sandbox, { psuId: LEA, method: 'balances' }).total
    const txBefore = countCalls(sandbox, { psuId: LEA, method: 'transactions' }).total
    const afterRevoke = await t.query('{ accounts { iban balances { type } transactions { totalCount } } }', {
      token: await partner(LEA),
    })
    expect(codes(afterRevoke)).toEqual(Array(4).fill('CONSENT_REQUIRED'))
    expect(countCalls(sandbox, { psuId: LEA, method: 'balances' }).total).toBe(balancesBefore)
    expect(countCalls(sandbox, { psuId: LEA, method: 'transactions' }).total).toBe(txBefore)
    expect((await t.query(CONNECTIONS, { token })).data?.bankConnections).toMatchObject([
      { status: 'CONSENT_REQUIRED' },
    ])

    const again = await t.query(CONSENT, { token, variables: { input: consentInput({ overdrafts: [LEA_MAIN.iban] }) } })
    expect(again.errors).toBeUndefined()
    expect((await t.query(CONNECTIONS, { token })).data?.bankConnections).toMatchObject([{ status: 'ACTIVE' }])
    const quotaBefore = await t.query('{ quota { method used } }', { token })
    expect(sandbox.liveRefreshTokens(LEA)).toBe(1)

    const disconnected = await t.query(
      'mutation { disconnectBank { status consent { balances } refreshTokenExpiresAt } }',
      {
        token,
      },
    )
    expect(disconnected.data?.disconnectBank).toEqual({
      status: 'DISCONNECTED',
      consent: null,
      refreshTokenExpiresAt: null,
    })
    // Revoked at the bank (RFC 7009), not only forgotten here: the bank honours no refresh token of hers any more.
    expect(sandbox.liveRefreshTokens(LEA)).toBe(0)
    const accountCalls = countCalls(sandbox, { psuId: LEA, method: 'accounts' }).total
    expect(codes(await t.query('{ accounts { iban } }', { token }))).toEqual(['REAUTHORIZATION_REQUIRED'])
    expect(codes(await t.query('{ accounts { iban } }', { token: await partner(LEA) }))).toEqual([
      'REAUTHORIZATION_REQUIRED',
    ])
    expect(countCalls(sandbox, { psuId: LEA, method: 'accounts' }).total).toBe(accountCalls)
    // Quota counts stay: they are the bank's.
    expect((await t.query('{ quota { method used } }', { token })).data).toEqual(quotaBefore.data)
    expect((await t.query(CONNECTIONS, { token })).data?.bankConnections).toEqual([
      { bank: '17515', status: 'DISCONNECTED', consent: null },
    ])
    // What we held is gone: a consent needs a new authorisation first.
    expect(codes(await t.query(CONSENT, { token, variables: { input: consentInput() } }))).toEqual([
      'REAUTHORIZATION_REQUIRED',
    ])
  })

  it('a person links through the sandbox login page in Chromium, and the gateway completes it', async () => {
    const token = await present(CLAIRE)
    const { request: started } = await start(token)
    const browser = await launchOfflineChromium()
    try {
      const page = await browser.newPage()
      await page.goto(started?.authorizationUrl ?? '')
      await page.fill('#psu', CLAIRE)
      await page.fill('#otp', SANDBOX_OTP)
      await Promise.all([page.waitForURL((url) => url.toString().startsWith(callbackUrl)), page.click('#login')])
      const back = new URL(page.url())
      const completed = await t.query(COMPLETE, {
        token,
        variables: { state: back.searchParams.get('state'), code: back.searchParams.get('code') },
      })
      expect(completed.data?.completeBankAuthorization).toMatchObject({ status: 'CONSENT_REQUIRED' })
    } finally {
      await browser.close()
    }
  }, 60_000)
})

describe('refused before any bank call', () => {
  it('a state replayed, used by another PSU, or expired', async () => {
    const token = await present(CLAIRE)
    const { request: first } = await start(token)
    const back = await approve(first?.authorizationUrl ?? '', CLAIRE)
    expect((await t.query(COMPLETE, { token, variables: back })).errors).toBeUndefined()
    const replayed = await t.query(COMPLETE, { token, variables: back })
    expect(codes(replayed)).toEqual(['BAD_USER_INPUT'])

    // Another PSU presents CLAIRE's state: refused, and the state is spent for everyone.
    const { request: second } = await start(token)
    const stolen = await approve(second?.authorizationUrl ?? '', CLAIRE)
    expect(codes(await t.query(COMPLETE, { token: await present(LEA), variables: stolen }))).toEqual(['BAD_USER_INPUT'])
    expect(codes(await t.query(COMPLETE, { token, variables: stolen }))).toEqual(['BAD_USER_INPUT'])
    expect((await t.query(CONNECTIONS, { token: await present(LEA) })).data?.bankConnections).toMatchObject([
      { status: 'DISCONNECTED' },
    ])

    const { request: third } = await start(token)
    const late = await approve(third?.authorizationUrl ?? '', CLAIRE)
    clock.advance(10 * 60_000 + 1)
    const expired = await t.query(COMPLETE, { token, variables: late })
    // Past its 10 minutes the record is gone from the store too: refused like an unknown state.
    expect(codes(expired)).toEqual(['BAD_USER_INPUT'])
  })

  it('a redirect URI not on REDIRECT_URIS', async () => {
    const { res } = await start(await present(LEA), 'https://evil.example/cb')
    expect(codes(res)).toEqual(['BAD_USER_INPUT'])
    expect(res.data).toBeNull()
    const { res: ok } = await start(await present(LEA), 'https://app.example/cb')
    expect(ok.errors).toBeUndefined()
  })

  it("a bad IBAN checksum and another PSU's IBAN are BAD_USER_INPUT with no PUT; identical input sends nothing", async () => {
    expect((await link(LEA)).errors).toBeUndefined()
    const token = await present(LEA)
    const puts = () => countCalls(sandbox, { psuId: LEA, method: 'consents' }).total
    const before = puts()
    const badChecksum = LEA_MAIN.iban.slice(0, -1) + (LEA_MAIN.iban.endsWith('0') ? '1' : '0')
    const bad = await t.query(CONSENT, { token, variables: { input: consentInput({ balances: [badChecksum] }) } })
    expect(codes(bad)).toEqual(['BAD_USER_INPUT'])
    expect(bad.errors?.[0]?.message).toMatch(/balances\[0\] is not a valid IBAN/)
    const stranger = await t.query(CONSENT, {
      token,
      variables: { input: consentInput({ transactions: [LEA_MAIN.iban, CLAIRE_PRIV.iban] }) },
    })
    expect(codes(stranger)).toEqual(['BAD_USER_INPUT'])
    expect(stranger.errors?.[0]?.message).toMatch(/transactions\[1\] is not one of the PSU's accounts/)
    expect(puts()).toBe(before)

    expect((await t.query(CONSENT, { token, variables: { input: consentInput() } })).errors).toBeUndefined()
    expect(puts()).toBe(before + 1)
    // The same consent, written differently (spaces, lower case): nothing is sent.
    const spaced = LEA_MAIN.iban.toLowerCase().replace(/(.{4})/g, '$1 ')
    const same = await t.query(CONSENT, {
      token,
      variables: { input: consentInput({ balances: [spaced], transactions: [LEA_MAIN.iban, LEA_MAIN.iban] }) },
    })
    expect(same.errors).toBeUndefined()
    expect(puts()).toBe(before + 1)
  })

  it('a bank failure during PUT /consents leaves the consent in force as it was', async () => {
    const token = await present(LEA)
    const before = await t.query(CONNECTIONS, { token })
    expect(before.data?.bankConnections).toMatchObject([{ status: 'ACTIVE' }])
    const listBefore = await t.query('{ accounts { iban grants { balances transactions overdrafts } } }', { token })
    sandbox.failNext({ method: 'PUT', path: '/consents', status: 500, message: 'INTE' })
    const failed = await t.query(CONSENT, {
      token,
      variables: { input: consentInput({ balances: [LEA_MAIN.iban, LEA_SECOND.iban] }) },
    })
    expect(codes(failed)).toEqual(['BANK_UNAVAILABLE'])
    expect(JSON.stringify(failed)).not.toContain('INTE')
    expect((await t.query(CONNECTIONS, { token })).data).toEqual(before.data)
    expect(
      (await t.query('{ accounts { iban grants { balances transactions overdrafts } } }', { token })).data,
    ).toEqual(listBefore.data)
  })
})

describe("the bank's own answers", () => {
  it('NAAC: a PSU with no eligible account has an empty list, not an error', async () => {
    expect((await link(NO_ACCOUNT_PSU)).errors).toBeUndefined()
    const res = await t.query('{ accounts { iban } }', { token: await present(NO_ACCOUNT_PSU) })
    expect(res).toMatchObject({ data: { accounts: [] } })
    expect(res.errors).toBeUndefined()
  })

  it('403 TMRQ on each AIS method: the limit (BANK_LIMIT_REACHED, key exhausted), never CONSENT_REQUIRED, never retried', async () => {
    // LEA's main account granted for every resource; the list read by the present PSU, so cached fresh.
    const token = await partner(LEA)
    const granted = await t.query(CONSENT, {
      token: await present(LEA),
      variables: { input: consentInput({ overdrafts: [LEA_MAIN.iban] }) },
    })
    expect(granted.errors).toBeUndefined()
    const fields: [string, string, string][] = [
      ['balances', `/accounts/${LEA_MAIN.resourceId}/balances`, '{ accounts { balances { type } } }'],
      ['transactions', `/accounts/${LEA_MAIN.resourceId}/transactions`, '{ accounts { transactions { totalCount } } }'],
      [
        'overdrafts',
        `/accounts/${LEA_MAIN.resourceId}/overdrafts`,
        '{ accounts { overdraft { allowedAmount { amount } } } }',
      ],
      ['identity', '/end-user-identity', '{ identity { fullName } }'],
    ]
    for (const [method, faultPath, query] of fields) {
      const calls = () =>
        countCalls(sandbox, { psuId: LEA, method, iban: method === 'identity' ? null : LEA_MAIN.iban })
      const before = calls().total
      sandbox.failNext({ method: 'GET', path: faultPath, status: 403, message: 'TMRQ' })
      const limited = await t.query(query, { token })
      expect({ method, codes: codes(limited).filter((c) => c !== 'CONSENT_REQUIRED') }).toEqual({
        method,
        codes: ['BANK_LIMIT_REACHED'],
      })
      expect(calls().total).toBe(before + 1) // one call, no retry
      const next = await t.query(query, { token })
      expect({ method, codes: codes(next).filter((c) => c !== 'CONSENT_REQUIRED') }).toEqual({
        method,
        codes: ['QUOTA_EXHAUSTED'],
      })
      expect(calls().total).toBe(before + 1) // the key is exhausted until the window ends: no call
    }
    // The list itself (GET /accounts), for a PSU whose list is not cached.
    expect((await link(CLAIRE)).errors).toBeUndefined()
    const claire = await partner(CLAIRE)
    const accountCalls = () => countCalls(sandbox, { psuId: CLAIRE, method: 'accounts' }).total
    const before = accountCalls()
    sandbox.failNext({ method: 'GET', path: '/accounts', status: 403, message: 'TMRQ' })
    expect(codes(await t.query('{ accounts { iban } }', { token: claire }))).toEqual(['BANK_LIMIT_REACHED'])
    expect(codes(await t.query('{ accounts { iban } }', { token: claire }))).toEqual(['QUOTA_EXHAUSTED'])
    expect(accountCalls()).toBe(before + 1)
  })

  it('INTE is BANK_UNAVAILABLE and NIMP a code of its own, neither with the bank body', async () => {
    sandbox.failNext({ method: 'GET', path: '/end-user-identity', status: 501, message: 'NIMP' })
    const nimp = await t.query('{ identity { fullName } }', { token: await present(LEA) })
    expect(codes(nimp)).toEqual(['BANK_NOT_IMPLEMENTED'])
    sandbox.failNext({ method: 'GET', path: '/end-user-identity', status: 400, message: 'INTE' })
    const inte = await t.query('{ identity { fullName } }', { token: await present(LEA) })
    expect(codes(inte)).toEqual(['BANK_UNAVAILABLE'])
    expect(JSON.stringify([nimp, inte])).not.toMatch(/NIMP|INTE/)
  })

  it('a consent refusal is remembered: later unattended reads answer CONSENT_REQUIRED from memory and spend nothing', async () => {
    expect((await link(TECHNCO)).errors).toBeUndefined()
    const token = await partner(TECHNCO)
    const calls = () => countCalls(sandbox, { psuId: TECHNCO, method: 'identity' }).total
    const first = await t.query('{ identity { fullName } }', { token })
    expect(codes(first)).toEqual(['CONSENT_REQUIRED'])
    expect(first.extensions?.unattendedBankCalls).toBe(1)
    for (let i = 0; i < 3; i++) {
      const again = await t.query('{ identity { fullName } }', { token })
      expect(codes(again)).toEqual(['CONSENT_REQUIRED'])
      expect(again.extensions?.unattendedBankCalls).toBe(0)
    }
    expect(calls()).toBe(1)
    const quota = await t.query('{ quota { method used } }', { token })
    expect((quota.data?.quota as { method: string; used: number }[]).find((q) => q.method === 'IDENTITY')?.used).toBe(1)
    // A consent change forgets it: the next read asks the bank again.
    const present_ = await present(TECHNCO)
    const ibans = (
      (await t.query('{ accounts { iban } }', { token: present_ })).data?.accounts as { iban: string }[]
    ).map((a) => a.iban)
    await t.query(CONSENT, {
      token: present_,
      variables: { input: { balances: ibans, transactions: [], overdrafts: [], psuIdentity: false } },
    })
    expect(codes(await t.query('{ identity { fullName } }', { token }))).toEqual(['CONSENT_REQUIRED'])
    expect(calls()).toBe(2)
  })
})

describe('at rest', () => {
  it("the gateway's token and cache folders are 0700, their files 0600", async () => {
    for (const folder of ['tokens', 'cache', 'keys']) {
      const dir = path.join(t.dataDir, folder)
      expect({ folder, mode: (await stat(dir)).mode & 0o777 }).toEqual({ folder, mode: 0o700 })
    }
    for (const file of ['tokens/data.mdb', 'cache/data.mdb', 'keys/token-encryption-key']) {
      expect({ file, mode: (await stat(path.join(t.dataDir, file))).mode & 0o777 }).toEqual({ file, mode: 0o600 })
    }
  })
})

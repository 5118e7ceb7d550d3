import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import {
  BankCredentialsRejectedError,
  BankUnavailableError,
  ReauthorizationRequiredError,
  UnexpectedBankResponseError,
} from '../../src/stet/stet-errors.js'
import { CLIENT_ID, createHarness, tokenReply } from './client-harness.js'
import type { Harness } from './client-harness.js'
import { closedPort, startFakeBank } from './fake-bank.js'
import type { FakeBank } from './fake-bank.js'

let bank: FakeBank
let harness: Harness

beforeAll(async () => {
  bank = await startFakeBank(() => tokenReply('access-1', 'refresh-1'))
})

afterAll(async () => {
  await bank.close()
})

afterEach(async () => {
  await harness.close()
  bank.requests.length = 0
})

describe('OAuthClient', () => {
  it('builds the authorize URL with the five parameters (NOTES §4)', () => {
    harness = createHarness('https://www.17515.sandbox.api.89C3.com')
    const url = new URL(
      harness.oauth.authorizeUrl({ bank: '17515', redirectUri: 'https://tpp.example/cb?x=1', state: 's-1' }),
    )
    expect(url.origin + url.pathname).toBe('https://www.17515.sandbox.api.89c3.com/stet/psd2/oauth/authorize')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: 'https://tpp.example/cb?x=1',
      scope: 'aisp',
      state: 's-1',
    })
  })

  it('exchanges a code without scope, unsigned, as a form', async () => {
    harness = createHarness(bank.url)
    const tokens = await harness.oauth.exchangeCode({
      bank: '17515',
      code: 'c-1',
      redirectUri: 'https://tpp.example/cb',
    })
    expect(tokens.access_token).toBe('access-1')
    const [request] = bank.tokenRequests()
    expect(request?.method).toBe('POST')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request?.headers.signature).toBeUndefined()
    expect(request?.headers.digest).toBeUndefined()
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'c-1',
      redirect_uri: 'https://tpp.example/cb',
      client_id: CLIENT_ID,
    })
  })

  it('revokes with the RFC 7009 form', async () => {
    bank.setHandler(() => ({ status: 200 }))
    harness = createHarness(bank.url)
    await harness.oauth.revoke('17515', 'refresh-9')
    const [request] = bank.requests
    expect(request?.path).toBe('/stet/psd2/oauth/revoke')
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      token: 'refresh-9',
      token_type_hint: 'refresh_token',
      client_id: CLIENT_ID,
    })
  })

  it('maps /token errors: invalid_grant → REAUTHORIZATION_REQUIRED, invalid_client → BANK_CREDENTIALS_REJECTED, 503, bad shape', async () => {
    harness = createHarness(bank.url)
    bank.setHandler(() => ({ status: 400, body: { error: 'invalid_grant' } }))
    await expect(harness.oauth.refresh('17515', 'r')).rejects.toBeInstanceOf(ReauthorizationRequiredError)
    bank.setHandler(() => ({ status: 401, body: { error: 'invalid_client' } }))
    // Our client id or certificate: a configuration error, never the PSU's (nor a masked internal error).
    await expect(harness.oauth.refresh('17515', 'r')).rejects.toBeInstanceOf(BankCredentialsRejectedError)
    bank.setHandler(() => ({ status: 503 }))
    await expect(harness.oauth.refresh('17515', 'r')).rejects.toBeInstanceOf(BankUnavailableError)
    bank.setHandler(() => ({ status: 200, body: { access_token: 'a' } }))
    await expect(harness.oauth.refresh('17515', 'r')).rejects.toBeInstanceOf(UnexpectedBankResponseError)
    expect(bank.requests).toHaveLength(4)
  })

  it('a refused connection to /token is BankUnavailableError{neverLeft:true}', async () => {
    harness = createHarness(`http://127.0.0.1:${await closedPort()}`)
    const error = await harness.oauth.refresh('17515', 'r').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BankUnavailableError)
    expect((error as BankUnavailableError).neverLeft).toBe(true)
  })
})

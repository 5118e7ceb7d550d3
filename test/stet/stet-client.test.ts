import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { verify } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import type { PsuContext } from '../../src/stet-api/access.js'
import { buildSigningString, EMPTY_BODY_DIGEST, computeDigest } from '../../src/stet/http-signature.js'
import { STET_REQUEST_CHANNEL } from '../../src/stet/stet-client.js'
import type { StetRequestEvent } from '../../src/stet/stet-client.js'
import {
  BankBadRequestError,
  BankCredentialsRejectedError,
  BankLimitReachedError,
  BankNotFoundError,
  BankUnavailableError,
  ConsentMissingError,
  ReauthorizationRequiredError,
  ReplayRefusedError,
  UnexpectedBankResponseError,
  WrongMethodError,
} from '../../src/stet/stet-errors.js'
import {
  ACCOUNTS_BODY,
  BALANCES_BODY,
  createHarness,
  KEY_ID,
  REF,
  SIGNING_PUBLIC_KEY_PEM,
  tokenReply,
} from './client-harness.js'
import type { Harness } from './client-harness.js'
import { closedPort, RecordingReservation, startFakeBank } from './fake-bank.js'
import type { FakeBank, FakeHandler, RecordedRequest } from './fake-bank.js'

const SECRET = 'SECRET-MARKER-7f3a'
const PSU: PsuContext = {
  kind: 'psu',
  ipAddress: '192.168.0.1',
  ipPort: 51234,
  userAgent: 'Mozilla/5.0',
  acceptLanguage: 'fr-FR',
}
const INVALID_TOKEN: FakeHandler = () => ({
  status: 401,
  headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  body: { status: 401, message: 'invalid_token' },
})

let bank: FakeBank
let harness: Harness

/** Routes /token to `token` and everything else to `resource`. */
function route(resource: FakeHandler, token: FakeHandler = () => tokenReply('access-2', 'refresh-2')): FakeHandler {
  let resourceIndex = 0
  return (request, index) =>
    request.path === '/stet/psd2/oauth/token' ? token(request, index) : resource(request, resourceIndex++)
}

function verifySignature(request: RecordedRequest): boolean {
  const params = Object.fromEntries(
    [...(request.headers.signature ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
  )
  const names = (params.headers ?? '').split(' ')
  const signingString = buildSigningString(
    { method: request.method, pathWithQuery: request.url, headers: request.headers },
    names,
  )
  return verify(
    'sha256',
    Buffer.from(signingString),
    SIGNING_PUBLIC_KEY_PEM,
    Buffer.from(params.signature ?? '', 'base64'),
  )
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    if (error instanceof Error) return error
    throw new Error('a non-Error was thrown')
  }
  throw new Error('expected a rejection')
}

beforeAll(async () => {
  bank = await startFakeBank(() => ({ status: 500 }))
})

afterAll(async () => {
  await bank.close()
})

afterEach(async () => {
  await harness.close()
  bank.requests.length = 0
})

async function setup(resource: FakeHandler, token?: FakeHandler): Promise<void> {
  bank.setHandler(route(resource, token))
  harness = createHarness(bank.url)
  await harness.seed()
}

describe('request building', () => {
  it('sends PSU-* with a PsuContext, signed and in order, and the common headers', async () => {
    await setup(() => ({ status: 200, body: ACCOUNTS_BODY }))
    const result = await harness.client.listAccounts(REF, PSU)
    expect(result.accounts[0]?.resourceId).toBe('175150009204004305180')
    const [request] = bank.resourceRequests()
    expect(request?.path).toBe('/stet/psd2/v1.6.2/accounts')
    expect(request?.headers['psu-ip-address']).toBe('192.168.0.1')
    expect(request?.headers['psu-ip-port']).toBe('51234')
    expect(request?.headers['psu-user-agent']).toBe('Mozilla/5.0')
    expect(request?.headers.authorization).toBe('Bearer access-1')
    expect(request?.headers.digest).toBe(EMPTY_BODY_DIGEST)
    expect(request?.headers.date).toBe('Tue, 25 Nov 2025 10:00:00 GMT')
    expect(request?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(request?.headers.accept).toBe('application/hal+json, application/json')
    expect(request?.headers.signature).toContain(
      `keyId="${KEY_ID}",algorithm="rsa-sha256",headers="(request-target) date x-request-id psu-ip-address psu-ip-port psu-user-agent psu-accept-language digest",signature="`,
    )
    expect(request !== undefined && verifySignature(request)).toBe(true)
  })

  it('never sends a PSU-* header with a Reservation', async () => {
    await setup(() => ({ status: 200, body: BALANCES_BODY }))
    const reservation = new RecordingReservation('k')
    const balances = await harness.client.getBalances(REF, '175150009204004305180', reservation)
    expect(balances.balances[0]?.balanceAmount.amount).toBe('-150.00')
    const [request] = bank.resourceRequests()
    expect(Object.keys(request?.headers ?? {}).filter((name) => name.startsWith('psu-'))).toEqual([])
    expect(request?.headers.signature).toContain('headers="(request-target) date x-request-id digest"')
    expect(request !== undefined && verifySignature(request)).toBe(true)
    expect(reservation.released).toBe(0)
  })

  it('percent-encodes the dates (+ → %2B), signs the query as sent, and returns no transactions on 204', async () => {
    await setup(() => ({ status: 204 }))
    const range = { dateFrom: '2025-10-01T00:00:00.000+02:00', dateTo: '2025-11-25T00:00:00.000+01:00' }
    expect(await harness.client.getTransactions(REF, 'acc 1', range, PSU)).toEqual({ transactions: [], digest: '' })
    const [request] = bank.resourceRequests()
    expect(request?.url).toBe(
      '/stet/psd2/v1.6.2/accounts/acc%201/transactions?dateFrom=2025-10-01T00:00:00.000%2B02:00&dateTo=2025-11-25T00:00:00.000%2B01:00',
    )
    expect(request?.query.get('dateFrom')).toBe(range.dateFrom)
    expect(request !== undefined && verifySignature(request)).toBe(true)
  })

  it('PUT /consents hashes and sends the same bytes, with content-type signed', async () => {
    await setup(() => ({ status: 201 }))
    const body = {
      balances: [{ iban: 'FR7617515000920400430518020' }],
      transactions: [{ iban: 'FR7617515000920400430518020' }],
      psuIdentity: false,
      trustedBeneficiaries: false,
    }
    await harness.client.putConsents(REF, body, PSU)
    const [request] = bank.resourceRequests()
    expect(request?.method).toBe('PUT')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers.digest).toBe('SHA-256=3oCws1riis8d9Z0tMiumCSYPfSdlfUc8NoZhVhnaYHY=')
    expect(request?.headers.digest).toBe(computeDigest(request?.body ?? ''))
    expect(request?.headers.signature).toContain(
      'headers="(request-target) date x-request-id content-type psu-ip-address',
    )
    expect(request !== undefined && verifySignature(request)).toBe(true)
  })

  it('publishes one gateway:stet:request event per attempt, without the query or any token', async () => {
    await setup(() => ({ status: 204 }))
    const events: StetRequestEvent[] = []
    const listener = (message: unknown): void => {
      events.push(message as StetRequestEvent)
    }
    subscribe(STET_REQUEST_CHANNEL, listener)
    try {
      await harness.client.getTransactions(
        REF,
        'a1',
        { dateFrom: '2025-10-01T00:00:00.000+02:00' },
        new RecordingReservation('k'),
      )
    } finally {
      unsubscribe(STET_REQUEST_CHANNEL, listener)
    }
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      method: 'GET',
      path: '/stet/psd2/v1.6.2/accounts/a1/transactions',
      status: 204,
      batch: true,
      replay: false,
    })
    expect(events[0]?.requestId).toBe(bank.resourceRequests()[0]?.headers['x-request-id'])
    expect(JSON.stringify(events)).not.toContain('access-1')
    expect(JSON.stringify(events)).not.toContain('dateFrom')
  })
})

describe('401 invalid_token: refresh, then replay exactly once', () => {
  it('with a PsuContext: one /token call, one replay with the new token', async () => {
    await setup((_request, index) =>
      index === 0 ? INVALID_TOKEN(_request, index) : { status: 200, body: ACCOUNTS_BODY },
    )
    const result = await harness.client.listAccounts(REF, PSU)
    expect(result.accounts).toHaveLength(1)
    expect(bank.tokenRequests()).toHaveLength(1)
    const resources = bank.resourceRequests()
    expect(resources).toHaveLength(2)
    expect(resources[1]?.headers.authorization).toBe('Bearer access-2')
    expect(resources[0]?.headers['x-request-id']).not.toBe(resources[1]?.headers['x-request-id'])
    expect((await harness.store.get(REF))?.refreshToken).toBe('refresh-2')
  })

  it('a second 401 → ReauthorizationRequiredError, no third request', async () => {
    await setup(INVALID_TOKEN)
    const error = await caught(harness.client.listAccounts(REF, PSU))
    expect(error).toBeInstanceOf(ReauthorizationRequiredError)
    expect(bank.resourceRequests()).toHaveLength(2)
    expect(bank.tokenRequests()).toHaveLength(1)
  })

  it('with a Reservation: reserveReplay once, the replay runs on the new reservation', async () => {
    await setup((_request, index) =>
      index === 0 ? INVALID_TOKEN(_request, index) : { status: 429, body: { status: 429, message: SECRET } },
    )
    const reservation = new RecordingReservation('k', true)
    const error = await caught(harness.client.getBalances(REF, 'a1', reservation))
    expect(error).toBeInstanceOf(BankLimitReachedError)
    expect(reservation.replaysAsked).toBe(1)
    expect(reservation.exhausted).toBe(0)
    expect(reservation.replays[0]?.exhausted).toBe(1)
    expect(bank.resourceRequests()).toHaveLength(2)
  })

  it('with a Reservation the ledger refuses: ReplayRefusedError and no replay', async () => {
    await setup(INVALID_TOKEN)
    const reservation = new RecordingReservation('k', false)
    const error = await caught(harness.client.getBalances(REF, 'a1', reservation))
    expect(error).toBeInstanceOf(ReplayRefusedError)
    expect((error as ReplayRefusedError).code).toBe('QUOTA_EXHAUSTED')
    expect(reservation.replaysAsked).toBe(1)
    expect(reservation.released).toBe(0)
    expect(bank.resourceRequests()).toHaveLength(1)
  })

  it('a 401 without invalid_token → BANK_CREDENTIALS_REJECTED (our signature, never the PSU), no refresh, no replay', async () => {
    await setup(() => ({ status: 401, body: { status: 401, message: 'Invalid signature: no match' } }))
    const error = await caught(harness.client.listAccounts(REF, PSU))
    expect(error).toBeInstanceOf(BankCredentialsRejectedError)
    expect((error as BankCredentialsRejectedError).code).toBe('BANK_CREDENTIALS_REJECTED')
    expect((error as BankCredentialsRejectedError).rejected).toBe('signature')
    expect(bank.tokenRequests()).toHaveLength(0)
    expect(bank.resourceRequests()).toHaveLength(1)
  })
})

describe('tokens', () => {
  it('concurrent calls with an expired token share ONE /token call', async () => {
    await setup(() => ({ status: 200, body: BALANCES_BODY }))
    await harness.seed({ accessTokenExpiresAt: harness.clock.now - 1 })
    await Promise.all(Array.from({ length: 10 }, () => harness.client.getBalances(REF, 'a1', PSU)))
    expect(bank.tokenRequests()).toHaveLength(1)
    const resources = bank.resourceRequests()
    expect(resources).toHaveLength(10)
    expect(resources.every((r) => r.headers.authorization === 'Bearer access-2')).toBe(true)
  })

  it('no tokens: ReauthorizationRequiredError, the reservation is released, nothing sent', async () => {
    await setup(() => ({ status: 200, body: BALANCES_BODY }))
    await harness.store.delete(REF)
    const reservation = new RecordingReservation('k')
    expect(await caught(harness.client.getBalances(REF, 'a1', reservation))).toBeInstanceOf(
      ReauthorizationRequiredError,
    )
    expect(reservation.released).toBe(1)
    expect(bank.requests).toHaveLength(0)
  })

  it('a refresh answered invalid_grant → ReauthorizationRequiredError and the dead tokens are dropped', async () => {
    await setup(
      () => ({ status: 200, body: BALANCES_BODY }),
      () => ({ status: 400, body: { error: 'invalid_grant', error_description: SECRET } }),
    )
    await harness.seed({ accessTokenExpiresAt: harness.clock.now + 1000 })
    const error = await caught(harness.client.getBalances(REF, 'a1', PSU))
    expect(error).toBeInstanceOf(ReauthorizationRequiredError)
    expect(String(error)).not.toContain(SECRET)
    expect(await harness.store.get(REF)).toBeUndefined()
    expect(bank.resourceRequests()).toHaveLength(0)
  })
})

describe('outcomes', () => {
  it('429 → markExhausted, BankLimitReachedError', async () => {
    await setup(() => ({ status: 429, body: { status: 429, error: 'Too Many Requests', message: `Limite ${SECRET}` } }))
    const reservation = new RecordingReservation('k')
    const error = await caught(harness.client.getTransactions(REF, 'a1', {}, reservation))
    expect(error).toBeInstanceOf(BankLimitReachedError)
    expect(reservation.exhausted).toBe(1)
    expect(reservation.released).toBe(0)
  })

  it('a ledger that fails to mark the key exhausted does not hide the 429 (the bank keeps its own count)', async () => {
    await setup(() => ({ status: 429, body: { status: 429, message: 'Limite' } }))
    const reservation = new RecordingReservation('k')
    reservation.markExhausted = async () => {
      throw new Error('store down')
    }
    const error = await caught(harness.client.getTransactions(REF, 'a1', {}, reservation))
    expect(error).toBeInstanceOf(BankLimitReachedError)
  })

  it('connection refused → release, BankUnavailableError{neverLeft:true}', async () => {
    const port = await closedPort()
    bank.setHandler(() => ({ status: 500 }))
    harness = createHarness(`http://127.0.0.1:${port}`)
    await harness.seed()
    const reservation = new RecordingReservation('k')
    const error = await caught(harness.client.getBalances(REF, 'a1', reservation))
    expect(error).toBeInstanceOf(BankUnavailableError)
    expect((error as BankUnavailableError).neverLeft).toBe(true)
    expect(reservation.released).toBe(1)
  })

  it('a headers timeout → BankUnavailableError{neverLeft:false}, the reservation is kept', async () => {
    bank.setHandler(route(() => ({ status: 200, hang: true })))
    harness = createHarness(bank.url, { timeouts: { connectMs: 2000, headersMs: 300, bodyMs: 300 } })
    await harness.seed()
    const reservation = new RecordingReservation('k')
    const error = await caught(harness.client.getBalances(REF, 'a1', reservation))
    expect(error).toBeInstanceOf(BankUnavailableError)
    expect((error as BankUnavailableError).neverLeft).toBe(false)
    expect(reservation.released).toBe(0)
    expect(bank.resourceRequests()).toHaveLength(1)
  })

  it('500 → BankUnavailableError and no retry (exactly one request)', async () => {
    await setup(() => ({ status: 500, body: { status: 500, message: SECRET } }))
    const reservation = new RecordingReservation('k')
    const error = await caught(harness.client.getBalances(REF, 'a1', reservation))
    expect(error).toBeInstanceOf(BankUnavailableError)
    expect((error as BankUnavailableError).neverLeft).toBe(false)
    expect((error as BankUnavailableError).status).toBe(500)
    expect(bank.resourceRequests()).toHaveLength(1)
    expect(reservation.released).toBe(0)
  })

  it.each([
    ['malformed JSON', { status: 200, body: `{"balances": [ ${SECRET}` }],
    [
      'a bad shape',
      {
        status: 200,
        body: {
          balances: [{ name: SECRET, balanceType: 'NOPE', balanceAmount: { amount: SECRET, currency: 'EUR' } }],
          _links: { self: { href: '/' } },
        },
      },
    ],
    [
      'an inexact amount',
      {
        status: 200,
        body: {
          balances: [{ name: 'x', balanceType: 'CLBD', balanceAmount: { amount: 0.125, currency: 'EUR' } }],
          _links: { self: { href: '/' } },
        },
      },
    ],
  ])('%s → UnexpectedBankResponseError', async (_label, reply) => {
    await setup(() => reply)
    const error = await caught(harness.client.getBalances(REF, 'a1', PSU))
    expect(error).toBeInstanceOf(UnexpectedBankResponseError)
    expect(error.message).not.toContain(SECRET)
    expect(String(error)).not.toContain(SECRET)
    expect(String(error.cause)).not.toContain(SECRET)
  })

  it.each([
    [400, BankBadRequestError, 'BAD_USER_INPUT'],
    [403, ConsentMissingError, 'CONSENT_REQUIRED'],
    [404, BankNotFoundError, 'NOT_FOUND'],
    [405, WrongMethodError, 'INTERNAL_SERVER_ERROR'],
    [503, BankUnavailableError, 'BANK_UNAVAILABLE'],
    [418, UnexpectedBankResponseError, 'BANK_UNAVAILABLE'],
  ] as const)('%i → %p (%s), never the bank body in the message', async (status, type, code) => {
    await setup(() => ({
      status,
      body: { timestamp: '2021-05-27 14:07:11', status, error: SECRET, message: `${SECRET} details`, path: SECRET },
    }))
    const error = await caught(harness.client.getIdentity(REF, PSU))
    expect(error).toBeInstanceOf(type)
    expect(error).toHaveProperty('code', code)
    expect(error.message).not.toContain(SECRET)
    expect(String(error)).not.toContain(SECRET)
    expect(bank.resourceRequests()).toHaveLength(1)
  })

  it('GET /accounts 404 NAAC → an empty list (NOTES §5); another 404 stays NOT_FOUND', async () => {
    await setup(() => ({
      status: 404,
      body: { timestamp: '2021-05-27 14:07:11.000000000', status: 404, message: 'NAAC', path: '/x' },
    }))
    expect((await harness.client.listAccounts(REF, PSU)).accounts).toEqual([])
    await harness.close()
    await setup(() => ({ status: 404, body: { status: 404, message: 'Not Found' } }))
    expect(await caught(harness.client.listAccounts(REF, PSU))).toBeInstanceOf(BankNotFoundError)
  })
})

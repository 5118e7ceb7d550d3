import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { LIMIT_MESSAGE } from '../../src/sandbox/ais-pipeline.js'
import type { SandboxStats } from '../../src/sandbox/sandbox-bank.js'
import { OAUTH_REVOKE_PATH } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import {
  callAis,
  CLIENT_ID,
  obtainToken,
  postForm,
  putConsent,
  rawRequest,
  startSession,
} from '../support/sandbox-session.js'
import { GEORGES, LEA, LEA_MAIN, LEA_SECOND, UNKNOWN_ACCOUNT } from '../support/sandbox-personas.js'

let session: SandboxSession
let lea: string
let georges: string
const balances = `/accounts/${LEA_MAIN.resourceId}/balances`
const transactions = `/accounts/${LEA_MAIN.resourceId}/transactions`

beforeAll(async () => {
  // Tokens that outlive the clock moves of this file.
  session = await startSession({ nowIso: '2025-11-25T10:00:00.000+01:00', accessTokenTtlSeconds: 400 * 24 * 3600 })
  lea = (await obtainToken(session, LEA)).access_token
  georges = (await obtainToken(session, GEORGES)).access_token
})
afterAll(async () => {
  await session.bank.close()
})
beforeEach(async () => {
  session.time.set('2025-11-25T10:00:00.000+01:00')
  await postForm(session, '/sandbox/reset', {})
  const everything = [LEA_MAIN.iban, LEA_SECOND.iban]
  await putConsent(session, lea, {
    balances: everything,
    transactions: everything,
    overdrafts: everything,
    psuIdentity: true,
  })
})

async function unattended(path: string, token = lea): Promise<number> {
  return (await callAis(session, { path, token, unattended: true })).status
}

async function statuses(path: string, count: number, token = lea): Promise<number[]> {
  const result: number[] = []
  for (let i = 0; i < count; i++) result.push(await unattended(path, token))
  return result
}

function keyOf(stats: SandboxStats, iban: string | null, method: string, day?: string) {
  return stats.keys.find((key) => key.iban === iban && key.method === method && (day === undefined || key.day === day))
}

describe('the daily limit of unattended calls (BANK Limits)', () => {
  it('answers the 5th unattended call on a key with the bank’s 429 body', async () => {
    expect(await statuses(balances, 4)).toEqual([200, 200, 200, 200])
    const refused = await callAis(session, { path: balances, token: lea, unattended: true, requestId: 'req-5' })
    expect(refused.status).toBe(429)
    expect(refused.headers['x-request-id']).toBe('req-5')
    expect(refused.json).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/),
      status: 429,
      error: 'Too Many Requests',
      message: 'Limite des appels par jour dépassée (Erreur H6B-QA03AAH5)',
      path: `/stet/psd2/v1.6.2${balances}`,
    })
    expect(LIMIT_MESSAGE).toBe('Limite des appels par jour dépassée (Erreur H6B-QA03AAH5)')
    expect(await unattended(balances)).toBe(429)
  })

  it('never limits calls with PSU-IP-Address, and leaves other keys and methods alone', async () => {
    await statuses(balances, 5)
    for (let i = 0; i < 6; i++) expect((await callAis(session, { path: balances, token: lea })).status).toBe(200)
    expect(await unattended(`/accounts/${LEA_SECOND.resourceId}/balances`)).toBe(200)
    expect(await unattended(transactions)).toBe(200)
    expect(await unattended(`/accounts/${LEA_MAIN.resourceId}/overdrafts`)).toBe(200)
    expect(await unattended('/accounts')).toBe(200)
    expect(await unattended('/end-user-identity')).toBe(200)
    await putConsent(session, georges, { transactions: ['FR7617515000920400085945890'] })
    expect(await unattended('/accounts', georges)).toBe(200)

    const stats = session.bank.stats()
    expect(keyOf(stats, LEA_MAIN.iban, 'balances')).toEqual({
      clientId: CLIENT_ID,
      psuId: LEA,
      iban: LEA_MAIN.iban,
      method: 'balances',
      day: '2025-11-25',
      batch: 4,
      present: 6,
      psuIpAddresses: ['203.0.113.7'],
      refused: 1,
      maxInFlight: 1,
    })
  })

  it('counts /accounts and /end-user-identity with no IBAN, and each on its own', async () => {
    expect(await statuses('/accounts', 5)).toEqual([200, 200, 200, 200, 429])
    expect(await statuses('/end-user-identity', 5)).toEqual([200, 200, 200, 200, 429])
    const stats = session.bank.stats()
    expect(keyOf(stats, null, 'accounts')).toMatchObject({ batch: 4, refused: 1 })
    expect(keyOf(stats, null, 'identity')).toMatchObject({ batch: 4, refused: 1 })
  })

  it('treats /transactions with or without dates as one method', async () => {
    const withDates = `${transactions}?dateFrom=${encodeURIComponent('2025-11-01T00:00:00.000+01:00')}`
    expect([await unattended(transactions), await unattended(withDates), await unattended(transactions)]).toEqual([
      200, 200, 200,
    ])
    expect(await unattended(`${transactions}?dateTo=2025-11-20T00:00:00.000Z`)).toBe(200)
    expect(await unattended(withDates)).toBe(429)
  })

  it('counts details as their own method', async () => {
    const list = await callAis(session, { path: transactions, token: lea })
    const body = list.json as { transactions: { _links?: { details?: { href: string } } }[] }
    const href = body.transactions.find((transaction) => transaction._links?.details)?._links?.details?.href ?? ''
    const detailsPath = href.replace('/stet/psd2/v1.6.2', '')
    expect(await statuses(detailsPath, 5)).toEqual([200, 200, 200, 200, 429])
    expect(keyOf(session.bank.stats(), LEA_MAIN.iban, 'details')).toMatchObject({ batch: 4, refused: 1 })
  })

  it('counts what reaches the bank: errors, an unknown account (keyed by its id), a revoked token', async () => {
    const unknown = `/accounts/${UNKNOWN_ACCOUNT}/balances`
    expect(await statuses(unknown, 5)).toEqual([404, 404, 404, 404, 429])
    expect(keyOf(session.bank.stats(), UNKNOWN_ACCOUNT, 'balances')).toMatchObject({ batch: 4, refused: 1 })

    expect(await statuses(`${transactions}?dateFrom=yesterday`, 2)).toEqual([400, 400])
    const revoked = await obtainToken(session, LEA)
    await postForm(session, OAUTH_REVOKE_PATH, { token: revoked.refresh_token ?? '', client_id: CLIENT_ID })
    expect(await unattended(transactions, revoked.access_token)).toBe(401)
    expect(await statuses(transactions, 2)).toEqual([200, 429])
    expect(keyOf(session.bank.stats(), LEA_MAIN.iban, 'transactions')).toMatchObject({ batch: 4, refused: 1 })
  })

  it('counts a call made with an expired token (it reached the bank)', async () => {
    const short = await startSession({ accessTokenTtlSeconds: 60 })
    try {
      const token = (await obtainToken(short, LEA)).access_token
      const call = async () => (await callAis(short, { path: '/accounts', token, unattended: true })).status
      expect([await call(), await call()]).toEqual([200, 200])
      short.time.advance(61 * 1000)
      expect([await call(), await call(), await call()]).toEqual([401, 401, 429])
      expect(short.bank.stats().totals).toEqual({ batch: 4, present: 0, refused: 1 })
    } finally {
      await short.bank.close()
    }
  })

  it('does not limit PUT /consents, but records it', async () => {
    for (let i = 0; i < 6; i++) {
      const put = await callAis(session, {
        method: 'PUT',
        path: '/consents',
        token: lea,
        unattended: true,
        json: {
          balances: [{ iban: LEA_MAIN.iban }],
          transactions: [],
          psuIdentity: false,
          trustedBeneficiaries: false,
        },
      })
      expect(put.status).toBe(201)
    }
    // One present consent in beforeEach, six unattended here.
    expect(keyOf(session.bank.stats(), null, 'consents')).toMatchObject({ batch: 6, present: 1, refused: 0 })
  })

  it('honours dailyLimit', async () => {
    const strict = await startSession({ dailyLimit: 2 })
    try {
      const token = (await obtainToken(strict, LEA)).access_token
      const codes: number[] = []
      for (let i = 0; i < 3; i++)
        codes.push((await callAis(strict, { path: '/accounts', token, unattended: true })).status)
      expect(codes).toEqual([200, 200, 429])
    } finally {
      await strict.bank.close()
    }
  })
})

describe('the calendar day is Europe/Paris, by the sandbox clock', () => {
  async function exhaustAt(iso: string): Promise<void> {
    session.time.set(iso)
    expect(await statuses(balances, 5)).toEqual([200, 200, 200, 200, 429])
  }

  it('resets at Paris midnight, not at UTC midnight', async () => {
    await exhaustAt('2025-11-25T23:59:59.999+01:00')
    session.time.advance(1)
    expect(await unattended(balances)).toBe(200)
    // 00:30 in Paris is still 23:30 UTC of the day before: a UTC counter would refuse here.
    session.time.set('2025-11-26T00:30:00.000+01:00')
    expect(await statuses(balances, 4)).toEqual([200, 200, 200, 429])
    const days = session.bank
      .stats()
      .keys.filter((key) => key.method === 'balances')
      .map((key) => [key.day, key.batch, key.refused])
    expect(days).toEqual([
      ['2025-11-25', 4, 1],
      ['2025-11-26', 4, 1],
    ])
  })

  it('keeps the 23-hour spring-forward day (2025-03-30) as one day', async () => {
    await exhaustAt('2025-03-30T00:00:00.000+01:00')
    session.time.set('2025-03-30T23:59:59.999+02:00')
    expect(await unattended(balances)).toBe(429)
    session.time.advance(1)
    expect(await unattended(balances)).toBe(200)
  })

  it('keeps the 25-hour fall-back day (2025-10-26) as one day, longer than 24 h', async () => {
    await exhaustAt('2025-10-26T00:30:00.000+02:00')
    // 24 h later by the clock, yet still 26 October in Paris.
    session.time.set('2025-10-26T23:30:00.000+01:00')
    expect(await unattended(balances)).toBe(429)
    session.time.set('2025-10-27T00:00:00.000+01:00')
    expect(await unattended(balances)).toBe(200)
  })
})

describe('GET /sandbox/stats and POST /sandbox/reset', () => {
  it('reflect the calls, the same as bank.stats()', async () => {
    await statuses('/accounts', 5)
    await callAis(session, { path: '/accounts', token: lea })
    const response = await rawRequest(session, 'GET', '/sandbox/stats', {})
    expect(response.status).toBe(200)
    const stats = response.json as SandboxStats
    expect(stats).toEqual(session.bank.stats())
    expect(keyOf(stats, null, 'accounts')).toMatchObject({ batch: 4, present: 1, refused: 1, day: '2025-11-25' })
    expect(stats.totals).toEqual({ batch: 4, present: 2, refused: 1 })

    expect((await postForm(session, '/sandbox/reset', {})).status).toBe(204)
    expect(session.bank.stats()).toEqual({ keys: [], totals: { batch: 0, present: 0, refused: 0 } })
    expect(await unattended('/accounts')).toBe(200)
  })
})

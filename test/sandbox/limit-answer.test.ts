/**
 * `limitAnswer: '403-TMRQ'`: past its 4 unattended calls a day, the sandbox refuses as Groupe BPCE may, with a 403
 * whose `message` is the code TMRQ (NOTES §5), instead of the 429. The counters work the same way either way: the
 * refused call is recorded as refused, the PSU present is never limited, PUT /consents is not limited.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { startSandboxBank } from '../../src/sandbox/sandbox-bank.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import {
  callAis,
  CLIENT_ID,
  obtainToken,
  postForm,
  putConsent,
  startSession,
  testPki,
} from '../support/sandbox-session.js'
import { LEA, LEA_MAIN, LEA_SECOND } from '../support/sandbox-personas.js'

let session: SandboxSession
let lea: string
let detailsPath = ''

beforeAll(async () => {
  session = await startSession({ limitAnswer: '403-TMRQ', accessTokenTtlSeconds: 24 * 3600 })
  lea = (await obtainToken(session, LEA)).access_token
})
afterAll(async () => {
  await session.bank.close()
})
beforeEach(async () => {
  await postForm(session, '/sandbox/reset', {})
  const everything = [LEA_MAIN.iban, LEA_SECOND.iban]
  await putConsent(session, lea, {
    balances: everything,
    transactions: everything,
    overdrafts: everything,
    psuIdentity: true,
  })
  if (detailsPath === '') {
    const list = await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/transactions`, token: lea })
    const body = list.json as { transactions: { _links?: { details?: { href: string } } }[] }
    const href = body.transactions.find((transaction) => transaction._links?.details)?._links?.details?.href ?? ''
    detailsPath = href.replace('/stet/psd2/v1.6.2', '')
  }
})

const METHODS: [string, () => string, string | null][] = [
  ['accounts', () => '/accounts', null],
  ['balances', () => `/accounts/${LEA_MAIN.resourceId}/balances`, LEA_MAIN.iban],
  ['transactions', () => `/accounts/${LEA_MAIN.resourceId}/transactions`, LEA_MAIN.iban],
  ['details', () => detailsPath, LEA_MAIN.iban],
  ['overdrafts', () => `/accounts/${LEA_MAIN.resourceId}/overdrafts`, LEA_MAIN.iban],
  ['identity', () => '/end-user-identity', null],
]

describe('past the daily limit with limitAnswer 403-TMRQ', () => {
  it.each(METHODS)(
    'GET %s: four unattended calls answered, the fifth refused with 403 TMRQ in BPCE’s body',
    async (method, path, iban) => {
      expect(detailsPath).toMatch(/\/details$/)
      for (let i = 0; i < 4; i++) {
        expect((await callAis(session, { path: path(), token: lea, unattended: true })).status).toBe(200)
      }
      const refused = await callAis(session, { path: path(), token: lea, unattended: true, requestId: 'req-5' })
      expect(refused.status).toBe(403)
      expect(refused.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(refused.headers['x-request-id']).toBe('req-5')
      // As the bank sends it: a code in `message`, and no `error` field.
      expect(refused.json).toEqual({
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/),
        status: 403,
        message: 'TMRQ',
        path: `/stet/psd2/v1.6.2${path().split('?')[0] ?? ''}`,
      })
      // Counted as refused, exactly as a 429 would be; the PSU present still reads.
      const key = session.bank.stats().keys.find((k) => k.method === method && k.iban === iban)
      expect(key).toMatchObject({ batch: 4, refused: 1 })
      expect((await callAis(session, { path: path(), token: lea })).status).toBe(200)
      expect((await callAis(session, { path: path(), token: lea, unattended: true })).status).toBe(403)
      expect(session.bank.stats().keys.find((k) => k.method === method && k.iban === iban)).toMatchObject({
        batch: 4,
        refused: 2,
        present: 1,
      })
    },
  )

  it('never refuses PUT /consents, which the limit does not cover', async () => {
    for (let i = 0; i < 6; i++) {
      const put = await callAis(session, {
        method: 'PUT',
        path: '/consents',
        token: lea,
        unattended: true,
        json: { balances: [{ iban: LEA_MAIN.iban }], transactions: [], overdrafts: [], psuIdentity: false },
      })
      expect(put.status).toBe(201)
    }
  })

  it('refuses an unknown setting at start', async () => {
    await expect(
      startSandboxBank({
        clientId: CLIENT_ID,
        tppCertificatePem: testPki().qsealc.certPem,
        limitAnswer: '418' as never,
      }),
    ).rejects.toThrow(/limitAnswer must be one of 429, 403-TMRQ/)
  })
})

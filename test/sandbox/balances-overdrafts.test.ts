import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { HalBalances, HalOverdrafts } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { callAis, obtainToken, putConsent, startSession } from '../support/sandbox-session.js'
import { CLAIRE, CLAIRE_PRIV, CLAIRE_PRO, GILLES, GILLES_MAIN, LEA, LEA_MAIN } from '../support/sandbox-personas.js'

let session: SandboxSession
let lea: string
let claire: string

beforeAll(async () => {
  session = await startSession({ nowIso: '2025-03-30T09:15:00.000+02:00' })
  lea = (await obtainToken(session, LEA)).access_token
  claire = (await obtainToken(session, CLAIRE)).access_token
  await putConsent(session, lea, {
    balances: [LEA_MAIN.iban],
    transactions: [LEA_MAIN.iban],
    overdrafts: [LEA_MAIN.iban],
  })
  await putConsent(session, claire, {
    balances: [CLAIRE_PRIV.iban, CLAIRE_PRO.iban],
    transactions: [CLAIRE_PRIV.iban, CLAIRE_PRO.iban],
    overdrafts: [CLAIRE_PRO.iban],
  })
})
afterAll(async () => {
  await session.bank.close()
})

async function balanceOf(token: string, resourceId: string): Promise<HalBalances> {
  const response = await callAis(session, { path: `/accounts/${resourceId}/balances`, token })
  expect(response.status).toBe(200)
  return response.json as HalBalances
}

describe('GET /accounts/{id}/balances', () => {
  it('gives LEA a negative accounting balance, as a string, in the bank’s shape', async () => {
    const body = await balanceOf(lea, LEA_MAIN.resourceId)
    expect(body.balances).toEqual([
      {
        balanceType: 'CLBD',
        name: 'Solde comptable au 30/03/2025',
        balanceAmount: { amount: '-150.00', currency: 'EUR' },
      },
    ])
    expect(Number(body.balances[0]?.balanceAmount.amount)).toBeLessThan(0)
    expect(body._links.self.href).toBe(`/stet/psd2/v1.6.2/accounts/${LEA_MAIN.resourceId}/balances`)
    expect(body._links.transactions).toEqual({
      href: `/stet/psd2/v1.6.2/accounts/${LEA_MAIN.resourceId}/transactions`,
      templated: true,
    })
    expect(body._links['parent-list']?.href).toBe('/stet/psd2/v1.6.2/accounts')
  })

  it('gives CLAIRE …4026 a zero balance and CLAIRE …4006 a positive one', async () => {
    const zero = await balanceOf(claire, CLAIRE_PRIV.resourceId)
    expect(zero.balances[0]?.balanceAmount).toEqual({ amount: '0.00', currency: 'EUR' })
    const positive = await balanceOf(claire, CLAIRE_PRO.resourceId)
    expect(positive.balances[0]?.balanceAmount).toEqual({ amount: '23766.98', currency: 'EUR' })
    expect(Number(positive.balances[0]?.balanceAmount.amount)).toBeGreaterThan(0)
  })

  it('gives GILLES 11880.30 once consented, and 403 before', async () => {
    const gilles = (await obtainToken(session, GILLES)).access_token
    expect(
      (await callAis(session, { path: `/accounts/${GILLES_MAIN.resourceId}/balances`, token: gilles })).status,
    ).toBe(403)
    await putConsent(session, gilles, { balances: [GILLES_MAIN.iban] })
    expect((await balanceOf(gilles, GILLES_MAIN.resourceId)).balances[0]?.balanceAmount.amount).toBe('11880.30')
  })
})

describe('GET /accounts/{id}/overdrafts', () => {
  it('answers the authorised overdraft as a number, with links to the other granted resources', async () => {
    const response = await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/overdrafts`, token: lea })
    expect(response.status).toBe(200)
    const body = response.json as HalOverdrafts
    expect(body.overdrafts).toEqual({ allowedAmount: { amount: 200, currency: 'EUR' } })
    expect(body._links.self.href).toBe(`/stet/psd2/v1.6.2/accounts/${LEA_MAIN.resourceId}/overdrafts`)
    expect(body._links.balances?.href).toBe(`/stet/psd2/v1.6.2/accounts/${LEA_MAIN.resourceId}/balances`)
    const pro = (await callAis(session, { path: `/accounts/${CLAIRE_PRO.resourceId}/overdrafts`, token: claire }))
      .json as HalOverdrafts
    expect(pro.overdrafts.allowedAmount).toEqual({ amount: 500, currency: 'EUR' })
  })

  it('answers 403 on an account not consented for overdrafts', async () => {
    const response = await callAis(session, { path: `/accounts/${CLAIRE_PRIV.resourceId}/overdrafts`, token: claire })
    expect(response.status).toBe(403)
  })
})

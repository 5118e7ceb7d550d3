/**
 * The benchmark personas (npm run bench): opt-in with `benchPersonas`, absent otherwise, with well-formed IBANs and
 * a few transactions, served through the same OAuth flow and consent as the bank's personas.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  BENCH_COLD_FIVE,
  BENCH_COLD_TWENTY,
  BENCH_PERSONAS,
  BENCH_TWINS,
  findPersona,
  frenchIban,
  PERSONAS,
  personaFinder,
} from '../../src/sandbox/personas.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import {
  authorize,
  callAis,
  CLIENT_ID,
  obtainToken,
  putConsent,
  REDIRECT_URI,
  startSession,
} from '../support/sandbox-session.js'

/** ISO 13616: move the first four characters to the end, letters to numbers, the whole mod 97 must be 1. */
function ibanIsValid(iban: string): boolean {
  const moved = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55))
  return BigInt(moved) % 97n === 1n
}

/** The French RIB key: 97 - ((89 bank + 15 branch + 3 account) mod 97). */
function ribKeyIsValid(iban: string): boolean {
  const [bank, branch, account, key] = [iban.slice(4, 9), iban.slice(9, 14), iban.slice(14, 25), iban.slice(25, 27)]
  return 97 - ((89 * Number(bank) + 15 * Number(branch) + 3 * Number(account)) % 97) === Number(key)
}

describe('benchmark personas', () => {
  it('frenchIban rebuilds the bank page IBANs exactly', () => {
    expect(frenchIban('17515', '00092', '04004305180')).toBe('FR7617515000920400430518020')
    expect(frenchIban('17515', '90000', '04003580740')).toBe('FR7617515900000400358074026')
    for (const persona of PERSONAS) for (const account of persona.accounts) expect(ibanIsValid(account.iban)).toBe(true)
  })

  it('have 5 and 20 accounts, unique valid IBANs (twins aside), and no consent on file', () => {
    expect(BENCH_PERSONAS.find((p) => p.psuId === 'BENCH00005')?.accounts).toHaveLength(5)
    expect(BENCH_PERSONAS.find((p) => p.psuId === 'BENCH00020')?.accounts).toHaveLength(20)
    const ibans = BENCH_PERSONAS.filter((p) => BENCH_TWINS[p.psuId] === undefined).flatMap((p) =>
      p.accounts.map((a) => a.iban),
    )
    const known = PERSONAS.flatMap((p) => p.accounts.map((a) => a.iban))
    expect(new Set(ibans).size).toBe(ibans.length)
    expect(ibans.filter((iban) => known.includes(iban))).toEqual([])
    for (const iban of ibans) {
      expect(ibanIsValid(iban)).toBe(true)
      expect(ribKeyIsValid(iban)).toBe(true)
    }
    expect(BENCH_PERSONAS.every((p) => p.preseededConsent === undefined)).toBe(true)
  })

  it('hold one cold PSU per load connection: 64 of 5 accounts and 16 of 20, all distinct', () => {
    const accountsOf = (psuId: string): number | undefined =>
      BENCH_PERSONAS.find((p) => p.psuId === psuId)?.accounts.length
    expect(BENCH_COLD_FIVE.map(accountsOf)).toEqual(Array.from({ length: 64 }, () => 5))
    expect(BENCH_COLD_TWENTY.map(accountsOf)).toEqual(Array.from({ length: 16 }, () => 20))
    const ids = BENCH_PERSONAS.map((p) => p.psuId)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('twins hold exactly the accounts and identity of their original, under a PSU id of their own', () => {
    for (const [twin, of] of Object.entries(BENCH_TWINS)) {
      const copy = BENCH_PERSONAS.find((p) => p.psuId === twin)
      const original = BENCH_PERSONAS.find((p) => p.psuId === of)
      expect(original).toBeDefined()
      expect(copy).toEqual({ ...original, psuId: twin })
    }
  })

  it('are found only when asked for', () => {
    expect(findPersona('BENCH00005')).toBeUndefined()
    expect(personaFinder({ benchPersonas: false })('BENCH00005')).toBeUndefined()
    expect(personaFinder({ benchPersonas: true })('BENCH00005')?.accounts).toHaveLength(5)
    expect(personaFinder({ benchPersonas: true })('9999999901')?.psuId).toBe('9999999901')
  })
})

describe('a sandbox without benchPersonas', () => {
  let session: SandboxSession
  beforeAll(async () => {
    session = await startSession()
  })
  afterAll(async () => {
    await session.bank.close()
  })

  it('does not know the benchmark PSUs', async () => {
    const answer = await authorize(session, {
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      scope: 'aisp',
      state: 's',
      psu: 'BENCH00005',
    })
    expect(answer.status).toBe(400)
    expect(answer.json).toMatchObject({ error: 'invalid_request' })
  })
})

describe('a sandbox with benchPersonas', () => {
  let session: SandboxSession
  beforeAll(async () => {
    session = await startSession({ benchPersonas: true })
  })
  afterAll(async () => {
    await session.bank.close()
  })

  it('links BENCH00020: 20 accounts, then balances and transactions once consented', async () => {
    const token = (await obtainToken(session, 'BENCH00020')).access_token
    const before = await callAis(session, { path: '/accounts', token })
    expect(before.status).toBe(200)
    const ibans = (before.json as { accounts: { accountId: { iban: string } }[] }).accounts.map((a) => a.accountId.iban)
    expect(ibans).toHaveLength(20)
    const consent = await putConsent(session, token, {
      balances: ibans,
      transactions: ibans,
      overdrafts: ibans,
      psuIdentity: true,
    })
    expect(consent.status).toBe(201)
    const after = await callAis(session, { path: '/accounts', token })
    const resourceIds = (after.json as { accounts: { resourceId?: string }[] }).accounts.map((a) => a.resourceId)
    expect(resourceIds.every((id) => typeof id === 'string')).toBe(true)
    const balances = await callAis(session, { path: `/accounts/${resourceIds[3] ?? ''}/balances`, token })
    expect(balances.status).toBe(200)
    const identity = await callAis(session, { path: '/end-user-identity', token })
    expect(identity.json).toMatchObject({ identity: { fullName: 'BENCH TWENTY' } })
    // Light activity: over 20 accounts × 30 days at 0-1 a day, some accounts show transactions.
    let transactions = 0
    for (const id of resourceIds) {
      const answer = await callAis(session, { path: `/accounts/${id ?? ''}/transactions`, token })
      expect([200, 204]).toContain(answer.status)
      if (answer.status === 200) transactions += (answer.json as { transactions: unknown[] }).transactions.length
    }
    expect(transactions).toBeGreaterThan(20)
  })

  it('still serves the bank personas', async () => {
    const token = (await obtainToken(session, '9999999901')).access_token
    const accounts = await callAis(session, { path: '/accounts', token })
    expect((accounts.json as { accounts: unknown[] }).accounts).toHaveLength(2)
  })
})

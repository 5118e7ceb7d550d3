import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DateTime } from 'luxon'
import type { HalTransactionDetails, HalTransactions, TransactionResource } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { callAis, obtainToken, putConsent, startSession } from '../support/sandbox-session.js'
import { CLAIRE, CLAIRE_PRIV, CLAIRE_PRO, GEORGES, GEORGES_JOINT, LEA, LEA_MAIN } from '../support/sandbox-personas.js'

const NOW = '2025-11-25T10:00:00.000+01:00'
const DAY_MS = 24 * 3600 * 1000
let session: SandboxSession
let georges: string
let lea: string
let claire: string
let all: TransactionResource[]

const georgesPath = `/accounts/${GEORGES_JOINT.resourceId}/transactions`

/** The instant a filter compares: bookingDate, or transactionDate for an OTHR entry. */
function instantOf(transaction: TransactionResource): number {
  return Date.parse(transaction.bookingDate ?? transaction.transactionDate ?? '')
}

type DateFormat = 'Z' | '+HHMM' | '+HH:MM' | 'paris'
function format(epochMs: number, style: DateFormat): string {
  const paris = DateTime.fromMillis(epochMs, { zone: 'Europe/Paris' })
  if (style === 'Z') return new Date(epochMs).toISOString()
  if (style === 'paris') return paris.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")
  return paris.toFormat(style === '+HHMM' ? "yyyy-MM-dd'T'HH:mm:ss.SSSZZZ" : "yyyy-MM-dd'T'HH:mm:ss.SSSZZ")
}

async function list(
  query: string,
  token = georges,
): Promise<{ status: number; transactions: TransactionResource[]; message?: string }> {
  const response = await callAis(session, { path: `${georgesPath}${query}`, token })
  const body = response.json as (HalTransactions & { message?: string }) | undefined
  return { status: response.status, transactions: body?.transactions ?? [], message: body?.message }
}

beforeAll(async () => {
  session = await startSession({ nowIso: NOW })
  georges = (await obtainToken(session, GEORGES)).access_token
  lea = (await obtainToken(session, LEA)).access_token
  claire = (await obtainToken(session, CLAIRE)).access_token
  await putConsent(session, georges, { balances: [GEORGES_JOINT.iban], transactions: [GEORGES_JOINT.iban] })
  await putConsent(session, lea, { transactions: [LEA_MAIN.iban] })
  await putConsent(session, claire, { transactions: [CLAIRE_PRIV.iban, CLAIRE_PRO.iban] })
  const first = await list('')
  expect(first.status).toBe(200)
  all = first.transactions
})
afterAll(async () => {
  await session.bank.close()
})

describe('GET /accounts/{id}/transactions without dates', () => {
  it('gives GEORGES more than 200 transactions over the last 62 days, newest first', async () => {
    expect(all.length).toBeGreaterThan(200)
    expect(all.length).toBeLessThanOrEqual(500)
    const instants = all.map(instantOf)
    expect([...instants].sort((a, b) => b - a)).toEqual(instants)
    const earliest = DateTime.fromISO(NOW, { zone: 'Europe/Paris' }).startOf('day').minus({ days: 62 }).toMillis()
    expect(Math.min(...instants)).toBeGreaterThanOrEqual(earliest)
    expect(Math.max(...instants)).toBeLessThanOrEqual(Date.parse(NOW))
  })

  it('uses the bank’s shapes: string amounts, bare-array remittance, BOOK and OTHR only', () => {
    for (const transaction of all) {
      expect(typeof transaction.transactionAmount.amount).toBe('string')
      expect(transaction.transactionAmount.amount).toMatch(/^\d+\.\d{2}$/)
      expect(['CRDT', 'DBIT']).toContain(transaction.creditDebitIndicator)
      expect(['BOOK', 'OTHR']).toContain(transaction.status)
      expect(Array.isArray(transaction.remittanceInformation)).toBe(true)
      if (transaction.status === 'BOOK')
        expect(transaction.bookingDate).toMatch(/T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/)
    }
    const pending = all.filter((transaction) => transaction.status === 'OTHR')
    expect(pending.length).toBeGreaterThan(0)
    for (const transaction of pending) {
      expect(transaction.bookingDate).toBeUndefined()
      expect(transaction.transactionDate).toBeDefined()
    }
    // "entryReference" on most, absent on some (acceptance test: optional field empty).
    const withReference = all.filter((transaction) => transaction.entryReference !== undefined)
    expect(withReference.length).toBeGreaterThan(all.length / 2)
    expect(withReference.length).toBeLessThan(all.length)
    expect(new Set(withReference.map((transaction) => transaction.entryReference)).size).toBe(withReference.length)
  })

  it('gives the same data for the same clock, and the same past days after the clock moves', async () => {
    expect((await list('')).transactions).toEqual(all)
    session.time.advance(DAY_MS)
    const tomorrow = (await list('')).transactions
    session.time.set(NOW)
    const booked = (transactions: TransactionResource[]) =>
      transactions.filter(
        (transaction) => transaction.status === 'BOOK' && instantOf(transaction) < Date.parse(NOW) - 2 * DAY_MS,
      )
    const overlap = booked(tomorrow).filter((transaction) => instantOf(transaction) >= Math.min(...all.map(instantOf)))
    expect(overlap).toEqual(
      booked(all).filter((transaction) => instantOf(transaction) >= Math.min(...tomorrow.map(instantOf))),
    )
  })

  it('links transactions that have a resourceId to their details, which answer 200; others have no link', async () => {
    const linked = all.filter((transaction) => typeof transaction.resourceId === 'string')
    const unlinked = all.filter((transaction) => transaction.resourceId === null)
    expect(linked.length).toBeGreaterThan(0)
    expect(unlinked.length).toBeGreaterThan(0)
    for (const transaction of unlinked) expect(transaction._links).toBeUndefined()
    const sample = linked[0]
    const href = sample?._links?.details?.href ?? ''
    expect(href).toBe(`/stet/psd2/v1.6.2${georgesPath}/${encodeURIComponent(sample?.resourceId ?? '')}/details`)
    const details = await callAis(session, { path: href.replace('/stet/psd2/v1.6.2', ''), token: georges })
    expect(details.status).toBe(200)
    const body = details.json as HalTransactionDetails
    expect(body.transactionDetails).toMatchObject({
      resourceId: sample?.resourceId,
      transactionAmount: sample?.transactionAmount,
    })
    expect(body._links?.self?.href).toBe(href)
    const missing = await callAis(session, { path: `${georgesPath}/NOPE-123/details`, token: georges })
    expect(missing.status).toBe(404)
  })

  it('answers 204 with no body for CLAIRE …4026 (no transactions)', async () => {
    const response = await callAis(session, { path: `/accounts/${CLAIRE_PRIV.resourceId}/transactions`, token: claire })
    expect(response.status).toBe(204)
    expect(response.text).toBe('')
  })

  it('puts a bankTransactionCode on the pro account’s transactions (CLAIRE …4006)', async () => {
    const response = await callAis(session, { path: `/accounts/${CLAIRE_PRO.resourceId}/transactions`, token: claire })
    expect(response.status).toBe(200)
    const transactions = (response.json as HalTransactions).transactions
    expect(transactions.length).toBeGreaterThan(0)
    for (const transaction of transactions) {
      expect(transaction.bankTransactionCode).toMatchObject({ domain: 'PMNT', issuer: "SI MYSYS – Caisse d'Epargne" })
    }
    expect(all.every((transaction) => transaction.bankTransactionCode === undefined)).toBe(true)
  })
})

describe('dateFrom (included) and dateTo (excluded)', () => {
  const styles: DateFormat[] = ['Z', '+HHMM', '+HH:MM', 'paris']

  it.each(styles)('applies dateFrom given as %s', async (style) => {
    const pivot = all[Math.floor(all.length / 2)] as TransactionResource
    const at = instantOf(pivot)
    const included = await list(`?dateFrom=${encodeURIComponent(format(at, style))}`)
    expect(included.status).toBe(200)
    expect(included.transactions).toEqual(all.filter((transaction) => instantOf(transaction) >= at))
    expect(included.transactions).toContainEqual(pivot)
    const after = await list(`?dateFrom=${encodeURIComponent(format(at + 1, style))}`)
    expect(after.transactions).not.toContainEqual(pivot)
    expect(after.transactions).toEqual(all.filter((transaction) => instantOf(transaction) > at))
  })

  it.each(styles)('applies dateTo given as %s', async (style) => {
    const pivot = all[Math.floor(all.length / 3)] as TransactionResource
    const at = instantOf(pivot)
    const excluded = await list(`?dateTo=${encodeURIComponent(format(at, style))}`)
    expect(excluded.status).toBe(200)
    expect(excluded.transactions).not.toContainEqual(pivot)
    expect(excluded.transactions).toEqual(all.filter((transaction) => instantOf(transaction) < at))
    const until = await list(`?dateTo=${encodeURIComponent(format(at + 1, style))}`)
    expect(until.transactions).toContainEqual(pivot)
  })

  it('applies both: [dateFrom, dateTo)', async () => {
    const from = instantOf(all[150] as TransactionResource)
    const to = instantOf(all[50] as TransactionResource)
    const window = await list(
      `?dateFrom=${encodeURIComponent(format(from, '+HH:MM'))}&dateTo=${encodeURIComponent(format(to, 'Z'))}`,
    )
    const expected = all.filter((transaction) => instantOf(transaction) >= from && instantOf(transaction) < to)
    expect(window.transactions).toEqual(expected)
    expect(expected.length).toBeGreaterThan(90)
    expect(window.transactions).toContainEqual(all[150])
    expect(window.transactions).not.toContainEqual(all[50])
  })

  it('answers 204 for a window with no transaction', async () => {
    const at = Date.parse(NOW) - 70 * 60 * 1000
    const response = await callAis(session, {
      path: `${georgesPath}?dateFrom=${encodeURIComponent(format(at, 'Z'))}&dateTo=${encodeURIComponent(format(at, 'Z'))}`,
      token: georges,
    })
    expect(response.status).toBe(204)
  })

  it('answers 400 "Period out of bound expected" to a dateFrom older than 62 days (LEA)', async () => {
    const earliest = DateTime.fromISO(NOW, { zone: 'Europe/Paris' }).startOf('day').minus({ days: 62 })
    const path = `/accounts/${LEA_MAIN.resourceId}/transactions?dateFrom=`
    const tooOld = await callAis(session, {
      path: `${path}${encodeURIComponent(format(earliest.toMillis() - 1, '+HH:MM'))}`,
      token: lea,
    })
    expect(tooOld.status).toBe(400)
    expect(tooOld.json).toMatchObject({ status: 400, message: 'Period out of bound expected' })
    const farTooOld = await callAis(session, { path: `${path}2025-01-01T00:00:00.000Z`, token: lea })
    expect(farTooOld.status).toBe(400)
    const limit = await callAis(session, {
      path: `${path}${encodeURIComponent(format(earliest.toMillis(), '+HH:MM'))}`,
      token: lea,
    })
    expect([200, 204]).toContain(limit.status)
  })

  it.each([
    ['an impossible date', '2024-13-45T00:00:00.000Z'],
    ['a word', 'yesterday'],
    ['a date without time', '2025-11-20'],
    ['no milliseconds', '2025-11-20T10:00:00Z'],
    ['a raw + (decoded as a space)', '2025-11-20T10:00:00.000+01:00'],
    ['an empty value', ''],
  ])('answers 400 to %s', async (_label, value) => {
    for (const name of ['dateFrom', 'dateTo']) {
      const response = await list(`?${name}=${value}`)
      expect(response.status).toBe(400)
    }
  })

  it('answers 400 when dateTo is before dateFrom', async () => {
    const from = Date.parse(NOW) - 5 * DAY_MS
    const response = await list(
      `?dateFrom=${encodeURIComponent(format(from, 'Z'))}&dateTo=${encodeURIComponent(format(from - 1, 'Z'))}`,
    )
    expect(response.status).toBe(400)
  })
})

/**
 * The sandbox's moving data (SANDBOX_MOVING): off, the personas' history is the fixed one every other test reads;
 * on, pending cards are booked or dropped on the clock and the accounting balance follows the bookings, all drawn
 * from the date, so that the same clock gives the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { HalBalances } from '../../src/stet-api/wire.js'
import { findPersona } from '../../src/sandbox/personas.js'
import { accountingBalanceOf, transactionsOf } from '../../src/sandbox/transaction-ledger.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { callAis, obtainToken, putConsent, startSession } from '../support/sandbox-session.js'
import { GEORGES, GEORGES_JOINT } from '../support/sandbox-personas.js'

const DAY = 24 * 3600_000
/** A day whose pending cards include one dropped and one booked (see transactions-sync.test.ts). */
const T1 = Date.parse('2026-03-13T10:00:00.000+01:00')
const account = findPersona(GEORGES)?.accounts[0]
if (account === undefined) throw new Error('GEORGES has an account')

const refs = (entries: ReturnType<typeof transactionsOf>) => entries.map((e) => e.resource.entryReference ?? '')

describe('moving data, as the ledger computes it', () => {
  it('off: nothing is dropped and the balance is the persona’s', () => {
    const later = transactionsOf(account, T1 + 2 * DAY)
    const pendingBefore = transactionsOf(account, T1).filter((e) => e.resource.status === 'OTHR')
    for (const e of pendingBefore.filter((p) => p.resource.entryReference !== undefined)) {
      expect(refs(later)).toContain(e.resource.entryReference)
    }
    expect(accountingBalanceOf(account, T1 + 2 * DAY)).toBe(account.balance)
  })

  it('on: a pending card is dropped when it would have been booked, another is booked, and the same clock gives the same data', () => {
    const moving = { since: T1 }
    const before = transactionsOf(account, T1, moving)
    const after = transactionsOf(account, T1 + 2 * DAY, moving)
    const pendingCards = before.filter((e) => e.resource.status === 'OTHR' && e.resource.entryReference !== undefined)
    const dropped = pendingCards.filter((e) => !refs(after).includes(e.resource.entryReference ?? ''))
    const booked = pendingCards.filter((e) =>
      after.some((a) => a.resource.entryReference === e.resource.entryReference && a.resource.status === 'BOOK'),
    )
    expect(dropped).toHaveLength(1)
    expect(booked).toHaveLength(1)
    expect(transactionsOf(account, T1 + 2 * DAY, moving)).toEqual(after)
    // Dropped only once past pending: while pending it is listed.
    expect(refs(before)).toContain(dropped[0]?.resource.entryReference)
    // The bank's "more than 200 transactions" for GEORGES still holds over 62 days.
    expect(after.filter((e) => e.at >= T1 + 2 * DAY - 62 * DAY).length).toBeGreaterThan(200)
  })

  it('on: the balance is the persona’s at `since`, then follows each entry booked after it', () => {
    const moving = { since: T1 }
    expect(accountingBalanceOf(account, T1, moving)).toBe(account.balance)
    const later = T1 + 2 * DAY
    const booked = transactionsOf(account, later, moving).filter((e) => e.at >= T1 && e.resource.status === 'BOOK')
    expect(booked.length).toBeGreaterThan(0)
    const cents = booked.reduce(
      (sum, e) =>
        sum +
        (e.resource.creditDebitIndicator === 'CRDT' ? 1 : -1) *
          Math.round(Number(e.resource.transactionAmount.amount) * 100),
      Math.round(Number(account.balance) * 100),
    )
    expect(accountingBalanceOf(account, later, moving)).toBe((cents / 100).toFixed(2))
  })
})

describe('moving data over HTTP', () => {
  let session: SandboxSession
  let token: string
  beforeAll(async () => {
    session = await startSession({ nowIso: '2026-03-13T10:00:00.000+01:00', moving: { since: T1 } })
    token = (await obtainToken(session, GEORGES)).access_token
    await putConsent(session, token, { balances: [GEORGES_JOINT.iban], transactions: [GEORGES_JOINT.iban] })
  })
  afterAll(async () => {
    await session.bank.close()
  })

  it('GET /balances follows the clock', async () => {
    const balance = async () => {
      const res = await callAis(session, { path: `/accounts/${GEORGES_JOINT.resourceId}/balances`, token })
      return (res.json as HalBalances).balances[0]?.balanceAmount.amount
    }
    expect(await balance()).toBe(account.balance)
    session.time.advance(2 * DAY)
    token = (await obtainToken(session, GEORGES)).access_token
    expect(await balance()).toBe(accountingBalanceOf(account, T1 + 2 * DAY, { since: T1 }))
    expect(await balance()).not.toBe(account.balance)
  })
})

/**
 * The hand-written transactions check (src/stet/transactions-check.ts) against its specification, stet-schemas.ts'
 * `halTransactionsSchema`: on generated answers, mostly well formed, with every field sometimes of a wrong type, blank,
 * null or absent and with unknown properties, both accept with the same output or both refuse.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { halTransactionsSchema } from '../../src/stet/stet-schemas.js'
import { checkTransactions } from '../../src/stet/transactions-check.js'
import {
  amount,
  answerLinks,
  date,
  expectSameAsSpecification,
  junk,
  link,
  mostly,
  optionalKeys,
} from '../support/bank-answer-arbitraries.js'

const transaction = fc.record(
  {
    resourceId: mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constant(null))),
    entryReference: mostly(fc.string({ maxLength: 6 })),
    endToEndId: mostly(fc.string({ maxLength: 6 })),
    transactionAmount: mostly(amount),
    creditDebitIndicator: mostly(fc.constantFrom('CRDT', 'DBIT', 'X')),
    status: mostly(fc.constantFrom('BOOK', 'PDNG', 'OTHR', 'WXYZ')),
    bookingDate: mostly(date),
    expectedBookingDate: mostly(date),
    valueDate: mostly(date),
    transactionDate: mostly(date),
    bankTransactionCode: mostly(
      fc.record(
        {
          domain: mostly(fc.constant('PMNT')),
          family: mostly(fc.constant('ICDT')),
          subFamily: mostly(fc.constant('ESCT')),
          code: mostly(fc.string({ maxLength: 3 })),
          issuer: mostly(fc.string({ maxLength: 3 })),
        },
        { requiredKeys: ['domain', 'family', 'subFamily'] },
      ),
    ),
    remittanceInformation: mostly(
      fc.oneof(
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
        fc.record(
          {
            unstructured: mostly(fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
            structured: mostly(fc.array(junk, { maxLength: 2 })),
            other: fc.string(),
          },
          optionalKeys,
        ),
      ),
    ),
    _links: mostly(fc.record({ details: mostly(link), other: link }, optionalKeys)),
    // The bank may add anything: it must not reach the output.
    addedByTheBank: fc.string(),
  },
  { requiredKeys: ['transactionAmount', 'creditDebitIndicator', 'status'] },
)

const answer = fc.record(
  {
    transactions: mostly(fc.array(mostly(transaction), { maxLength: 5 })),
    _links: answerLinks(['parent-list', 'balances', 'next', 'prev', 'previous']),
    extra: junk,
  },
  { requiredKeys: ['transactions', '_links'] },
)

describe('checkTransactions ≡ halTransactionsSchema', () => {
  it('accepts what the schema accepts, with the same output, and refuses what it refuses', () => {
    const { accepted, refused } = expectSameAsSpecification(halTransactionsSchema, checkTransactions, answer, 20261203)
    // The generator exercises both sides (a check that refused everything would match a schema that did too).
    expect(accepted).toBeGreaterThan(300)
    expect(refused).toBeGreaterThan(300)
  })

  it('names paths and codes, never a value the bank sent', () => {
    const result = checkTransactions({
      transactions: [{ transactionAmount: { amount: 'SECRET-1', currency: 'EUR' }, creditDebitIndicator: 'DBIT' }],
      _links: { self: { href: 'SECRET-2' }, next: 'SECRET-3' },
    })
    expect(result).toEqual({
      ok: false,
      issues: [
        'transactions.0.transactionAmount.amount: custom',
        'transactions.0.status: invalid_type',
        '_links.next: invalid_type',
      ],
    })
  })

  it('stops listing issues past twenty (bounded work on a hostile answer)', () => {
    const transactions = Array.from({ length: 500 }, () => ({ status: 1 }))
    const result = checkTransactions({ transactions, _links: { self: { href: '/' } } })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.issues).toHaveLength(20)
  })

  it('keeps the output of a well-formed answer in one fixed shape per transaction', () => {
    const result = checkTransactions({
      transactions: [
        {
          resourceId: 'T1',
          transactionAmount: { amount: 12.5, currency: 'EUR' },
          creditDebitIndicator: 'CRDT',
          status: 'BOOK',
          bookingDate: '',
        },
        { transactionAmount: { amount: '+5.10', currency: 'EUR' }, creditDebitIndicator: 'DBIT', status: 'PDNG' },
      ],
      _links: { self: { href: '/t' } },
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const [first, second] = result.value.transactions
    expect(first?.transactionAmount.amount).toBe('12.5')
    expect(first?.bookingDate).toBeUndefined()
    expect(second?.transactionAmount.amount).toBe('5.10')
    expect(Object.keys(first ?? {})).toEqual(Object.keys(second ?? {}))
  })
})

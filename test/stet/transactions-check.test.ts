/**
 * The hand-written transactions check (src/stet/transactions-check.ts) against its specification, stet-schemas.ts'
 * `halTransactionsSchema`: on generated answers, mostly well formed, with every field sometimes of a wrong type, blank,
 * null or absent and with unknown properties, both accept with the same output or both refuse.
 */
import { describe, expect, it } from '@jest/globals'
import * as v from 'valibot'
import fc from 'fast-check'
import { halTransactionsSchema } from '../../src/stet/stet-schemas.js'
import { checkTransactions } from '../../src/stet/transactions-check.js'

/** What the bank could send in place of anything: the wrong types and the empty values. */
const junk = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('   '),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
)

/** Usually `valid`, once in 61 junk or absent (absent is a missing key: fc.record's requiredKeys). */
const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 60 }, { arbitrary: junk, weight: 1 })

const amountText = fc.oneof(
  { arbitrary: fc.constantFrom('13.00', '-150.00', '0.01'), weight: 20 },
  fc.constantFrom('13.00', '-150.00', '+5.10', ' 7.5 ', '0', '1e3', '1,5', '12345678901234567890.12'),
  { arbitrary: fc.integer({ min: -100_000, max: 100_000 }), weight: 5 },
  fc.constantFrom(12.5, -3.07, 0.123, 1e21),
)
const date = fc.oneof(
  fc.constantFrom('2026-11-30', '2026-11-30T10:00:00+0100', '2026-11-30T09:00:00Z', '', ' ', null),
  fc.string({ maxLength: 5 }),
)
const link = fc.record(
  { href: mostly(fc.constantFrom('/stet/psd2/v1.6.2/accounts/A1/transactions', 'x')), templated: mostly(fc.boolean()) },
  { requiredKeys: ['href'] },
)
const optionalKeys = { requiredKeys: [] as never[] }

const transaction = fc.record(
  {
    resourceId: mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 6 }), fc.constant(null))),
    entryReference: mostly(fc.string({ maxLength: 6 })),
    endToEndId: mostly(fc.string({ maxLength: 6 })),
    transactionAmount: mostly(
      fc.record(
        { amount: amountText, currency: fc.constantFrom('EUR', ''), extra: fc.string() },
        { requiredKeys: ['amount', 'currency'] },
      ),
    ),
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
    _links: mostly(
      fc.record(
        {
          self: mostly(link),
          'parent-list': mostly(link),
          balances: mostly(link),
          next: mostly(link),
          prev: mostly(link),
          previous: mostly(link),
          unknown: link,
        },
        { requiredKeys: ['self'] },
      ),
    ),
    extra: junk,
  },
  { requiredKeys: ['transactions', '_links'] },
)

describe('checkTransactions ≡ halTransactionsSchema', () => {
  it('accepts what the schema accepts, with the same output, and refuses what it refuses', () => {
    let accepted = 0
    let refused = 0
    fc.assert(
      fc.property(fc.oneof({ arbitrary: answer, weight: 20 }, { arbitrary: junk, weight: 1 }), (body) => {
        // Both read the same parsed JSON text, as checkBody gives it.
        const parsed: unknown = JSON.parse(JSON.stringify(body) ?? 'null')
        const spec = v.safeParse(halTransactionsSchema, parsed)
        const hand = checkTransactions(JSON.parse(JSON.stringify(body) ?? 'null'))
        expect(hand.ok).toBe(spec.success)
        if (hand.ok && spec.success) {
          accepted++
          expect(hand.value).toEqual(spec.output)
          expect(JSON.stringify(hand.value)).not.toContain('addedByTheBank')
        } else {
          refused++
        }
      }),
      { numRuns: 3000, seed: 20261203 },
    )
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

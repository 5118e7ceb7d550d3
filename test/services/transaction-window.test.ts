import { describe, expect, it } from '@jest/globals'
import type { TransactionRecord } from '../../src/services/records.js'
import {
  encodeCursor,
  pageTransactions,
  toStetDateParam,
  transactionWindowStart,
  validatePageArgs,
} from '../../src/services/transaction-window.js'

const tx = (id: string, iso: string): TransactionRecord => ({
  id,
  resourceId: id,
  entryReference: undefined,
  amount: { amount: '1.00', currency: 'EUR' },
  creditDebitIndicator: 'DBIT',
  status: 'BOOK',
  bookingDate: iso,
  valueDate: undefined,
  transactionDate: undefined,
  remittanceInformation: [],
  bankTransactionCode: undefined,
  hasDetails: false,
  sortTime: Date.parse(iso),
})

const all = [
  tx('a', '2026-11-01T10:00:00+01:00'),
  tx('b', '2026-11-20T10:00:00+01:00'),
  tx('c', '2026-11-10T00:00:00+01:00'),
  tx('d', '2026-11-09T23:59:59+01:00'),
]

describe('the transaction window', () => {
  it('starts at Paris midnight 61 days back, sent with milliseconds and an offset', () => {
    const now = Date.parse('2026-11-24T12:00:00Z')
    expect(toStetDateParam(transactionWindowStart(now))).toBe('2026-09-24T00:00:00.000+02:00')
  })

  it('moves its start exactly at each Paris midnight, on DST days too, whichever time was asked before', () => {
    const at = (iso: string): string => toStetDateParam(transactionWindowStart(Date.parse(iso)))
    // 2026-03-29 (23 h): Paris midnight is 2026-03-28T23:00Z; 2026-10-25 (25 h): 2026-10-24T22:00Z.
    expect(at('2026-03-28T22:59:59.999Z')).toBe('2026-01-26T00:00:00.000+01:00')
    expect(at('2026-03-28T23:00:00.000Z')).toBe('2026-01-27T00:00:00.000+01:00')
    expect(at('2026-03-29T21:59:59.999Z')).toBe('2026-01-27T00:00:00.000+01:00')
    expect(at('2026-03-29T22:00:00.000Z')).toBe('2026-01-28T00:00:00.000+01:00')
    expect(at('2026-10-25T22:59:59.999Z')).toBe('2026-08-25T00:00:00.000+02:00')
    expect(at('2026-10-24T22:00:00.000Z')).toBe('2026-08-25T00:00:00.000+02:00')
    expect(at('2026-10-24T21:59:59.999Z')).toBe('2026-08-24T00:00:00.000+02:00')
    expect(at('2026-10-25T23:00:00.000Z')).toBe('2026-08-26T00:00:00.000+02:00')
  })

  it('filters from (included) and to (excluded) on Paris days, newest first', () => {
    expect(pageTransactions(all, {}).nodes.map((t) => t.id)).toEqual(['b', 'c', 'd', 'a'])
    expect(pageTransactions(all, { from: '2026-11-10' }).nodes.map((t) => t.id)).toEqual(['b', 'c'])
    expect(pageTransactions(all, { to: '2026-11-10' }).nodes.map((t) => t.id)).toEqual(['d', 'a'])
  })

  it('pages a list already newest first as it is, ties in the bank order, with or without a filter', () => {
    const sorted = [
      tx('n1', '2026-11-20T10:00:00+01:00'),
      tx('t1', '2026-11-10T10:00:00+01:00'),
      tx('t2', '2026-11-10T10:00:00+01:00'),
      tx('o1', '2026-11-01T10:00:00+01:00'),
    ]
    expect(pageTransactions(sorted, {}).nodes.map((t) => t.id)).toEqual(['n1', 't1', 't2', 'o1'])
    expect(pageTransactions(sorted, { first: 2 }).nodes.map((t) => t.id)).toEqual(['n1', 't1'])
    expect(pageTransactions(sorted, { from: '2026-11-05' }).nodes.map((t) => t.id)).toEqual(['n1', 't1', 't2'])
  })

  it('pages with first/after and reports the edges of the page', () => {
    const p1 = pageTransactions(all, { first: 2 })
    expect(p1).toMatchObject({ totalCount: 4, hasNextPage: true, hasPreviousPage: false })
    const p2 = pageTransactions(all, { first: 2, after: p1.cursors[1] })
    expect(p2.nodes.map((t) => t.id)).toEqual(['d', 'a'])
    expect(p2).toMatchObject({ hasNextPage: false, hasPreviousPage: true })
    expect(() =>
      pageTransactions(all, { from: '2026-11-15', after: encodeCursor(all[0] as TransactionRecord) }),
    ).toThrow(/does not point at a transaction/)
  })

  it('rejects bad input before any bank call', () => {
    const now = Date.parse('2026-11-24T12:00:00Z')
    expect(() => validatePageArgs({ from: '2026-09-23' }, now)).toThrow(/from must not be before 2026-09-24/)
    expect(() => validatePageArgs({ from: '2026-09-24' }, now)).not.toThrow()
    expect(() => validatePageArgs({ from: '2026-11-10', to: '2026-11-10' }, now)).toThrow(/to must be after from/)
    expect(() => validatePageArgs({ first: 501 }, now)).toThrow(/between 1 and 500/)
    expect(() => validatePageArgs({ to: '24/11/2026' }, now)).toThrow(/YYYY-MM-DD/)
  })
})

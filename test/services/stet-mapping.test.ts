import { describe, expect, it } from '@jest/globals'
import { parseBankDate, toAccount, toMoney, toTransaction } from '../../src/services/stet-mapping.js'

describe('STET mapping', () => {
  it('keeps amounts as exact strings, whether the bank sent a string or a number', () => {
    expect(toMoney({ amount: '-150.00', currency: 'EUR' })).toEqual({ amount: '-150.00', currency: 'EUR' })
    expect(toMoney({ amount: 0, currency: 'EUR' })).toEqual({ amount: '0', currency: 'EUR' })
  })

  it('reads accounts before consent (no links) and after (links, embedded balance)', () => {
    const before = toAccount('17515', {
      cashAccountType: 'CACC',
      accountId: { iban: 'FR7617515000920400430518020' },
      usage: 'PRIV',
      psuStatus: 'Account Holder',
      name: 'LEA SANDBOXA',
      currency: 'EUR',
    })
    expect(before).toMatchObject({
      resourceId: undefined,
      grants: { balances: false, transactions: false, overdrafts: false },
    })
    const after = toAccount('17515', {
      cashAccountType: 'CACC',
      accountId: { iban: 'FR7617515000920400430518020', currency: 'EUR' },
      resourceId: '175150009204004305180',
      name: 'LEA SANDBOXA',
      balances: [{ balanceType: 'CLBD', name: 'Solde', balanceAmount: { amount: '-150.00', currency: 'EUR' } }],
      _links: { balances: { href: '/b' }, transactions: { href: '/t', templated: true } },
    })
    expect(after).toMatchObject({
      resourceId: '175150009204004305180',
      grants: { balances: true, transactions: true, overdrafts: false },
      embeddedBalances: [{ type: 'CLBD', amount: { amount: '-150.00', currency: 'EUR' } }],
    })
  })

  it('reads both remittance shapes and every date form the bank sends', () => {
    const bank = toTransaction({
      resourceId: null,
      remittanceInformation: ['Retrait Carte'],
      entryReference: 'E1',
      transactionAmount: { amount: '13.00', currency: 'EUR' },
      bookingDate: '2019-09-05',
      creditDebitIndicator: 'DBIT',
      status: 'BOOK',
    })
    expect(bank).toMatchObject({ id: 'E1', remittanceInformation: ['Retrait Carte'], hasDetails: false })
    expect(bank.sortTime).toBe(Date.parse('2019-09-04T22:00:00Z'))
    const spec = toTransaction({
      transactionAmount: { amount: '1.00', currency: 'EUR' },
      creditDebitIndicator: 'CRDT',
      status: 'OTHR',
      transactionDate: '2022-04-07T00:00:00+0200',
      remittanceInformation: { unstructured: ['a', 'b'] },
    })
    expect(spec.remittanceInformation).toEqual(['a', 'b'])
    expect(spec.id).toMatch(/^h[\w-]{22}$/)
    expect(spec.id).toBe(
      toTransaction({
        ...{
          transactionAmount: { amount: '1.00', currency: 'EUR' },
          creditDebitIndicator: 'CRDT',
          status: 'OTHR',
          transactionDate: '2022-04-07T00:00:00+0200',
          remittanceInformation: { unstructured: ['a', 'b'] },
        },
      }).id,
    )
    expect(parseBankDate('2022-04-07T00:00:00.000+02:00')).toBe(Date.parse('2022-04-06T22:00:00Z'))
    expect(parseBankDate('')).toBeUndefined()
    expect(parseBankDate(null)).toBeUndefined()
    expect(parseBankDate('not a date')).toBeUndefined()
    expect(parseBankDate('2026-02-30T10:00:00Z')).toBeUndefined()
    expect(parseBankDate('2026-10-25T02:30:00.000+0100')).toBe(Date.parse('2026-10-25T01:30:00Z'))
    expect(parseBankDate('2026-11-24T10:00:00Z')).toBe(Date.parse('2026-11-24T10:00:00Z'))
    // No offset: Paris local time (CEST in July).
    expect(parseBankDate('2026-07-01T12:00:00.000')).toBe(Date.parse('2026-07-01T10:00:00Z'))
    expect(parseBankDate('2026-07-01')).toBe(Date.parse('2026-06-30T22:00:00Z'))
  })
})

describe('parseBankDate remembers the texts it parsed (bounded)', () => {
  it('answers a text again as it did the first time, also once the memory started over', () => {
    const texts = ['2026-10-25T02:30:00.000+0100', ' 2026-07-01 ', '2026-02-30T10:00:00Z', '', 'not a date']
    const first = texts.map((text) => parseBankDate(text))
    expect(first).toEqual([
      Date.parse('2026-10-25T01:30:00Z'),
      Date.parse('2026-06-30T22:00:00Z'),
      undefined,
      undefined,
      undefined,
    ])
    // More distinct texts than the memory keeps: it starts over, and nothing it answers changes.
    for (let i = 0; i < 20_000; i++) parseBankDate(new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString())
    expect(texts.map((text) => parseBankDate(text))).toEqual(first)
    expect(parseBankDate('2026-01-01T00:07:00.000Z')).toBe(Date.UTC(2026, 0, 1, 0, 7))
  })
})

describe('transaction details', () => {
  it('passes the data on without the bank links, and drops an oversized body', async () => {
    const { sanitiseDetails } = await import('../../src/services/account-data-service.js')
    expect(sanitiseDetails({ label: 'CB', _links: { self: { href: '/x' } }, parts: [{ a: 1, href: '/y' }] })).toEqual({
      label: 'CB',
      parts: [{ a: 1 }],
    })
    expect(sanitiseDetails({ blob: 'x'.repeat(20_000) })).toBeNull()
    expect(sanitiseDetails(null)).toBeNull()
  })
})

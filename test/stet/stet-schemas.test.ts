import { describe, expect, it } from '@jest/globals'
import * as v from 'valibot'
import {
  accountResourceSchema,
  balanceResourceSchema,
  halAccountsSchema,
  halEndUserIdentitySchema,
  halOverdraftsSchema,
  halTransactionsSchema,
  normaliseAmount,
  tokenResponseSchema,
} from '../../src/stet/stet-schemas.js'
import { schemaCheck } from '../../src/stet/bank-answer.js'

describe('normaliseAmount (NOTES §6.3 Rec: never through a float)', () => {
  it.each([
    ['-150.00', '-150.00'],
    ['13.00', '13.00'],
    ['+5.10', '5.10'],
    ['23766.98', '23766.98'],
    ['12345678901234567890.12', '12345678901234567890.12'],
    [0, '0'],
    [-3.07, '-3.07'],
    [12.5, '12.5'],
    [100, '100'],
  ] as const)('%p → %p', (input, expected) => {
    expect(normaliseAmount(input)).toBe(expected)
  })

  it.each(['', '1,5', '1e3', 'abc', '--1', 0.123, 1e21, Number.NaN, Number.POSITIVE_INFINITY])(
    '%p is refused',
    (input) => {
      expect(normaliseAmount(input)).toBeUndefined()
    },
  )
})

describe('response schemas', () => {
  it('accepts the bank page accounts before consent (no resourceId, no _links per account)', () => {
    const parsed = v.parse(halAccountsSchema, {
      _links: { self: { templated: false, href: '/stet/psd2/v1.4.2/accounts' } },
      accounts: [
        {
          cashAccountType: 'CACC',
          accountId: { iban: 'FR7617515000920400430518020' },
          usage: 'PRIV',
          psuStatus: 'Account Holder',
          name: 'LEA SANDBOXA',
          currency: 'EUR',
        },
      ],
    })
    expect(parsed.accounts[0]?._links).toBeUndefined()
    expect(parsed.accounts[0]?.resourceId).toBeUndefined()
  })

  it('accepts both remittance shapes, null/empty dates, string and number amounts; drops unknown keys', () => {
    const parsed = v.parse(halTransactionsSchema, {
      _links: { self: { href: '/x', templated: true }, next: { href: '' }, previous: { href: '/p' } },
      transactions: [
        {
          resourceId: null,
          remittanceInformation: ['Retrait Carte'],
          entryReference: '',
          transactionAmount: { amount: '13.00', currency: 'EUR' },
          bookingDate: '2019-09-05',
          valueDate: '',
          transactionDate: null,
          creditDebitIndicator: 'DBIT',
          status: 'BOOK',
          somethingNew: 'dropped',
        },
        {
          remittanceInformation: { unstructured: ['a', 'b'] },
          transactionAmount: { amount: 7.5, currency: 'EUR' },
          bookingDate: '2022-04-07T00:00:00+0200',
          creditDebitIndicator: 'CRDT',
          status: 'OTHR',
        },
      ],
    })
    const [first, second] = parsed.transactions
    expect(first?.transactionAmount.amount).toBe('13.00')
    expect(first?.valueDate).toBeUndefined()
    expect(first?.transactionDate).toBeUndefined()
    expect(first?.resourceId).toBeNull()
    expect(first).not.toHaveProperty('somethingNew')
    expect(second?.transactionAmount.amount).toBe('7.5')
    expect(second?.remittanceInformation).toEqual({ unstructured: ['a', 'b'] })
  })

  it('reads the overdraft number 0 as "0" and refuses a bad shape', () => {
    const parsed = v.parse(halOverdraftsSchema, {
      overdrafts: { allowedAmount: { amount: 0, currency: 'EUR' } },
      _links: { self: { href: '/o' } },
    })
    expect(parsed.overdrafts.allowedAmount.amount).toBe('0')
    expect(v.safeParse(halOverdraftsSchema, { overdrafts: [], _links: { self: { href: '/o' } } }).success).toBe(false)
  })

  it('keeps a code outside a STET set as sent instead of failing the whole answer (mapped to UNKNOWN in GraphQL)', () => {
    const parsed = v.parse(halTransactionsSchema, {
      _links: { self: { href: '/x' } },
      transactions: [
        { transactionAmount: { amount: 1, currency: 'EUR' }, creditDebitIndicator: 'X', status: 'BOOK' },
        { transactionAmount: { amount: 2, currency: 'EUR' }, creditDebitIndicator: 'DBIT', status: 'WXYZ' },
      ],
    })
    expect(parsed.transactions.map((t) => [t.creditDebitIndicator, t.status])).toEqual([
      ['X', 'BOOK'],
      ['DBIT', 'WXYZ'],
    ])
    const account = v.parse(accountResourceSchema, { name: 'n', cashAccountType: 'LOAN', usage: '', _links: {} })
    expect([account.cashAccountType, account.usage]).toEqual(['LOAN', undefined])
    expect(
      v.parse(balanceResourceSchema, {
        name: 'n',
        balanceAmount: { amount: '1', currency: 'EUR' },
        balanceType: 'ITAV',
      }).balanceType,
    ).toBe('ITAV')
    expect(
      v.parse(halEndUserIdentitySchema, {
        identity: { fullName: 'A B', namePrefix: 'SIR' },
        _links: { self: { href: '/i' } },
      }).identity.namePrefix,
    ).toBe('SIR')
    // The shape itself stays checked: a missing indicator still fails.
    expect(
      v.safeParse(halTransactionsSchema, {
        _links: { self: { href: '/x' } },
        transactions: [{ transactionAmount: { amount: 1, currency: 'EUR' }, status: 'BOOK' }],
      }).success,
    ).toBe(false)
  })

  it('checks token responses (Bearer in any case, expires_in required)', () => {
    expect(v.parse(tokenResponseSchema, { access_token: 'a', token_type: 'bearer', expires_in: 3600 }).token_type).toBe(
      'Bearer',
    )
    expect(v.safeParse(tokenResponseSchema, { access_token: 'a', token_type: 'mac', expires_in: 3600 }).success).toBe(
      false,
    )
    expect(v.safeParse(tokenResponseSchema, { access_token: 'a', token_type: 'Bearer' }).success).toBe(false)
  })
})

describe('schemaCheck (the shape check of the answers not checked by hand)', () => {
  const check = schemaCheck(halAccountsSchema)

  it('drops what the bank added, at every level (invariant 10)', () => {
    const result = check({
      accounts: [
        {
          name: 'Compte',
          cashAccountType: 'CACC',
          accountId: { iban: 'FR76', addedByTheBank: 1 },
          balances: [
            { name: 'S', balanceType: 'CLBD', balanceAmount: { amount: '1.00', currency: 'EUR', addedByTheBank: 2 } },
          ],
          addedByTheBank: 3,
        },
      ],
      _links: { self: { href: '/accounts', addedByTheBank: 4 } },
      addedByTheBank: 5,
    })
    expect(result.ok).toBe(true)
    expect(JSON.stringify(result)).not.toContain('addedByTheBank')
  })

  it('names paths and codes in the hand-written check’s vocabulary, never a value the bank sent', () => {
    const result = check({
      accounts: [
        {
          name: 'SECRET-1',
          cashAccountType: 7,
          balances: [{ name: 'S', balanceType: 'CLBD', balanceAmount: { amount: 'SECRET-2', currency: '' } }],
          usage: 5,
        },
      ],
      _links: { self: 'SECRET-3' },
    })
    expect(result).toEqual({
      ok: false,
      issues: [
        'accounts.0.usage: invalid_type',
        'accounts.0.cashAccountType: invalid_type',
        'accounts.0.balances.0.balanceAmount.amount: custom',
        'accounts.0.balances.0.balanceAmount.currency: too_small',
        '_links.self: invalid_type',
      ],
    })
    expect(JSON.stringify(result)).not.toMatch(/SECRET/)
  })
})

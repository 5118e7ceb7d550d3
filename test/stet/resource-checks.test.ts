/**
 * The hand-written checks of the account list, balances, overdrafts and identity answers (src/stet/resource-checks.ts)
 * against their specification, stet-schemas.ts' valibot schemas: on generated answers, mostly well formed, with every
 * field sometimes of a wrong type, blank, null or absent and with unknown properties, both accept with the same output
 * or both refuse.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  halAccountsSchema,
  halBalancesSchema,
  halEndUserIdentitySchema,
  halOverdraftsSchema,
} from '../../src/stet/stet-schemas.js'
import { checkAccounts, checkBalances, checkIdentity, checkOverdrafts } from '../../src/stet/resource-checks.js'
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

const text = fc.string({ maxLength: 6 })

const balance = fc.record(
  {
    name: mostly(fc.constantFrom('Solde comptable', '')),
    balanceAmount: mostly(amount),
    balanceType: mostly(fc.constantFrom('CLBD', 'XPCD', 'OTHR', 'WXYZ')),
    lastChangeDateTime: mostly(date),
    referenceDate: mostly(date),
    lastCommittedTransaction: mostly(text),
    addedByTheBank: fc.string(),
  },
  { requiredKeys: ['name', 'balanceAmount', 'balanceType'] },
)

const account = fc.record(
  {
    resourceId: mostly(text),
    bicFi: mostly(fc.constant('CEPAFRPP751')),
    accountId: mostly(
      fc.record(
        {
          iban: mostly(fc.constant('FR7613807008043001965405255')),
          other: mostly(
            fc.record(
              { identification: mostly(text), schemeName: mostly(fc.constant('CPAN')), issuer: mostly(text) },
              { requiredKeys: ['identification', 'schemeName'] },
            ),
          ),
          currency: mostly(fc.constant('EUR')),
          addedByTheBank: fc.string(),
        },
        optionalKeys,
      ),
    ),
    name: mostly(fc.constantFrom('Compte de Mme Léa', '')),
    details: mostly(text),
    linkedAccount: mostly(text),
    usage: mostly(fc.constantFrom('PRIV', 'ORGA', '', null)),
    cashAccountType: mostly(fc.constantFrom('CACC', 'CARD', 'WXYZ')),
    product: mostly(text),
    currency: mostly(fc.constant('EUR')),
    balances: mostly(fc.array(mostly(balance), { maxLength: 3 })),
    psuStatus: mostly(fc.constantFrom('Account Holder', 'Co-account Holder')),
    _links: mostly(
      fc.record(
        {
          balances: mostly(link),
          transactions: mostly(link),
          overdrafts: mostly(link),
          owners: mostly(link),
          other: link,
        },
        optionalKeys,
      ),
    ),
    addedByTheBank: fc.string(),
  },
  { requiredKeys: ['name', 'cashAccountType'] },
)

const answers = {
  accounts: fc.record(
    {
      accounts: mostly(fc.array(mostly(account), { maxLength: 4 })),
      _links: answerLinks(['consents', 'endUserIdentity', 'next', 'prev', 'first', 'last']),
      extra: junk,
    },
    { requiredKeys: ['accounts', '_links'] },
  ),
  balances: fc.record(
    {
      balances: mostly(fc.array(mostly(balance), { maxLength: 4 })),
      _links: answerLinks(['parent-list', 'transactions', 'overdrafts']),
      extra: junk,
    },
    { requiredKeys: ['balances', '_links'] },
  ),
  overdrafts: fc.record(
    {
      overdrafts: mostly(
        fc.record({ allowedAmount: mostly(amount), addedByTheBank: fc.string() }, { requiredKeys: ['allowedAmount'] }),
      ),
      _links: answerLinks(['parent-list', 'balances', 'transactions']),
    },
    { requiredKeys: ['overdrafts', '_links'] },
  ),
  identity: fc.record(
    {
      identity: mostly(
        fc.record(
          {
            fullName: mostly(fc.constantFrom('Mme Léa Durand', '')),
            namePrefix: mostly(fc.constantFrom('MADM', 'MIST', '', null)),
            firstName: mostly(text),
            lastName: mostly(text),
            addedByTheBank: fc.string(),
          },
          { requiredKeys: ['fullName'] },
        ),
      ),
      _links: answerLinks(['accounts', 'consents']),
    },
    { requiredKeys: ['identity', '_links'] },
  ),
}

describe('resource checks ≡ their valibot specification', () => {
  it.each([
    ['accounts', halAccountsSchema, checkAccounts, answers.accounts, 20261206],
    ['balances', halBalancesSchema, checkBalances, answers.balances, 20261207],
    ['overdrafts', halOverdraftsSchema, checkOverdrafts, answers.overdrafts, 20261208],
    ['identity', halEndUserIdentitySchema, checkIdentity, answers.identity, 20261209],
  ] as const)(
    '%s: accepts what the schema accepts, with the same output, and refuses what it refuses',
    (_, schema, check, answer, seed) => {
      const { accepted, refused } = expectSameAsSpecification(schema, check, answer, seed)
      // Both sides exercised (a check that refused everything would match a schema that did too).
      expect(accepted).toBeGreaterThan(300)
      expect(refused).toBeGreaterThan(100)
    },
  )

  it('takes an array where an object of optional properties is expected as valibot does (an object without them)', () => {
    const body = { accounts: [{ name: 'A', cashAccountType: 'CACC', _links: [] }], _links: { self: { href: '/a' } } }
    expect(checkAccounts(body)).toEqual({
      ok: true,
      value: { accounts: [{ name: 'A', cashAccountType: 'CACC', _links: {} }], _links: { self: { href: '/a' } } },
    })
  })

  it('names paths and codes, never a value the bank sent', () => {
    const result = checkAccounts({
      accounts: [{ name: 'SECRET-1', cashAccountType: 7, balances: [{ name: 'x', balanceType: 'CLBD' }] }, 'SECRET-2'],
      _links: { self: { href: 'SECRET-3' }, next: 'SECRET-4' },
    })
    expect(result).toEqual({
      ok: false,
      issues: [
        'accounts.0.cashAccountType: invalid_type',
        'accounts.0.balances.0.balanceAmount: invalid_type',
        'accounts.1: invalid_type',
        '_links.next: invalid_type',
      ],
    })
    expect(checkBalances(null)).toEqual({ ok: false, issues: ['(root): invalid_type'] })
  })

  it('stops listing issues past twenty (bounded work on a hostile answer)', () => {
    const accounts = Array.from({ length: 500 }, () => ({ name: 1 }))
    const result = checkAccounts({ accounts, _links: { self: { href: '/' } } })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.issues).toHaveLength(20)
  })
})

/**
 * What the bank sends outside STET's closed sets, and its `+0200` timestamps, through the real path from the wire on:
 * the wire schema (valibot), the STET → record mapping, the per-operation loaders and the real schema and resolvers. Only
 * the services' bank reads are replaced, by answers built from those bank bodies (no bank is needed to send odd codes).
 * An unknown code is the enum's UNKNOWN beside the raw code; no read fails; dates reach the client valid.
 */
import { describe, expect, it } from '@jest/globals'
import * as v from 'valibot'
import { graphql } from 'graphql'
import type { Caller } from '../../src/auth/caller.js'
import { createContext, type Services } from '../../src/graphql/context.js'
import { buildGatewaySchema } from '../../src/graphql/schema.js'
import type { Fresh } from '../../src/services/bank-reader.js'
import { toAccount, toBalance, toIdentity, toTransaction } from '../../src/services/stet-mapping.js'
import {
  accountResourceSchema,
  halBalancesSchema,
  halEndUserIdentitySchema,
  halTransactionsSchema,
} from '../../src/stet/stet-schemas.js'

const FETCHED_AT = Date.parse('2026-11-20T09:00:00Z')
const fresh = <T>(value: T): Fresh<T> => ({
  value,
  freshness: { fetchedAt: FETCHED_AT, source: 'CACHE', psuPresent: false, stale: false },
})

const account = toAccount(
  '17515',
  v.parse(accountResourceSchema, {
    resourceId: '175150009204004305180',
    accountId: { iban: 'FR7617515000920400430518020', currency: 'EUR' },
    name: 'Compte de LEA',
    cashAccountType: 'LOAN',
    usage: 'MIXD',
    _links: { balances: { href: '/b' }, transactions: { href: '/t', templated: true } },
  }),
)
const balances = v
  .parse(halBalancesSchema, {
    balances: [
      { name: 'Solde', balanceAmount: { amount: '-150.00', currency: 'EUR' }, balanceType: 'CLBD' },
      {
        name: 'Solde disponible',
        balanceAmount: { amount: 20, currency: 'EUR' },
        balanceType: 'ITAV',
        referenceDate: '2026-11-19T00:00:00+0100',
        lastChangeDateTime: '2026-11-19T23:51:12+0100',
      },
    ],
    _links: { self: { href: '/b' } },
  })
  .balances.map(toBalance)
const transactions = v
  .parse(halTransactionsSchema, {
    transactions: [
      {
        entryReference: 'E1',
        transactionAmount: { amount: '13.00', currency: 'EUR' },
        creditDebitIndicator: 'DBIT',
        status: 'BOOK',
        // BPCE's form (NOTES §6.4): a Paris midnight with a colon-less offset is that Paris day, not the UTC day before.
        bookingDate: '2026-11-19T00:00:00+0100',
        valueDate: '2026-11-18',
        transactionDate: '2026-11-18T23:30:00Z',
      },
      {
        entryReference: 'E2',
        transactionAmount: { amount: '7.50', currency: 'EUR' },
        creditDebitIndicator: 'REVR',
        status: 'HOLD',
        bookingDate: '',
        valueDate: 'not a date',
      },
    ],
    _links: { self: { href: '/t' } },
  })
  .transactions.map(toTransaction)
const identity = toIdentity(
  v.parse(halEndUserIdentitySchema, {
    identity: { fullName: 'M. Marc X', namePrefix: 'SIR' },
    _links: { self: { href: '/i' } },
  }),
)

function services(): Services {
  if (account === undefined) throw new Error('the account has an IBAN')
  const reader = {
    now: () => FETCHED_AT,
    quotaStatus: async () => ({
      limit: 4,
      used: 0,
      remaining: 4,
      windows: 'both' as const,
      calendarDay: { resetsAt: Date.parse('2026-11-20T23:00:00Z') },
      nextAllowedAt: null,
      exhaustedUntil: null,
    }),
  }
  return {
    accounts: {
      bankFor: (_caller: Caller, bank: string | undefined) => bank ?? '17515',
      list: async () => fresh([account]),
    },
    data: {
      balances: async () => fresh(balances),
      transactions: async () => fresh(transactions),
      identity: async () => fresh(identity),
    },
    reader,
  } as unknown as Services
}

const caller: Caller = { psuId: '9999999901', consumer: 'partner', presence: undefined, banks: ['17515'] }

describe('codes outside the STET sets, and bank timestamps', () => {
  it('map to UNKNOWN beside the raw code, and the dates reach the client as valid Date and DateTime', async () => {
    const schema = await buildGatewaySchema()
    const executed = await graphql({
      schema,
      contextValue: createContext(caller, services()),
      source: `{
        accounts {
          cashAccountType cashAccountTypeCode usage usageCode
          balances { type typeCode amount { amount } referenceDate lastChangeDateTime freshness { fetchedAt } }
          transactions {
            edges { node {
              creditDebitIndicator creditDebitIndicatorCode status statusCode signedAmount { amount }
              bookingDate valueDate transactionDate
            } }
          }
          quota { method windows nextReset }
        }
        identity { namePrefix namePrefixCode }
      }`,
    })
    expect(executed.errors).toBeUndefined()
    // As it goes over the wire: the DateTime scalar hands JSON a Date, which prints as RFC 3339 UTC.
    const result = JSON.parse(JSON.stringify(executed)) as typeof executed
    const [got] = (result.data?.accounts ?? []) as Record<string, unknown>[]
    expect(got).toMatchObject({
      cashAccountType: 'UNKNOWN',
      cashAccountTypeCode: 'LOAN',
      usage: 'UNKNOWN',
      usageCode: 'MIXD',
    })
    expect(got?.balances).toEqual([
      {
        type: 'CLBD',
        typeCode: 'CLBD',
        amount: { amount: '-150.00' },
        referenceDate: null,
        lastChangeDateTime: null,
        freshness: { fetchedAt: '2026-11-20T09:00:00.000Z' },
      },
      {
        type: 'UNKNOWN',
        typeCode: 'ITAV',
        amount: { amount: '20' },
        referenceDate: '2026-11-19',
        lastChangeDateTime: '2026-11-19T22:51:12.000Z',
        freshness: { fetchedAt: '2026-11-20T09:00:00.000Z' },
      },
    ])
    const nodes = (got?.transactions as { edges: { node: unknown }[] }).edges.map((e) => e.node)
    expect(nodes).toEqual([
      {
        creditDebitIndicator: 'DBIT',
        creditDebitIndicatorCode: 'DBIT',
        status: 'BOOK',
        statusCode: 'BOOK',
        signedAmount: { amount: '-13.00' },
        bookingDate: '2026-11-19',
        valueDate: '2026-11-18',
        transactionDate: '2026-11-19',
      },
      {
        creditDebitIndicator: 'UNKNOWN',
        creditDebitIndicatorCode: 'REVR',
        status: 'UNKNOWN',
        statusCode: 'HOLD',
        signedAmount: null,
        bookingDate: null,
        valueDate: null,
        transactionDate: null,
      },
    ])
    expect(got?.quota).toContainEqual({ method: 'BALANCES', windows: 'BOTH', nextReset: '2026-11-20T23:00:00.000Z' })
    expect(result.data?.identity).toEqual({ namePrefix: 'UNKNOWN', namePrefixCode: 'SIR' })
  })
})

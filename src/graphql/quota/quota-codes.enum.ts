import { registerEnumType } from 'type-graphql'
import type { AisMethod } from '../../stet-api/wire.js'
import type { QuotaStatus } from '../../quota/quota-ledger.js'

/** The STET methods the bank's daily limit counts apart (bank page, "Limits"). */
export enum QuotaMethod {
  ACCOUNTS = 'ACCOUNTS',
  BALANCES = 'BALANCES',
  TRANSACTIONS = 'TRANSACTIONS',
  DETAILS = 'DETAILS',
  OVERDRAFTS = 'OVERDRAFTS',
  IDENTITY = 'IDENTITY',
}
registerEnumType(QuotaMethod, {
  name: 'QuotaMethod',
  description: 'A STET method whose unattended calls the bank counts apart.',
  valuesConfig: {
    ACCOUNTS: { description: 'GET /accounts: the account list (per PSU).' },
    BALANCES: { description: 'GET /accounts/{id}/balances (per account).' },
    TRANSACTIONS: { description: 'GET /accounts/{id}/transactions, whatever its dates (per account).' },
    DETAILS: {
      description: 'GET …/transactions/{id}/details (per account: all its transactions’ details share one budget).',
    },
    OVERDRAFTS: { description: 'GET /accounts/{id}/overdrafts (per account).' },
    IDENTITY: { description: 'GET /end-user-identity (per PSU).' },
  },
})

export const QUOTA_METHODS: Readonly<Record<QuotaMethod, AisMethod>> = {
  ACCOUNTS: 'accounts',
  BALANCES: 'balances',
  TRANSACTIONS: 'transactions',
  DETAILS: 'details',
  OVERDRAFTS: 'overdrafts',
  IDENTITY: 'identity',
}

/** Which windows the ledger enforces (`QUOTA_WINDOWS`). */
export enum QuotaWindows {
  BOTH = 'BOTH',
  CALENDAR_DAY = 'CALENDAR_DAY',
  ROLLING_24H = 'ROLLING_24H',
}
registerEnumType(QuotaWindows, {
  name: 'QuotaWindows',
  description: 'The windows the limit is enforced over.',
  valuesConfig: {
    BOTH: { description: 'The Paris calendar day and any rolling 24 hours, together (the default).' },
    CALENDAR_DAY: { description: 'The Paris calendar day only (00:00 to 24:00, 23 or 25 hours on DST days).' },
    ROLLING_24H: { description: 'Any rolling 24 hours only.' },
  },
})

export const QUOTA_WINDOWS: Readonly<Record<QuotaStatus['windows'], QuotaWindows>> = {
  both: QuotaWindows.BOTH,
  'calendar-day': QuotaWindows.CALENDAR_DAY,
  'rolling-24h': QuotaWindows.ROLLING_24H,
}

/**
 * The per-account resources: balances, transactions (+ details) and overdrafts, each behind its own consent list
 * (BANK "Accounting balances", "Get transactions history", "Get account overdraft"; NOTES §6.3–§6.5, §7, §9).
 */
import type { HalBalances, HalOverdrafts, HalTransactionDetails, HalTransactions } from '../stet-api/wire.js'
import type { AisHandler } from './ais-context.js'
import { accountPath, link, requireAccount, requireGrant } from './ais-context.js'
import { accountingBalance } from './accounts-handlers.js'
import { BankHttpError } from './bank-http.js'
import { parseStetDateTime, startOfParisDay } from './paris-calendar.js'
import { resourceIdOf } from './personas.js'
import type { LedgerEntry } from './transaction-ledger.js'
import { transactionsOf } from './transaction-ledger.js'

/** 62 days for retail and small pros (BANK Limits); the sandbox applies it to every persona. */
const HISTORY_DAYS = 62
/** "limited to 500 operations, no pagination" (BANK Limits). */
const MAX_TRANSACTIONS = 500

export const getBalances: AisHandler = (context) => {
  const account = requireAccount(context)
  requireGrant(context, account, 'balances')
  const resourceId = resourceIdOf(account.iban)
  const body: HalBalances = {
    balances: [accountingBalance(account, context.now, context.moving)],
    _links: { self: link(accountPath(resourceId, 'balances')), 'parent-list': link('/accounts') },
  }
  if (context.consent?.accounts.get(account.iban)?.transactions) {
    body._links.transactions = link(accountPath(resourceId, 'transactions'), true)
  }
  return { status: 200, body }
}

function dateParam(query: URLSearchParams, name: 'dateFrom' | 'dateTo'): number | undefined {
  const value = query.get(name)
  if (value === null) return undefined
  const parsed = parseStetDateTime(value)
  if (parsed === undefined) throw new BankHttpError(400, `Invalid ${name} format`)
  return parsed
}

/** `dateFrom` included, `dateTo` excluded (OAS FromImputationDate/ToImputationDate); 62 days back at most. */
function transactionWindow(query: URLSearchParams, now: number): { from: number; to: number } {
  const earliest = startOfParisDay(now, HISTORY_DAYS)
  const dateFrom = dateParam(query, 'dateFrom')
  const dateTo = dateParam(query, 'dateTo')
  // The message of the bank's acceptance test (BANK Get transactions history).
  if (dateFrom !== undefined && dateFrom < earliest) throw new BankHttpError(400, 'Period out of bound expected')
  const from = dateFrom ?? earliest
  const to = dateTo ?? Number.POSITIVE_INFINITY
  if (to < from) {
    throw new BankHttpError(400, dateFrom === undefined ? 'Period out of bound expected' : 'dateTo is before dateFrom')
  }
  return { from, to }
}

export const getTransactions: AisHandler = (context) => {
  const account = requireAccount(context)
  requireGrant(context, account, 'transactions')
  const { from, to } = transactionWindow(context.query, context.now)
  const resourceId = resourceIdOf(account.iban)
  const selected = transactionsOf(account, context.now, context.moving)
    .filter((entry) => entry.at >= from && entry.at < to)
    .slice(0, MAX_TRANSACTIONS)
  if (selected.length === 0) return { status: 204 }
  const body: HalTransactions = {
    transactions: selected.map(({ resource }) =>
      typeof resource.resourceId === 'string'
        ? { ...resource, _links: { details: link(detailsPath(resourceId, resource.resourceId)) } }
        : resource,
    ),
    _links: { self: link(accountPath(resourceId, 'transactions'), true), 'parent-list': link('/accounts') },
  }
  if (context.consent?.accounts.get(account.iban)?.balances) {
    body._links.balances = link(accountPath(resourceId, 'balances'))
  }
  return { status: 200, body }
}

function detailsPath(accountResourceId: string, transactionResourceId: string): string {
  return accountPath(accountResourceId, `transactions/${encodeURIComponent(transactionResourceId)}/details`)
}

/**
 * No published schema (NOTES §7, §11 q1): an opaque `transactionDetails` object beside its links. Only transactions
 * that carry a `details` link have details; the others answer 404.
 */
export const getTransactionDetails: AisHandler = (context) => {
  const account = requireAccount(context)
  requireGrant(context, account, 'transactions')
  const resourceId = resourceIdOf(account.iban)
  const entry: LedgerEntry | undefined = transactionsOf(account, context.now, context.moving).find(
    ({ resource }) => typeof resource.resourceId === 'string' && resource.resourceId === context.transactionResourceId,
  )
  if (!entry) throw new BankHttpError(404, `${context.transactionResourceId ?? 'transaction'} is invalid`)
  const { resource } = entry
  const body: HalTransactionDetails = {
    transactionDetails: {
      resourceId: resource.resourceId,
      entryReference: resource.entryReference,
      transactionAmount: resource.transactionAmount,
      creditDebitIndicator: resource.creditDebitIndicator,
      status: resource.status,
      bookingDate: resource.bookingDate,
      valueDate: resource.valueDate,
      transactionDate: resource.transactionDate,
      remittanceInformation: resource.remittanceInformation,
      additionalTransactionInformation: `Opération ${resource.entryReference ?? ''} du compte ${account.iban}`,
    },
    _links: {
      self: link(detailsPath(resourceId, entry.resource.resourceId ?? '')),
      transactions: link(accountPath(resourceId, 'transactions'), true),
      'parent-list': link('/accounts'),
    },
  }
  return { status: 200, body }
}

export const getOverdrafts: AisHandler = (context) => {
  const account = requireAccount(context)
  requireGrant(context, account, 'overdrafts')
  const resourceId = resourceIdOf(account.iban)
  const grant = context.consent?.accounts.get(account.iban)
  const body: HalOverdrafts = {
    // A number, as in the bank's example (NOTES §6.5), unlike the string amounts elsewhere.
    overdrafts: { allowedAmount: { amount: account.overdraftAllowed, currency: 'EUR' } },
    _links: { self: link(accountPath(resourceId, 'overdrafts')), 'parent-list': link('/accounts') },
  }
  if (grant?.balances) body._links.balances = link(accountPath(resourceId, 'balances'))
  if (grant?.transactions) body._links.transactions = link(accountPath(resourceId, 'transactions'), true)
  return { status: 200, body }
}

/**
 * STET wire shapes → records, once. Lenient where the bank departs from the spec (NOTES §6): amounts as strings or
 * numbers, `remittanceInformation` as an array (1.4, the bank's page) or an object (1.5), dates with or without time
 * and with `+HHMM` or `+HH:MM` offsets, `_links` absent before consent.
 */
import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import type {
  AccountResource,
  AmountType,
  BalanceResource,
  HalEndUserIdentity,
  HalOverdrafts,
  TransactionResource,
} from '../stet-api/wire.js'
import type {
  AccountRecord,
  BalanceRecord,
  IdentityRecord,
  MoneyRecord,
  OverdraftRecord,
  TransactionRecord,
} from './records.js'

const PARIS = 'Europe/Paris'

/** A JSON number can only have come from the bank as a short decimal; `String` keeps what it printed. */
export function toMoney(amount: AmountType): MoneyRecord {
  const value = typeof amount.amount === 'number' ? String(amount.amount) : amount.amount.trim()
  return { amount: value, currency: amount.currency }
}

export function toBalance(balance: BalanceResource): BalanceRecord {
  return {
    type: balance.balanceType,
    name: balance.name,
    amount: toMoney(balance.balanceAmount),
    referenceDate: balance.referenceDate || undefined,
    lastChangeDateTime: balance.lastChangeDateTime || undefined,
  }
}

export function toAccount(bank: string, account: AccountResource): AccountRecord | undefined {
  const iban = account.accountId?.iban
  if (iban === undefined) return undefined // BPCE lists payment accounts by IBAN only (bank page, Limits)
  const links = account._links ?? {}
  return {
    bank,
    iban,
    resourceId: account.resourceId ?? undefined,
    name: account.name,
    currency: account.accountId?.currency ?? account.currency ?? 'EUR',
    cashAccountType: account.cashAccountType,
    usage: account.usage,
    psuStatus: account.psuStatus,
    product: account.product,
    grants: {
      balances: links.balances !== undefined,
      transactions: links.transactions !== undefined,
      overdrafts: links.overdrafts !== undefined,
    },
    embeddedBalances: (account.balances ?? []).map(toBalance),
  }
}

export function toOverdraft(body: HalOverdrafts): OverdraftRecord {
  return { allowedAmount: toMoney(body.overdrafts.allowedAmount) }
}

export function toIdentity(body: HalEndUserIdentity): IdentityRecord {
  const { identity } = body
  return {
    fullName: identity.fullName,
    namePrefix: identity.namePrefix,
    firstName: identity.firstName,
    lastName: identity.lastName,
  }
}

/** Parses the bank's date forms; undefined for '' or null (seen in bank responses, NOTES §6.4). */
export function parseBankDate(value: string | undefined | null): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined
  const text = value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? DateTime.fromISO(text, { zone: PARIS })
    : DateTime.fromISO(text, { zone: PARIS, setZone: true })
  return parsed.isValid ? parsed.toMillis() : undefined
}

export function toTransaction(tx: TransactionResource): TransactionRecord {
  const remittance = Array.isArray(tx.remittanceInformation)
    ? tx.remittanceInformation
    : (tx.remittanceInformation?.unstructured ?? [])
  const sortTime =
    parseBankDate(tx.bookingDate) ??
    parseBankDate(tx.transactionDate) ??
    parseBankDate(tx.valueDate) ??
    parseBankDate(tx.expectedBookingDate) ??
    0
  const resourceId = tx.resourceId ?? undefined
  const entryReference = tx.entryReference || undefined
  const amount = toMoney(tx.transactionAmount)
  const code = tx.bankTransactionCode
  return {
    id: resourceId ?? entryReference ?? digestOf(tx),
    resourceId,
    entryReference,
    amount,
    creditDebitIndicator: tx.creditDebitIndicator,
    status: tx.status,
    bookingDate: tx.bookingDate || undefined,
    valueDate: tx.valueDate || undefined,
    transactionDate: tx.transactionDate || undefined,
    remittanceInformation: remittance,
    bankTransactionCode:
      code === undefined
        ? undefined
        : { domain: code.domain, family: code.family, subFamily: code.subFamily, code: code.code, issuer: code.issuer },
    hasDetails: tx._links?.details !== undefined && resourceId !== undefined,
    sortTime,
  }
}

function digestOf(tx: TransactionResource): string {
  return `h${createHash('sha256').update(JSON.stringify(tx)).digest('base64url').slice(0, 22)}`
}

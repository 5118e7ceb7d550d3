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

/** A date-time with an explicit offset (`Z`, `+HH:MM` or the bank's `+HHMM`): no time-zone database needed. */
const WITH_OFFSET = /^((\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/
/**
 * Parsed dates by text. The parse was most of the mapping's own cost (23 of 28 µs per 50-transaction answer:
 * bench/RESULTS.md, fifth pass), and a text recurs: Caisse d'Epargne books at midnight (a day's transactions share
 * one date), and a statement read again repeats all of its own. Bounded: past 16,384 texts (about 1.5 MB) it starts over.
 */
const DATE_MEMO_MAX = 16_384
const dateMemo = new Map<string, number | undefined>()

/**
 * Parses the bank's date forms; undefined for '' or null (seen in bank responses, NOTES §6.4) and for impossible
 * dates. The common form (with an offset) is parsed without luxon: a statement holds hundreds of them, and luxon's
 * zone maths was the largest cost of mapping one (≈ 6.7 µs per transaction before, see bench/RESULTS.md). Date-only
 * and offset-less forms mean Paris local time.
 */
export function parseBankDate(value: string | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined
  const known = dateMemo.get(value)
  if (known !== undefined || dateMemo.has(value)) return known
  const ms = parseDateText(value.trim())
  if (dateMemo.size >= DATE_MEMO_MAX) dateMemo.clear()
  dateMemo.set(value, ms)
  return ms
}

function parseDateText(text: string): number | undefined {
  if (text === '') return undefined
  const m = WITH_OFFSET.exec(text)
  if (m !== null) {
    const [, local, y, mo, d, offset] = m
    if (!isRealDay(Number(y), Number(mo), Number(d))) return undefined
    const normalised =
      offset === 'Z' || offset === undefined || offset.includes(':')
        ? offset
        : `${offset.slice(0, 3)}:${offset.slice(3)}`
    const ms = Date.parse(`${local ?? ''}${normalised ?? ''}`)
    return Number.isNaN(ms) ? undefined : ms
  }
  const parsed = DateTime.fromISO(text, { zone: PARIS })
  return parsed.isValid && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(text.slice(10)) ? parsed.toMillis() : undefined
}

function isRealDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
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

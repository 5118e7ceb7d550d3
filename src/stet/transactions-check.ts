/**
 * The shape check of a transactions answer, written out by hand. It is the answer that dominates a cold read: a
 * 20-account read checks 20 statements, about 1,000 transactions, and zod's generic walk of them cost ≈ 1.2 ms and
 * 1 MB of allocations per operation (bench/RESULTS.md, fifth pass), for rules that fit on a page.
 *
 * The rules are `halTransactionsSchema`'s (stet-schemas.ts), which stays their specification:
 * test/stet/transactions-check.test.ts gives both the same generated answers and expects the same output or a refusal
 * from both. Each transaction is copied once into an object of one fixed shape, so that unknown properties are dropped
 * (invariant 10) and the mapping reads objects V8 sees as alike. A refusal lists property paths and codes, never a value.
 */
import type { CheckedTransaction, CheckedTransactions } from './stet-schemas.js'
import { normaliseAmount } from './stet-schemas.js'

type Link = { href: string; templated?: boolean | undefined }
type Json = Record<string, unknown>

/** More issues than this say nothing more about an answer: the rest are dropped (bounded work on a hostile body). */
const MAX_ISSUES = 20

class Issues {
  readonly list: string[] = []
  add(path: string, code: string): undefined {
    if (this.list.length < MAX_ISSUES) this.list.push(`${path}: ${code}`)
    return undefined
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function requiredString(value: unknown, path: string, issues: Issues): string {
  if (typeof value === 'string') return value
  issues.add(path, 'invalid_type')
  return ''
}

function optionalString(value: unknown, path: string, issues: Issues): string | undefined {
  if (value === undefined || typeof value === 'string') return value
  return issues.add(path, 'invalid_type')
}

/** stet-schemas' `lenientDate`: kept as sent; `""`, blanks and null become absent. */
function lenientDate(value: unknown, path: string, issues: Issues): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value.trim() === '' ? undefined : value
  return issues.add(path, 'invalid_union')
}

function link(value: unknown, path: string, issues: Issues): Link | undefined {
  if (!isObject(value)) return issues.add(path, 'invalid_type')
  const href = requiredString(value.href, `${path}.href`, issues)
  const templated = value.templated
  if (templated !== undefined && typeof templated !== 'boolean') issues.add(`${path}.templated`, 'invalid_type')
  return templated === undefined ? { href } : { href, templated: templated === true }
}

function optionalLink(value: unknown, path: string, issues: Issues): Link | undefined {
  return value === undefined ? undefined : link(value, path, issues)
}

function amountOf(value: unknown, path: string, issues: Issues): { amount: string; currency: string } {
  if (!isObject(value)) {
    issues.add(path, 'invalid_type')
    return { amount: '', currency: '' }
  }
  const raw = value.amount
  let amount = ''
  if (typeof raw === 'string' || typeof raw === 'number') {
    amount = normaliseAmount(raw) ?? issues.add(`${path}.amount`, 'custom') ?? ''
  } else {
    issues.add(`${path}.amount`, 'invalid_union')
  }
  const currency = requiredString(value.currency, `${path}.currency`, issues)
  if (typeof value.currency === 'string' && currency.length === 0) issues.add(`${path}.currency`, 'too_small')
  return { amount, currency }
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

/** The 1.4 bare array or the 1.5 object (stet-schemas' union: the array is tried first). */
function remittanceOf(value: unknown, path: string, issues: Issues): CheckedTransaction['remittanceInformation'] {
  if (value === undefined) return undefined
  if (stringArray(value)) return value
  if (isObject(value)) {
    const { unstructured, structured } = value
    const unstructuredOk = unstructured === undefined || stringArray(unstructured)
    const structuredOk = structured === undefined || Array.isArray(structured)
    if (unstructuredOk && structuredOk) {
      return {
        unstructured: unstructured as string[] | undefined,
        structured: structured === undefined ? undefined : [...(structured as unknown[])],
      }
    }
  }
  return issues.add(path, 'invalid_union')
}

function bankTransactionCodeOf(
  value: unknown,
  path: string,
  issues: Issues,
): CheckedTransaction['bankTransactionCode'] {
  if (value === undefined) return undefined
  if (!isObject(value)) return issues.add(path, 'invalid_type')
  return {
    domain: requiredString(value.domain, `${path}.domain`, issues),
    family: requiredString(value.family, `${path}.family`, issues),
    subFamily: requiredString(value.subFamily, `${path}.subFamily`, issues),
    code: optionalString(value.code, `${path}.code`, issues),
    issuer: optionalString(value.issuer, `${path}.issuer`, issues),
  }
}

function transactionOf(value: unknown, path: string, issues: Issues): CheckedTransaction | undefined {
  if (!isObject(value)) return issues.add(path, 'invalid_type')
  const resourceId = value.resourceId
  if (resourceId !== undefined && resourceId !== null && typeof resourceId !== 'string') {
    issues.add(`${path}.resourceId`, 'invalid_type')
  }
  const links = value._links
  let checkedLinks: CheckedTransaction['_links']
  if (links !== undefined) {
    if (isObject(links)) checkedLinks = { details: optionalLink(links.details, `${path}._links.details`, issues) }
    else issues.add(`${path}._links`, 'invalid_type')
  }
  return {
    resourceId: resourceId as string | null | undefined,
    entryReference: optionalString(value.entryReference, `${path}.entryReference`, issues),
    endToEndId: optionalString(value.endToEndId, `${path}.endToEndId`, issues),
    transactionAmount: amountOf(value.transactionAmount, `${path}.transactionAmount`, issues),
    creditDebitIndicator: requiredString(value.creditDebitIndicator, `${path}.creditDebitIndicator`, issues),
    status: requiredString(value.status, `${path}.status`, issues),
    bookingDate: lenientDate(value.bookingDate, `${path}.bookingDate`, issues),
    expectedBookingDate: lenientDate(value.expectedBookingDate, `${path}.expectedBookingDate`, issues),
    valueDate: lenientDate(value.valueDate, `${path}.valueDate`, issues),
    transactionDate: lenientDate(value.transactionDate, `${path}.transactionDate`, issues),
    bankTransactionCode: bankTransactionCodeOf(value.bankTransactionCode, `${path}.bankTransactionCode`, issues),
    remittanceInformation: remittanceOf(value.remittanceInformation, `${path}.remittanceInformation`, issues),
    _links: checkedLinks,
  }
}

const TRANSACTIONS_LINKS = ['parent-list', 'balances', 'next', 'prev', 'previous'] as const

/** The checked answer, or the issues found (at most {@link MAX_ISSUES}). */
export function checkTransactions(
  value: unknown,
): { ok: true; value: CheckedTransactions } | { ok: false; issues: readonly string[] } {
  const issues = new Issues()
  if (!isObject(value)) return { ok: false, issues: [...issues.list, '(root): invalid_type'] }
  const transactions: CheckedTransaction[] = []
  if (Array.isArray(value.transactions)) {
    const list: readonly unknown[] = value.transactions
    for (let i = 0; i < list.length; i++) {
      const transaction = transactionOf(list[i], `transactions.${i}`, issues)
      if (transaction !== undefined) transactions.push(transaction)
    }
  } else {
    issues.add('transactions', 'invalid_type')
  }
  const links = value._links
  const checkedLinks: CheckedTransactions['_links'] = { self: { href: '' } }
  if (isObject(links)) {
    checkedLinks.self = link(links.self, '_links.self', issues) ?? { href: '' }
    for (const name of TRANSACTIONS_LINKS) checkedLinks[name] = optionalLink(links[name], `_links.${name}`, issues)
  } else {
    issues.add('_links', 'invalid_type')
  }
  if (issues.list.length > 0) return { ok: false, issues: issues.list }
  return { ok: true, value: { transactions, _links: checkedLinks } }
}

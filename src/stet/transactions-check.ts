/**
 * The shape check of a transactions answer, written out by hand. It is the answer that dominates a cold read: a
 * 20-account read checks 20 statements, about 1,000 transactions, and a schema library's generic walk of them (zod's,
 * then) cost ≈ 1.2 ms and 1 MB of allocations per operation (bench/RESULTS.md, fifth pass), for rules that fit on a page.
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

/**
 * The issues found. A property is named by its parent's path and its own name, joined only when it has an issue: a
 * well-formed answer builds no path at all (15 fields of 1,000 transactions per 20-account read).
 */
class Issues {
  readonly list: string[] = []
  add(at: string, name: string, code: string): undefined {
    if (this.list.length < MAX_ISSUES) this.list.push(`${join(at, name)}: ${code}`)
    return undefined
  }
}

function join(at: string, name: string): string {
  return at === '' ? name : `${at}.${name}`
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function requiredString(parent: Json, at: string, name: string, issues: Issues): string {
  const value = parent[name]
  if (typeof value === 'string') return value
  issues.add(at, name, 'invalid_type')
  return ''
}

function optionalString(parent: Json, at: string, name: string, issues: Issues): string | undefined {
  const value = parent[name]
  if (value === undefined || typeof value === 'string') return value
  return issues.add(at, name, 'invalid_type')
}

/** stet-schemas' `lenientDate`: kept as sent; `""`, blanks and null become absent. */
function lenientDate(parent: Json, at: string, name: string, issues: Issues): string | undefined {
  const value = parent[name]
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value.trim() === '' ? undefined : value
  return issues.add(at, name, 'invalid_union')
}

function link(parent: Json, at: string, name: string, issues: Issues): Link | undefined {
  const value = parent[name]
  if (!isObject(value)) return issues.add(at, name, 'invalid_type')
  const href = value.href
  if (typeof href !== 'string') issues.add(join(at, name), 'href', 'invalid_type')
  const templated = value.templated
  if (templated !== undefined && typeof templated !== 'boolean') issues.add(join(at, name), 'templated', 'invalid_type')
  const checkedHref = typeof href === 'string' ? href : ''
  return templated === undefined ? { href: checkedHref } : { href: checkedHref, templated: templated === true }
}

function optionalLink(parent: Json, at: string, name: string, issues: Issues): Link | undefined {
  return parent[name] === undefined ? undefined : link(parent, at, name, issues)
}

function amountOf(parent: Json, at: string, name: string, issues: Issues): { amount: string; currency: string } {
  const value = parent[name]
  if (!isObject(value)) {
    issues.add(at, name, 'invalid_type')
    return { amount: '', currency: '' }
  }
  const raw = value.amount
  let amount = ''
  if (typeof raw === 'string' || typeof raw === 'number') {
    amount = normaliseAmount(raw) ?? issues.add(join(at, name), 'amount', 'custom') ?? ''
  } else {
    issues.add(join(at, name), 'amount', 'invalid_union')
  }
  const currency = value.currency
  if (typeof currency !== 'string') issues.add(join(at, name), 'currency', 'invalid_type')
  else if (currency.length === 0) issues.add(join(at, name), 'currency', 'too_small')
  return { amount, currency: typeof currency === 'string' ? currency : '' }
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

/** The 1.4 bare array or the 1.5 object (stet-schemas' union: the array is tried first). */
function remittanceOf(
  parent: Json,
  at: string,
  name: string,
  issues: Issues,
): CheckedTransaction['remittanceInformation'] {
  const value = parent[name]
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
  return issues.add(at, name, 'invalid_union')
}

function bankTransactionCodeOf(
  parent: Json,
  at: string,
  name: string,
  issues: Issues,
): CheckedTransaction['bankTransactionCode'] {
  const value = parent[name]
  if (value === undefined) return undefined
  if (!isObject(value)) return issues.add(at, name, 'invalid_type')
  // Only reached when the object is there: its path is then built once.
  const path = join(at, name)
  return {
    domain: requiredString(value, path, 'domain', issues),
    family: requiredString(value, path, 'family', issues),
    subFamily: requiredString(value, path, 'subFamily', issues),
    code: optionalString(value, path, 'code', issues),
    issuer: optionalString(value, path, 'issuer', issues),
  }
}

function transactionOf(list: readonly unknown[], index: number, issues: Issues): CheckedTransaction | undefined {
  const value = list[index]
  if (!isObject(value)) return issues.add('transactions', String(index), 'invalid_type')
  // Built once per transaction, joined to a property's name only on an issue.
  const at = `transactions.${index}`
  const resourceId = value.resourceId
  if (resourceId !== undefined && resourceId !== null && typeof resourceId !== 'string') {
    issues.add(at, 'resourceId', 'invalid_type')
  }
  const links = value._links
  let checkedLinks: CheckedTransaction['_links']
  if (links !== undefined) {
    if (isObject(links)) checkedLinks = { details: optionalLink(links, join(at, '_links'), 'details', issues) }
    else issues.add(at, '_links', 'invalid_type')
  }
  return {
    resourceId: resourceId as string | null | undefined,
    entryReference: optionalString(value, at, 'entryReference', issues),
    endToEndId: optionalString(value, at, 'endToEndId', issues),
    transactionAmount: amountOf(value, at, 'transactionAmount', issues),
    creditDebitIndicator: requiredString(value, at, 'creditDebitIndicator', issues),
    status: requiredString(value, at, 'status', issues),
    bookingDate: lenientDate(value, at, 'bookingDate', issues),
    expectedBookingDate: lenientDate(value, at, 'expectedBookingDate', issues),
    valueDate: lenientDate(value, at, 'valueDate', issues),
    transactionDate: lenientDate(value, at, 'transactionDate', issues),
    bankTransactionCode: bankTransactionCodeOf(value, at, 'bankTransactionCode', issues),
    remittanceInformation: remittanceOf(value, at, 'remittanceInformation', issues),
    _links: checkedLinks,
  }
}

const TRANSACTIONS_LINKS = ['parent-list', 'balances', 'next', 'prev', 'previous'] as const

/** The checked answer, or the issues found (at most {@link MAX_ISSUES}). */
export function checkTransactions(
  value: unknown,
): { ok: true; value: CheckedTransactions } | { ok: false; issues: readonly string[] } {
  if (!isObject(value)) return { ok: false, issues: ['(root): invalid_type'] }
  const issues = new Issues()
  const transactions: CheckedTransaction[] = []
  if (Array.isArray(value.transactions)) {
    const list: readonly unknown[] = value.transactions
    for (let i = 0; i < list.length; i++) {
      const transaction = transactionOf(list, i, issues)
      if (transaction !== undefined) transactions.push(transaction)
    }
  } else {
    issues.add('', 'transactions', 'invalid_type')
  }
  const links = value._links
  const checkedLinks: CheckedTransactions['_links'] = { self: { href: '' } }
  if (isObject(links)) {
    checkedLinks.self = link(links, '_links', 'self', issues) ?? { href: '' }
    for (const name of TRANSACTIONS_LINKS) checkedLinks[name] = optionalLink(links, '_links', name, issues)
  } else {
    issues.add('', '_links', 'invalid_type')
  }
  if (issues.list.length > 0) return { ok: false, issues: issues.list }
  return { ok: true, value: { transactions, _links: checkedLinks } }
}

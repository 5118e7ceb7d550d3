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
import {
  amountOf,
  answerLinks,
  arrayOf,
  isObject,
  Issues,
  join,
  lenientDate,
  optionalLink,
  optionalString,
  outcome,
  requiredString,
  ROOT_REFUSED,
  type Json,
} from './check-primitives.js'

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

/** `at`: `transactions.<index>`, built once per transaction by `arrayOf`, joined to a property's name only on an issue. */
function transactionOf(value: unknown, at: string, issues: Issues): CheckedTransaction | undefined {
  if (!isObject(value)) return issues.add(at, '', 'invalid_type')
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

/** The checked answer, or the issues found (at most twenty). */
export function checkTransactions(
  value: unknown,
): { ok: true; value: CheckedTransactions } | { ok: false; issues: readonly string[] } {
  if (!isObject(value)) return ROOT_REFUSED
  const issues = new Issues()
  const transactions = arrayOf(value, '', 'transactions', issues, transactionOf)
  return outcome(issues, { transactions, _links: answerLinks(value, TRANSACTIONS_LINKS, issues) })
}

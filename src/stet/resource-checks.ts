/**
 * The shape checks of the answers every cold read makes besides transactions: the account list (each read resolves its
 * account through it), balances, overdrafts and the PSU's identity. Written out by hand like transactions-check.ts:
 * valibot's generic walk allocated about 15 KiB per cold one-account read for the list and one balances answer, a
 * fourteenth of everything the read allocates (bench/RESULTS.md, eighth pass), and the young garbage is what the
 * gateway's cold reads pay for on V8's threads.
 *
 * The rules are stet-schemas.ts' schemas, which stay their specification: test/stet/resource-checks.test.ts gives both
 * the same generated answers and expects the same output or a refusal from both. Unknown properties are dropped
 * (invariant 10); a refusal lists property paths and codes, never a value.
 */
import type {
  CheckedAccount,
  CheckedAccounts,
  CheckedBalance,
  CheckedBalances,
  CheckedIdentity,
  CheckedOverdrafts,
} from './stet-schemas.js'
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

type Outcome<T> = { ok: true; value: T } | { ok: false; issues: readonly string[] }

function balanceOf(value: unknown, at: string, issues: Issues): CheckedBalance | undefined {
  if (!isObject(value)) return issues.add(at, '', 'invalid_type')
  return {
    name: requiredString(value, at, 'name', issues),
    balanceAmount: amountOf(value, at, 'balanceAmount', issues),
    balanceType: requiredString(value, at, 'balanceType', issues),
    lastChangeDateTime: lenientDate(value, at, 'lastChangeDateTime', issues),
    referenceDate: lenientDate(value, at, 'referenceDate', issues),
    lastCommittedTransaction: optionalString(value, at, 'lastCommittedTransaction', issues),
  }
}

function accountIdOf(parent: Json, at: string, issues: Issues): CheckedAccount['accountId'] {
  const value = parent.accountId
  if (value === undefined) return undefined
  if (!isObject(value)) return issues.add(at, 'accountId', 'invalid_type')
  const path = join(at, 'accountId')
  const other = value.other
  let checkedOther: NonNullable<CheckedAccount['accountId']>['other']
  if (other !== undefined) {
    if (isObject(other)) {
      const otherPath = join(path, 'other')
      checkedOther = {
        identification: requiredString(other, otherPath, 'identification', issues),
        schemeName: requiredString(other, otherPath, 'schemeName', issues),
        issuer: optionalString(other, otherPath, 'issuer', issues),
      }
    } else {
      issues.add(path, 'other', 'invalid_type')
    }
  }
  return {
    iban: optionalString(value, path, 'iban', issues),
    other: checkedOther,
    currency: optionalString(value, path, 'currency', issues),
  }
}

const ACCOUNT_LINKS = ['balances', 'transactions', 'overdrafts', 'owners'] as const

function accountOf(value: unknown, at: string, issues: Issues): CheckedAccount | undefined {
  if (!isObject(value)) return issues.add(at, '', 'invalid_type')
  const links = value._links
  let checkedLinks: CheckedAccount['_links']
  if (links !== undefined) {
    if (isObject(links)) {
      const path = join(at, '_links')
      checkedLinks = {}
      for (const name of ACCOUNT_LINKS) checkedLinks[name] = optionalLink(links, path, name, issues)
    } else {
      issues.add(at, '_links', 'invalid_type')
    }
  }
  return {
    resourceId: optionalString(value, at, 'resourceId', issues),
    bicFi: optionalString(value, at, 'bicFi', issues),
    accountId: accountIdOf(value, at, issues),
    name: requiredString(value, at, 'name', issues),
    details: optionalString(value, at, 'details', issues),
    linkedAccount: optionalString(value, at, 'linkedAccount', issues),
    usage: lenientDate(value, at, 'usage', issues),
    cashAccountType: requiredString(value, at, 'cashAccountType', issues),
    product: optionalString(value, at, 'product', issues),
    currency: optionalString(value, at, 'currency', issues),
    balances: value.balances === undefined ? undefined : arrayOf(value, at, 'balances', issues, balanceOf),
    psuStatus: optionalString(value, at, 'psuStatus', issues),
    _links: checkedLinks,
  }
}

export function checkAccounts(value: unknown): Outcome<CheckedAccounts> {
  if (!isObject(value)) return ROOT_REFUSED
  const issues = new Issues()
  const accounts = arrayOf(value, '', 'accounts', issues, accountOf)
  const links = answerLinks(value, ['consents', 'endUserIdentity', 'next', 'prev', 'first', 'last'], issues)
  return outcome(issues, { accounts, _links: links })
}

export function checkBalances(value: unknown): Outcome<CheckedBalances> {
  if (!isObject(value)) return ROOT_REFUSED
  const issues = new Issues()
  const balances = arrayOf(value, '', 'balances', issues, balanceOf)
  const links = answerLinks(value, ['parent-list', 'transactions', 'overdrafts'], issues)
  return outcome(issues, { balances, _links: links })
}

export function checkOverdrafts(value: unknown): Outcome<CheckedOverdrafts> {
  if (!isObject(value)) return ROOT_REFUSED
  const issues = new Issues()
  const overdrafts = value.overdrafts
  let allowedAmount = { amount: '', currency: '' }
  if (isObject(overdrafts)) allowedAmount = amountOf(overdrafts, 'overdrafts', 'allowedAmount', issues)
  else issues.add('', 'overdrafts', 'invalid_type')
  const links = answerLinks(value, ['parent-list', 'balances', 'transactions'], issues)
  return outcome(issues, { overdrafts: { allowedAmount }, _links: links })
}

export function checkIdentity(value: unknown): Outcome<CheckedIdentity> {
  if (!isObject(value)) return ROOT_REFUSED
  const issues = new Issues()
  const identity = value.identity
  let checked: CheckedIdentity['identity'] = { fullName: '' }
  if (isObject(identity)) {
    checked = {
      fullName: requiredString(identity, 'identity', 'fullName', issues),
      namePrefix: lenientDate(identity, 'identity', 'namePrefix', issues),
      firstName: optionalString(identity, 'identity', 'firstName', issues),
      lastName: optionalString(identity, 'identity', 'lastName', issues),
    }
  } else {
    issues.add('', 'identity', 'invalid_type')
  }
  const links = answerLinks(value, ['accounts', 'consents'], issues)
  return outcome(issues, { identity: checked, _links: links })
}

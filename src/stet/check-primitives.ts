/**
 * The pieces of the hand-written shape checks (transactions-check.ts, resource-checks.ts): each reads one property the
 * way stet-schemas.ts' valibot schema of it does, copies what passes, and records what does not as `path: code`
 * (never a value: invariant 10). Objects are what valibot takes for one (`typeof 'object'`, not null: an array is an
 * object without the keys), so that the checks and their specification agree on every input, not only on sane ones.
 */
import { normaliseAmount } from './stet-schemas.js'

export type Json = Record<string, unknown>
export type Link = { href: string; templated?: boolean | undefined }

/** More issues than this say nothing more about an answer: the rest are dropped (bounded work on a hostile body). */
const MAX_ISSUES = 20

/**
 * The issues found. A property is named by its parent's path and its own name, joined only when it has an issue: a
 * well-formed answer builds no path at all.
 */
export class Issues {
  readonly list: string[] = []
  add(at: string, name: string, code: string): undefined {
    if (this.list.length < MAX_ISSUES) this.list.push(`${join(at, name)}: ${code}`)
    return undefined
  }
}

/** `name` under `at`; an empty name is `at` itself (an array's item that is not an object). */
export function join(at: string, name: string): string {
  return at === '' ? name : name === '' ? at : `${at}.${name}`
}

/** What valibot's `object()` accepts as one. */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null
}

export function requiredString(parent: Json, at: string, name: string, issues: Issues): string {
  const value = parent[name]
  if (typeof value === 'string') return value
  issues.add(at, name, 'invalid_type')
  return ''
}

export function optionalString(parent: Json, at: string, name: string, issues: Issues): string | undefined {
  const value = parent[name]
  if (value === undefined || typeof value === 'string') return value
  return issues.add(at, name, 'invalid_type')
}

/** stet-schemas' `lenientDate` (and `optionalOpenCode`): kept as sent; `""`, blanks and null become absent. */
export function lenientDate(parent: Json, at: string, name: string, issues: Issues): string | undefined {
  const value = parent[name]
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value.trim() === '' ? undefined : value
  return issues.add(at, name, 'invalid_union')
}

export function link(parent: Json, at: string, name: string, issues: Issues): Link | undefined {
  const value = parent[name]
  if (!isObject(value)) return issues.add(at, name, 'invalid_type')
  const href = value.href
  if (typeof href !== 'string') issues.add(join(at, name), 'href', 'invalid_type')
  const templated = value.templated
  if (templated !== undefined && typeof templated !== 'boolean') issues.add(join(at, name), 'templated', 'invalid_type')
  const checkedHref = typeof href === 'string' ? href : ''
  return templated === undefined ? { href: checkedHref } : { href: checkedHref, templated: templated === true }
}

export function optionalLink(parent: Json, at: string, name: string, issues: Issues): Link | undefined {
  return parent[name] === undefined ? undefined : link(parent, at, name, issues)
}

/** `{ self, …names }` of an answer's `_links`: `self` required, the others optional links. */
export function answerLinks<N extends string>(
  parent: Json,
  names: readonly N[],
  issues: Issues,
): { self: Link } & Partial<Record<N, Link | undefined>> {
  const links = parent._links
  const checked: { self: Link } & Partial<Record<string, Link | undefined>> = { self: { href: '' } }
  if (!isObject(links)) {
    issues.add('', '_links', 'invalid_type')
    return checked
  }
  checked.self = link(links, '_links', 'self', issues) ?? { href: '' }
  for (const name of names) checked[name] = optionalLink(links, '_links', name, issues)
  return checked
}

/** stet-schemas' `amountSchema`: an exact decimal string and a non-empty currency. */
export function amountOf(parent: Json, at: string, name: string, issues: Issues): { amount: string; currency: string } {
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

/** Each item of `parent[name]` through `item`, or an issue when it is not an array (`v.array`). */
export function arrayOf<T>(
  parent: Json,
  at: string,
  name: string,
  issues: Issues,
  item: (value: unknown, at: string, issues: Issues) => T | undefined,
): T[] {
  const list = parent[name]
  const checked: T[] = []
  if (!Array.isArray(list)) {
    issues.add(at, name, 'invalid_type')
    return checked
  }
  const path = join(at, name)
  for (let i = 0; i < list.length; i++) {
    const value = item(list[i], `${path}.${i}`, issues)
    if (value !== undefined) checked.push(value)
  }
  return checked
}

/** A body that is not an object at all. */
export const ROOT_REFUSED = { ok: false, issues: ['(root): invalid_type'] } as const

/** The outcome every check returns (bank-answer.ts `BodyCheck`). */
export function outcome<T>(
  issues: Issues,
  value: T,
): { ok: true; value: T } | { ok: false; issues: readonly string[] } {
  return issues.list.length > 0 ? { ok: false, issues: issues.list } : { ok: true, value }
}

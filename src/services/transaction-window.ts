/**
 * One transactions call per account per operation (DESIGN "Making four calls a day count"): the gateway asks the
 * bank for the whole window it may read, then filters and pages itself. The bank refuses a `dateFrom` older than
 * 62 days (bank page, Limits + acceptance tests): the window starts at Paris midnight 61 days ago, so clock skew
 * between us and the bank can never make it "older than 62 days".
 */
import { DateTime } from 'luxon'
import type { ParisDay } from '../quota/windows.js'
import { parisDayOf } from '../quota/windows.js'
import { BadInputError, quoted } from './read-errors.js'
import type { TransactionRecord } from './records.js'

const PARIS = 'Europe/Paris'
export const TRANSACTION_DEPTH_DAYS = 61
export const MAX_PAGE_SIZE = 500

/**
 * The window start of the Paris day last seen: it changes only at a Paris midnight, so luxon's zone maths runs once a
 * day instead of per account and call (bench/RESULTS.md), and the bounds of the day come from `parisDayOf`.
 */
let lastStart: { readonly day: ParisDay; readonly start: DateTime; readonly dateFrom: string } | undefined

function windowOf(now: number): { readonly start: DateTime; readonly dateFrom: string } {
  if (lastStart !== undefined && now >= lastStart.day.start && now < lastStart.day.end) return lastStart
  const day = parisDayOf(now)
  const start = DateTime.fromMillis(day.start, { zone: PARIS }).minus({ days: TRANSACTION_DEPTH_DAYS })
  lastStart = { day, start, dateFrom: toStetDateParam(start) }
  return lastStart
}

export function transactionWindowStart(now: number): DateTime {
  return windowOf(now).start
}

/**
 * `toStetDateParam(transactionWindowStart(now))`, formatted once per Paris day: luxon's formatting per account and
 * call was 2.4 % of a cold 20-account read's CPU (bench/RESULTS.md, issue 16).
 */
export function transactionWindowDateFrom(now: number): string {
  return windowOf(now).dateFrom
}

/** The bank's format with milliseconds and an explicit offset (bank page, Get transactions). */
export function toStetDateParam(dt: DateTime): string {
  return dt.toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZ")
}

export interface TransactionPageArgs {
  /** Paris calendar date, included. */
  readonly from?: string
  /** Paris calendar date, excluded (as STET's dateTo). */
  readonly to?: string
  readonly first?: number
  readonly after?: string
}

export interface TransactionPage {
  readonly nodes: readonly TransactionRecord[]
  readonly cursors: readonly string[]
  readonly totalCount: number
  readonly hasNextPage: boolean
  readonly hasPreviousPage: boolean
}

export function parseParisDate(name: string, value: string): DateTime {
  const dt = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: PARIS }) : undefined
  if (dt === undefined || !dt.isValid)
    throw new BadInputError(`${name} must be a date YYYY-MM-DD (got ${quoted(value)})`)
  return dt
}

/** Checks the arguments before any bank call, so bad input never costs a call. */
export function validatePageArgs(args: TransactionPageArgs, now: number): void {
  // Most reads name no dates and no cursor: nothing below needs the time-zone maths for them.
  if (args.from === undefined && args.to === undefined) {
    checkFirstAndAfter(args)
    return
  }
  const start = transactionWindowStart(now)
  const from = args.from === undefined ? undefined : parseParisDate('from', args.from)
  const to = args.to === undefined ? undefined : parseParisDate('to', args.to)
  if (from !== undefined && from < start) {
    throw new BadInputError(
      `from must not be before ${start.toISODate() ?? ''}: the bank keeps ${TRANSACTION_DEPTH_DAYS} days of history`,
    )
  }
  // Paris "tomorrow" at midnight: `to` is excluded, so to = tomorrow means "up to and including today".
  const tomorrow = parisDayOf(now).end
  if (from !== undefined && from.toMillis() >= tomorrow)
    throw new BadInputError('from must not be after today (Paris time)')
  if (to !== undefined && to.toMillis() > tomorrow)
    throw new BadInputError('to must not be after tomorrow (it is excluded)')
  if (to !== undefined && to <= start) {
    throw new BadInputError(
      `to must be after ${start.toISODate() ?? ''}: the bank keeps ${TRANSACTION_DEPTH_DAYS} days of history`,
    )
  }
  if (from !== undefined && to !== undefined && to <= from) throw new BadInputError('to must be after from')
  checkFirstAndAfter(args)
}

function checkFirstAndAfter(args: TransactionPageArgs): void {
  if (args.first !== undefined && (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE_SIZE)) {
    throw new BadInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`)
  }
  if (args.after !== undefined && decodeCursor(args.after) === undefined)
    throw new BadInputError('after is not a valid cursor')
}

/** Whether the list is already newest first (a stable sort would leave it as it is). */
function isNewestFirst(all: readonly TransactionRecord[]): boolean {
  for (let i = 1; i < all.length; i++) {
    const newer = all[i - 1]
    const older = all[i]
    if (newer !== undefined && older !== undefined && newer.sortTime < older.sortTime) return false
  }
  return true
}

export function encodeCursor(tx: TransactionRecord): string {
  return Buffer.from(`tx:${tx.id}`, 'utf8').toString('base64url')
}

/** The transaction id a cursor names, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  return text.startsWith('tx:') && text.length > 3 ? text.slice(3) : undefined
}

/** Newest first, as the bank lists them; ties keep the bank's order. */
export function pageTransactions(all: readonly TransactionRecord[], args: TransactionPageArgs): TransactionPage {
  const fromMs = args.from === undefined ? undefined : parseParisDate('from', args.from).toMillis()
  const toMs = args.to === undefined ? undefined : parseParisDate('to', args.to).toMillis()
  const filtered =
    fromMs === undefined && toMs === undefined && isNewestFirst(all)
      ? // The usual case on every read of a cached statement: nothing to filter, already in order, nothing to copy.
        all
      : all
          .filter((tx) => (fromMs === undefined || tx.sortTime >= fromMs) && (toMs === undefined || tx.sortTime < toMs))
          .map((tx, index) => ({ tx, index }))
          .sort((a, b) => b.tx.sortTime - a.tx.sortTime || a.index - b.index)
          .map(({ tx }) => tx)
  let start = 0
  if (args.after !== undefined) {
    const id = decodeCursor(args.after)
    const at = filtered.findIndex((tx) => tx.id === id)
    if (at < 0) throw new BadInputError('after does not point at a transaction of this selection')
    start = at + 1
  }
  const size = args.first ?? MAX_PAGE_SIZE
  const nodes = filtered.slice(start, start + size)
  return {
    nodes,
    cursors: nodes.map(encodeCursor),
    totalCount: filtered.length,
    hasNextPage: start + size < filtered.length,
    hasPreviousPage: start > 0,
  }
}

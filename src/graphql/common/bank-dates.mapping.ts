/**
 * The bank's date forms → what the Date and DateTime scalars can carry. The bank sends `2022-04-07`,
 * `2022-04-07T00:00:00+0200` (an offset without a colon, which RFC 3339 and graphql-scalars' DateTime refuse), `…Z`,
 * offset-less local times, `""` and null (NOTES §5, §6.4). Parsing is services' `parseBankDate`; here:
 * - a calendar date is the PARIS day of that instant (a BPCE midnight `+0200` is that day, not the UTC day before);
 * - a timestamp becomes a JS Date, which the DateTime scalar prints as RFC 3339 UTC (`2022-04-06T22:00:00.000Z`).
 * Anything unreadable becomes null: one odd date never fails the read.
 */
import { DateTime } from 'luxon'
import { parseBankDate } from '../../services/stet-mapping.js'

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const HOUR_MS = 3600_000
/** Paris changes offset only on whole UTC hours: one offset per hour, looked up once (a statement repeats hours). */
const parisOffsetByHour = new Map<number, number>()

function parisOffsetMs(epochMs: number): number {
  const hour = Math.floor(epochMs / HOUR_MS)
  let offset = parisOffsetByHour.get(hour)
  if (offset === undefined) {
    offset = DateTime.fromMillis(hour * HOUR_MS, { zone: 'Europe/Paris' }).offset * 60_000
    if (parisOffsetByHour.size >= 8192) parisOffsetByHour.clear()
    parisOffsetByHour.set(hour, offset)
  }
  return offset
}

/**
 * Served pages map the same cached transactions again on every operation: a bounded memo by the bank's text keeps
 * that to one Map lookup per date (parsing and printing a date cost ≈ 1 µs, three per transaction).
 */
const parisDayMemo = new Map<string, string | undefined>()
const MEMO_LIMIT = 16_384

/** The Paris calendar day (`YYYY-MM-DD`) of a bank date or date-time; undefined when absent or unreadable. */
export function toParisDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (parisDayMemo.has(value)) return parisDayMemo.get(value)
  const day = parisDayOf(value.trim())
  if (parisDayMemo.size >= MEMO_LIMIT) parisDayMemo.clear()
  parisDayMemo.set(value, day)
  return day
}

function parisDayOf(text: string): string | undefined {
  const day = DATE_ONLY.exec(text)
  if (day !== null) {
    const [, y, m, d] = day
    const probe = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
    return probe.toISOString().slice(0, 10) === text ? text : undefined
  }
  const ms = parseBankDate(text)
  return ms === undefined ? undefined : new Date(ms + parisOffsetMs(ms)).toISOString().slice(0, 10)
}

/** The instant of a bank timestamp; undefined when absent or unreadable. */
export function toInstant(value: string | undefined): Date | undefined {
  const ms = parseBankDate(value)
  return ms === undefined ? undefined : new Date(ms)
}

/** A Date argument (graphql-scalars parses `YYYY-MM-DD` to UTC midnight) back to the calendar day it names. */
export function toCalendarDay(date: Date | null | undefined): string | undefined {
  return date === undefined || date === null ? undefined : date.toISOString().slice(0, 10)
}

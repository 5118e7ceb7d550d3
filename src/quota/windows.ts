/**
 * The two windows a grant must fit in (DESIGN.md invariant 5), as pure functions of grant timestamps and `now`.
 *
 * - Calendar day: the bank's day runs from 00:00 to 23:59:59.999 Europe/Paris (bank-notes.md "The limit"). Paris days
 *   last 23 h (last Sunday of March) or 25 h (last Sunday of October); DST switches at 02:00/03:00, so midnight always
 *   exists and luxon's `startOf('day')` is exact. Each day's bounds are computed once (`parisDayOf`).
 * - Rolling 24 h: grants in (now − 24 h, now]. The bank does not state it; it bounds the damage if the bank's "day"
 *   ever differs from ours (server clock, time zone), and the policy may turn it off.
 *
 * Grants stamped after `now` (a clock that moved back) count in both windows: doubt counts against us.
 * Both ledgers make their decision with `isGrantAllowed` (the Redis script mirrors it line for line) and derive every
 * reported number with `evaluateWindows`, so the two stores cannot disagree on what "full" means.
 */
import { DateTime } from 'luxon'
import type { QuotaWindows } from './quota-ledger.js'

export const PARIS_ZONE = 'Europe/Paris'
export const ROLLING_WINDOW_MS = 24 * 60 * 60 * 1000
/** A grant matters for at most 25 h (a 25-hour day) or 24 h (rolling): keep 26 h, drop the rest. */
export const GRANT_RETENTION_MS = 26 * 60 * 60 * 1000

/** One Paris calendar day: [start, end) in epoch ms, 23, 24 or 25 hours long. */
export interface ParisDay {
  readonly start: number
  readonly end: number
}

/**
 * Days already computed, by start. The time-zone maths (luxon's offset search) is done once per day boundary, not per
 * read: a warm read asks the day of `now` for every quota status, and it was 29.5 % of a warm profile
 * (bench/RESULTS.md). Exact whatever the day's length: the bounds are luxon's own, kept as numbers; a time inside
 * [start, end) belongs to that day by definition, so the cache never answers for a time it has not bounded.
 */
const knownDays = new Map<number, ParisDay>()
/** Far more than the days a process looks at around `now` (the Redis script's ±3, grants of the last 26 h). */
const MAX_KNOWN_DAYS = 64
let lastDay: ParisDay = { start: 0, end: 0 }

/** The Paris calendar day containing `at` (epoch ms). */
export function parisDayOf(at: number): ParisDay {
  if (at >= lastDay.start && at < lastDay.end) return lastDay
  for (const day of knownDays.values()) {
    if (at >= day.start && at < day.end) {
      lastDay = day
      return day
    }
  }
  const start = DateTime.fromMillis(at, { zone: PARIS_ZONE }).startOf('day')
  const day: ParisDay = { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() }
  if (knownDays.size >= MAX_KNOWN_DAYS) knownDays.clear()
  knownDays.set(day.start, day)
  lastDay = day
  return day
}

/** The Paris midnight that starts the day containing `at` (epoch ms). */
export function parisDayStart(at: number): number {
  return parisDayOf(at).start
}

/** The next Paris midnight after `at`: when the calendar-day count resets. */
export function nextParisMidnight(at: number): number {
  return parisDayOf(at).end
}

/**
 * Paris midnights from `daysBefore` days before the day of `at` to `daysAfter` days after it, ascending. The Redis
 * script takes this list so that it can label the store's own `TIME` with a Paris day without a time-zone database.
 */
export function parisMidnightsAround(at: number, daysBefore: number, daysAfter: number): number[] {
  const today = parisDayOf(at)
  const before: number[] = []
  let day = today
  for (let i = 0; i < daysBefore; i++) {
    day = parisDayOf(day.start - 1)
    before.push(day.start)
  }
  const midnights = before.reverse()
  midnights.push(today.start)
  day = today
  for (let i = 0; i < daysAfter; i++) {
    midnights.push(day.end)
    day = parisDayOf(day.end)
  }
  return midnights
}

/**
 * When every window that contains `at` has passed: the end of its Paris day, and with a rolling window `at + 24 h`.
 * Used for a 429 (the bank says the key is spent at `at`: calls it counted may be as recent as `at`) and for a store
 * that lost its counts at `at` (the lost grants may be as recent as `at`).
 */
export function windowsEndAfter(at: number, windows: QuotaWindows): number {
  const dayEnd = nextParisMidnight(at)
  const rollingEnd = at + ROLLING_WINDOW_MS
  if (windows === 'calendar-day') return dayEnd
  if (windows === 'rolling-24h') return rollingEnd
  return Math.max(dayEnd, rollingEnd)
}

export interface WindowState {
  calendarUsed: number
  /** The next Paris midnight. */
  calendarResetsAt: number
  rollingUsed: number
  /** When the rolling count drops below the limit; null when it is already below. */
  rollingNextFreeAt: number | null
  /** The count the policy compares with the limit (the larger of the windows it checks). */
  used: number
  remaining: number
  /** The earliest time the counts allow a grant (`now` when they allow one now). Ignores exhaustion and loss. */
  freeAt: number
}

/** Grants in the window ending at `now`: those inside the Paris day (or later) and those after `now − 24 h`. */
function countWindows(
  grants: readonly number[],
  now: number,
): { calendarUsed: number; rollingUsed: number; dayStart: number } {
  const dayStart = parisDayStart(now)
  const rollingFloor = now - ROLLING_WINDOW_MS
  let calendarUsed = 0
  let rollingUsed = 0
  for (const at of grants) {
    if (at >= dayStart) calendarUsed++
    if (at > rollingFloor) rollingUsed++
  }
  return { calendarUsed, rollingUsed, dayStart }
}

function usedFor(windows: QuotaWindows, calendarUsed: number, rollingUsed: number): number {
  if (windows === 'calendar-day') return calendarUsed
  if (windows === 'rolling-24h') return rollingUsed
  return Math.max(calendarUsed, rollingUsed)
}

export function isGrantAllowed(grants: readonly number[], now: number, limit: number, windows: QuotaWindows): boolean {
  const { calendarUsed, rollingUsed } = countWindows(grants, now)
  return usedFor(windows, calendarUsed, rollingUsed) < limit
}

export function evaluateWindows(
  grants: readonly number[],
  now: number,
  limit: number,
  windows: QuotaWindows,
): WindowState {
  const { calendarUsed, rollingUsed } = countWindows(grants, now)
  const calendarResetsAt = nextParisMidnight(now)
  let rollingNextFreeAt: number | null = null
  if (rollingUsed >= limit) {
    // The rolling count drops below the limit when the (n − limit + 1)-th newest grant leaves: at its time + 24 h.
    const inWindow = grants.filter((at) => at > now - ROLLING_WINDOW_MS).sort((a, b) => a - b)
    const leaving = inWindow[rollingUsed - limit]
    rollingNextFreeAt = leaving === undefined ? now : Math.max(now, leaving + ROLLING_WINDOW_MS)
  }
  const used = usedFor(windows, calendarUsed, rollingUsed)
  // Both conditions only become easier as time passes (no new grants), so the earliest time both hold is the later one.
  const calendarFreeAt = windows !== 'rolling-24h' && calendarUsed >= limit ? calendarResetsAt : now
  const rollingFreeAt = windows !== 'calendar-day' && rollingNextFreeAt !== null ? rollingNextFreeAt : now
  return {
    calendarUsed,
    calendarResetsAt,
    rollingUsed,
    rollingNextFreeAt,
    used,
    remaining: Math.max(0, limit - used),
    freeAt: Math.max(calendarFreeAt, rollingFreeAt),
  }
}

/**
 * The two windows a grant must fit in (DESIGN.md invariant 5), as pure functions of grant timestamps and `now`.
 *
 * - Calendar day: the bank's day runs from 00:00 to 23:59:59.999 Europe/Paris (bank-notes.md "The limit"). Paris days
 *   last 23 h (last Sunday of March) or 25 h (last Sunday of October); DST switches at 02:00/03:00, so midnight always
 *   exists and luxon's `startOf('day')` is exact.
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

/** The Paris midnight that starts the day containing `at` (epoch ms). */
export function parisDayStart(at: number): number {
  return DateTime.fromMillis(at, { zone: PARIS_ZONE }).startOf('day').toMillis()
}

/** The next Paris midnight after `at`: when the calendar-day count resets. */
export function nextParisMidnight(at: number): number {
  return DateTime.fromMillis(at, { zone: PARIS_ZONE }).startOf('day').plus({ days: 1 }).toMillis()
}

/**
 * Paris midnights from `daysBefore` days before the day of `at` to `daysAfter` days after it, ascending. The Redis
 * script takes this list so that it can label the store's own `TIME` with a Paris day without a time-zone database.
 */
export function parisMidnightsAround(at: number, daysBefore: number, daysAfter: number): number[] {
  const start = DateTime.fromMillis(at, { zone: PARIS_ZONE }).startOf('day')
  const midnights: number[] = []
  for (let day = -daysBefore; day <= daysAfter; day++) midnights.push(start.plus({ days: day }).toMillis())
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

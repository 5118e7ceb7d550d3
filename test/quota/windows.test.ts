import { describe, expect, it } from '@jest/globals'
import { DateTime } from 'luxon'
import {
  evaluateWindows,
  isGrantAllowed,
  nextParisMidnight,
  parisDayStart,
  parisMidnightsAround,
  windowsEndAfter,
} from '../../src/quota/windows.js'

const HOUR = 60 * 60 * 1000
/** A Paris wall-clock time as epoch ms. */
const paris = (iso: string): number => DateTime.fromISO(iso, { zone: 'Europe/Paris' }).toMillis()
const utc = (iso: string): number => DateTime.fromISO(iso, { zone: 'utc' }).toMillis()
const four = (at: number): number[] => [at, at + 1, at + 2, at + 3]

describe('Paris calendar day', () => {
  it('starts at Paris midnight in winter (UTC+1) and summer (UTC+2)', () => {
    expect(parisDayStart(utc('2026-01-15T12:00:00'))).toBe(utc('2026-01-14T23:00:00'))
    expect(nextParisMidnight(utc('2026-01-15T12:00:00'))).toBe(utc('2026-01-15T23:00:00'))
    expect(parisDayStart(utc('2026-07-15T12:00:00'))).toBe(utc('2026-07-14T22:00:00'))
    expect(nextParisMidnight(utc('2026-07-15T12:00:00'))).toBe(utc('2026-07-15T22:00:00'))
  })

  it('has 23 hours on 2026-03-29 and 25 hours on 2026-10-25', () => {
    const spring = paris('2026-03-29T12:00')
    expect(nextParisMidnight(spring) - parisDayStart(spring)).toBe(23 * HOUR)
    const autumn = paris('2026-10-25T12:00')
    expect(nextParisMidnight(autumn) - parisDayStart(autumn)).toBe(25 * HOUR)
  })

  it('lists the midnights around a time, ascending, for the Redis script', () => {
    const list = parisMidnightsAround(paris('2026-03-29T12:00'), 1, 1)
    expect(list).toEqual([paris('2026-03-28T00:00'), paris('2026-03-29T00:00'), paris('2026-03-30T00:00')])
  })

  it('resets four winter calls exactly at Paris midnight (calendar-day only)', () => {
    const grants = four(paris('2026-01-15T08:00'))
    expect(isGrantAllowed(grants, paris('2026-01-15T23:59:59.999'), 4, 'calendar-day')).toBe(false)
    expect(isGrantAllowed(grants, paris('2026-01-16T00:00'), 4, 'calendar-day')).toBe(true)
    expect(evaluateWindows(grants, paris('2026-01-15T20:00'), 4, 'calendar-day').freeAt).toBe(paris('2026-01-16T00:00'))
  })

  it('resets four summer calls exactly at Paris midnight (calendar-day only)', () => {
    const grants = four(paris('2026-07-15T00:00'))
    expect(isGrantAllowed(grants, paris('2026-07-15T23:59:59.999'), 4, 'calendar-day')).toBe(false)
    expect(isGrantAllowed(grants, utc('2026-07-15T22:00:00'), 4, 'calendar-day')).toBe(true)
  })

  it('on the 23-hour day, calls at 00:00 are refused until the next midnight, 23 h later (both windows)', () => {
    // 4 calls in the first minute of the short day: the calendar day and the rolling window end 1 h apart.
    const grants = four(paris('2026-03-29T00:00'))
    const status = evaluateWindows(grants, paris('2026-03-29T22:59'), 4, 'both')
    expect(status.calendarUsed).toBe(4)
    expect(status.calendarResetsAt).toBe(paris('2026-03-30T00:00'))
    expect(status.calendarResetsAt - paris('2026-03-29T00:00')).toBe(23 * HOUR)
    // At the short day's midnight the calendar allows, but the rolling window still holds the 4 calls for 1 h.
    expect(isGrantAllowed(grants, paris('2026-03-30T00:00'), 4, 'calendar-day')).toBe(true)
    expect(isGrantAllowed(grants, paris('2026-03-30T00:00'), 4, 'both')).toBe(false)
    expect(status.freeAt).toBe(paris('2026-03-29T00:00') + 24 * HOUR)
  })

  it('on the 23-hour day, the calendar window alone resets exactly at the next Paris midnight, 23 h later', () => {
    const grants = four(paris('2026-03-29T00:00'))
    expect(isGrantAllowed(grants, paris('2026-03-29T23:59:59.999'), 4, 'calendar-day')).toBe(false)
    expect(isGrantAllowed(grants, paris('2026-03-30T00:00'), 4, 'calendar-day')).toBe(true)
    expect(evaluateWindows(grants, paris('2026-03-29T12:00'), 4, 'calendar-day').freeAt).toBe(
      paris('2026-03-29T00:00') + 23 * HOUR,
    )
  })

  it('on the 25-hour day, calls stay refused for 25 hours and reset at the next Paris midnight', () => {
    const grants = four(paris('2026-10-25T00:00'))
    const lateSameDay = paris('2026-10-25T23:30')
    expect(lateSameDay - paris('2026-10-25T00:00')).toBe(24.5 * HOUR)
    // 24.5 h later the rolling window alone would allow; the calendar day (25 h long) still refuses.
    expect(isGrantAllowed(grants, lateSameDay, 4, 'rolling-24h')).toBe(true)
    expect(isGrantAllowed(grants, lateSameDay, 4, 'both')).toBe(false)
    expect(evaluateWindows(grants, lateSameDay, 4, 'both').freeAt).toBe(paris('2026-10-26T00:00'))
    expect(isGrantAllowed(grants, paris('2026-10-26T00:00'), 4, 'both')).toBe(true)
  })
})

describe('rolling 24 hours', () => {
  it('refuses at 00:30 after four calls at 23:00 although the calendar day allows, until 23:00 the next day', () => {
    const grants = four(paris('2026-02-10T23:00'))
    const afterMidnight = paris('2026-02-11T00:30')
    expect(isGrantAllowed(grants, afterMidnight, 4, 'calendar-day')).toBe(true)
    expect(isGrantAllowed(grants, afterMidnight, 4, 'both')).toBe(false)
    const status = evaluateWindows(grants, afterMidnight, 4, 'both')
    expect(status.calendarUsed).toBe(0)
    expect(status.rollingUsed).toBe(4)
    // The first of the four leaves the window 24 h after it was granted: then 3 remain and one call is allowed.
    expect(status.rollingNextFreeAt).toBe(paris('2026-02-11T23:00'))
    expect(status.freeAt).toBe(paris('2026-02-11T23:00'))
    expect(isGrantAllowed(grants, paris('2026-02-11T23:00') - 1, 4, 'both')).toBe(false)
    expect(isGrantAllowed(grants, paris('2026-02-11T23:00'), 4, 'both')).toBe(true)
  })

  it('reports null for nextFreeAt when the rolling window is not full, and counts remaining', () => {
    const status = evaluateWindows([paris('2026-02-10T10:00')], paris('2026-02-10T11:00'), 4, 'both')
    expect(status).toMatchObject({ used: 1, remaining: 3, rollingNextFreeAt: null, freeAt: paris('2026-02-10T11:00') })
  })

  it('counts a grant stamped after now (a clock that moved back) in both windows', () => {
    const now = paris('2026-02-10T11:00')
    expect(evaluateWindows([now + HOUR], now, 4, 'both')).toMatchObject({ calendarUsed: 1, rollingUsed: 1 })
  })
})

describe('windowsEndAfter (a 429, a lost store)', () => {
  it('is the next Paris midnight for the calendar day, +24 h for rolling, the later of both', () => {
    const at = paris('2026-10-25T01:30')
    expect(windowsEndAfter(at, 'calendar-day')).toBe(paris('2026-10-26T00:00'))
    expect(windowsEndAfter(at, 'rolling-24h')).toBe(at + 24 * HOUR)
    // 01:30 on the 25-hour day: midnight is 23.5 h away (with the extra hour), so rolling ends later.
    expect(windowsEndAfter(at, 'both')).toBe(at + 24 * HOUR)
    const evening = paris('2026-01-15T20:00')
    expect(windowsEndAfter(evening, 'both')).toBe(evening + 24 * HOUR)
  })
})

describe('Paris day bounds, computed once per day and cached', () => {
  /** luxon's own answer, computed afresh: what the cache must always agree with. */
  const direct = (at: number): { start: number; end: number } => {
    const start = DateTime.fromMillis(at, { zone: 'Europe/Paris' }).startOf('day')
    return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() }
  }
  const MINUTE = 60_000
  /** Every quarter hour from 2 days before to 2 days after the Paris date, plus each midnight ± 1 ms. */
  const timesAround = (isoDate: string): number[] => {
    const times: number[] = []
    const from = paris(`${isoDate}T00:00`) - 2 * 24 * HOUR
    for (let at = from; at < from + 4 * 24 * HOUR; at += 15 * MINUTE) times.push(at, at + 7 * MINUTE + 13)
    for (let day = -2; day <= 2; day++) {
      const midnight = DateTime.fromISO(isoDate, { zone: 'Europe/Paris' }).plus({ days: day }).toMillis()
      times.push(midnight - 1, midnight, midnight + 1)
    }
    return times
  }

  it.each([
    ['the 23-hour day', '2026-03-29'],
    ['the 25-hour day', '2026-10-25'],
    ['a winter day', '2026-01-15'],
    ['a summer day', '2026-07-15'],
    ['the turn of the year', '2027-01-01'],
  ])('agrees with luxon at every quarter hour and every midnight ± 1 ms around %s, in any order', (_name, date) => {
    const times = timesAround(date)
    // Forward, backward and interleaved: the cache is entered from each side of every boundary.
    const orders = [times, [...times].reverse(), times.map((_, i) => times[(i * 7919) % times.length] ?? 0)]
    for (const order of orders) {
      for (const at of order) {
        const expected = direct(at)
        expect({ at, start: parisDayStart(at), end: nextParisMidnight(at) }).toEqual({ at, ...expected })
      }
    }
  })

  it('gives the DST days their true lengths from the cache as well as on first computation', () => {
    for (let pass = 0; pass < 2; pass++) {
      expect(nextParisMidnight(paris('2026-03-29T01:59')) - parisDayStart(paris('2026-03-29T03:00'))).toBe(23 * HOUR)
      expect(nextParisMidnight(paris('2026-10-25T02:30')) - parisDayStart(paris('2026-10-25T23:59'))).toBe(25 * HOUR)
      // The repeated hour 02:00–03:00 of the 25-hour day: both instants of "02:30" are in the same day.
      const firstHalf = utc('2026-10-25T00:30:00')
      const secondHalf = utc('2026-10-25T01:30:00')
      expect(parisDayStart(firstHalf)).toBe(parisDayStart(secondHalf))
    }
  })

  it('lists the midnights around DST days from cached days, exactly', () => {
    for (const date of ['2026-03-29', '2026-10-25']) {
      const at = paris(`${date}T12:00`)
      const expected = [-3, -2, -1, 0, 1, 2, 3].map((d) =>
        DateTime.fromISO(date, { zone: 'Europe/Paris' }).plus({ days: d }).toMillis(),
      )
      expect(parisMidnightsAround(at, 3, 3)).toEqual(expected)
      expect(parisMidnightsAround(at, 3, 3)).toEqual(expected)
    }
  })

  it('stays exact after its bound on remembered days forces it to start over', () => {
    const start = paris('2026-01-01T12:00')
    for (let day = 0; day < 400; day += 1) {
      const at = start + day * 24 * HOUR
      expect(parisDayStart(at)).toBe(direct(at).start)
    }
    expect(nextParisMidnight(paris('2026-03-29T12:00'))).toBe(paris('2026-03-30T00:00'))
  })
})

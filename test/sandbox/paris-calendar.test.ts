/**
 * The sandbox bank's calendar days, remembered per day (issue 16): the same answers as luxon's own zone maths at every
 * quarter hour and around every midnight of both 2026 DST days, in any order.
 */
import { describe, expect, it } from '@jest/globals'
import { DateTime } from 'luxon'
import { parisDay, parisDayBack } from '../../src/sandbox/paris-calendar.js'

const ZONE = 'Europe/Paris'
const direct = (at: number): string => DateTime.fromMillis(at, { zone: ZONE }).toFormat('yyyy-MM-dd')
const directBack = (at: number, daysBack: number): string =>
  direct(DateTime.fromMillis(at, { zone: ZONE }).startOf('day').minus({ days: daysBack }).set({ hour: 12 }).toMillis())

function instantsAround(isoDay: string): number[] {
  const start = DateTime.fromISO(isoDay, { zone: ZONE }).minus({ days: 1 })
  const out: number[] = []
  for (let t = start.toMillis(); t < start.plus({ days: 3 }).toMillis(); t += 15 * 60_000) out.push(t)
  for (const d of [0, 1, 2, 3]) {
    const midnight = start.plus({ days: d }).toMillis()
    out.push(midnight - 1, midnight, midnight + 1)
  }
  return out
}

describe('sandbox Paris days', () => {
  it.each(['2026-03-29', '2026-10-25', '2026-01-01'])('match luxon around %s, in three orders', (day) => {
    const instants = instantsAround(day)
    for (const order of [instants, [...instants].reverse(), instants.filter((_, i) => i % 2 === 0)]) {
      for (const at of order) {
        expect(parisDay(at)).toBe(direct(at))
        for (const back of [0, 1, 30, 61]) expect(parisDayBack(at, back)).toBe(directBack(at, back))
      }
    }
  })
})

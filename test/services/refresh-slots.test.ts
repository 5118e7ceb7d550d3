import { describe, expect, it } from '@jest/globals'
import { latestSlot } from '../../src/services/refresh-scheduler.js'

const SCHEDULE = ['06:00', '11:00', '16:00', '21:00']

describe('latestSlot (Paris times of day)', () => {
  it('is the latest Paris time at or before now, yesterday’s before the first of today', () => {
    expect(new Date(latestSlot(Date.parse('2026-11-24T10:30:00Z'), SCHEDULE) ?? 0).toISOString()).toBe(
      '2026-11-24T10:00:00.000Z',
    )
    expect(new Date(latestSlot(Date.parse('2026-11-24T04:00:00Z'), SCHEDULE) ?? 0).toISOString()).toBe(
      '2026-11-23T20:00:00.000Z',
    )
    expect(latestSlot(Date.parse('2026-11-24T10:00:00Z'), SCHEDULE)).toBe(Date.parse('2026-11-24T10:00:00Z'))
    expect(latestSlot(Date.now(), [])).toBeUndefined()
  })

  it('follows summer time, and a time in the spring-forward gap runs when the clock jumps past it', () => {
    // 2026-07-01 06:00 in Paris is 04:00 UTC (CEST).
    expect(latestSlot(Date.parse('2026-07-01T04:30:00Z'), SCHEDULE)).toBe(Date.parse('2026-07-01T04:00:00Z'))
    // 2026-03-29: 02:00 → 03:00; a 02:30 slot is 03:30 CEST = 01:30 UTC.
    expect(latestSlot(Date.parse('2026-03-29T01:45:00Z'), ['02:30'])).toBe(Date.parse('2026-03-29T01:30:00Z'))
  })
})

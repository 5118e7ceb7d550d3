import { describe, expect, it } from '@jest/globals'
import { FreshnessPolicy } from '../../src/cache/freshness-policy.js'

const H = 3600_000

describe('FreshnessPolicy', () => {
  const policy = new FreshnessPolicy({ minMaxAgeMs: 5 * 60_000 })

  it('spreads the calls left over the time left in the window', () => {
    // 08:00 with 4 calls left and 16 h to midnight: a value stays fresh 4 h.
    expect(policy.maxAgeMs({ remaining: 4, windowEndsAt: 16 * H, minSpacingMs: 0 }, 0)).toBe(4 * H)
    expect(policy.isFresh(-3.9 * H, { remaining: 4, windowEndsAt: 16 * H, minSpacingMs: 0 }, 0)).toBe(true)
    expect(policy.isFresh(-4 * H, { remaining: 4, windowEndsAt: 16 * H, minSpacingMs: 0 }, 0)).toBe(false)
    expect(policy.maxAgeMs({ remaining: 1, windowEndsAt: 2 * H, minSpacingMs: 0 }, 0)).toBe(2 * H)
  })

  it('never refreshes faster than its floor, even late in the window', () => {
    expect(policy.maxAgeMs({ remaining: 4, windowEndsAt: 60_000, minSpacingMs: 0 }, 0)).toBe(5 * 60_000)
  })

  it('with no call left only the floor counts as fresh: older values are served stale by the reader', () => {
    expect(policy.isFresh(-60_000, { remaining: 0, windowEndsAt: 10 * H, minSpacingMs: 0 }, 0)).toBe(true)
    expect(policy.isFresh(-H, { remaining: 0, windowEndsAt: 10 * H, minSpacingMs: 0 }, 0)).toBe(false)
  })

  it('with a rolling window, keeps calls 24 h ÷ limit apart even when the calendar day is almost over', () => {
    // 22:00 with 4 calls left: the calendar share is 30 min, but four calls by midnight would starve the next day.
    expect(policy.maxAgeMs({ remaining: 4, windowEndsAt: 2 * H, minSpacingMs: 6 * H }, 0)).toBe(6 * H)
  })
})

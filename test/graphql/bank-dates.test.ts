import { describe, expect, it } from '@jest/globals'
import { DateTime } from 'luxon'
import { toCalendarDay, toInstant, toParisDate } from '../../src/graphql/common/bank-dates.mapping.js'

describe('bank dates → Date and DateTime scalars', () => {
  it.each([
    ['2022-04-07', '2022-04-07'],
    ['2022-04-07T00:00:00+0200', '2022-04-07'],
    ['2022-04-06T22:00:00Z', '2022-04-07'],
    ['2022-04-06T21:59:59.999Z', '2022-04-06'],
    ['2026-03-29T00:30:00.000+01:00', '2026-03-29'],
    ['2026-10-25T23:30:00Z', '2026-10-26'],
    ['2026-11-20T14:05:00', '2026-11-20'],
    ['2026-02-30', undefined],
    ['', undefined],
    ['garbage', undefined],
  ])('%s is the Paris day %s', (value, day) => {
    expect(toParisDate(value)).toBe(day)
  })

  it('agrees with luxon on the Paris day of every half hour across both 2026 DST changes', () => {
    for (const start of ['2026-03-27T00:00:00Z', '2026-10-23T00:00:00Z']) {
      const from = Date.parse(start)
      for (let ms = from; ms < from + 5 * 86_400_000; ms += 1_800_000) {
        const expected = DateTime.fromMillis(ms, { zone: 'Europe/Paris' }).toISODate()
        expect(toParisDate(new Date(ms).toISOString())).toBe(expected)
      }
    }
  })

  it('timestamps with the bank’s colon-less offset become instants; Date arguments become the day they name', () => {
    expect(toInstant('2021-04-07T23:51:12+0200')?.toISOString()).toBe('2021-04-07T21:51:12.000Z')
    expect(toInstant('')).toBeUndefined()
    expect(toCalendarDay(new Date('2026-11-01'))).toBe('2026-11-01')
  })
})

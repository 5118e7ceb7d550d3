/**
 * The trail is kept per bank day (Europe/Paris, the day the limit counts in: bank-notes.md "The limit"), so that a
 * day's evidence is one file or one stream, an export reads only the days it asks for, and retention drops whole days.
 */
import { DateTime } from 'luxon'

const PARIS = 'Europe/Paris'

/** `YYYY-MM-DD`, the Paris day of `at` (epoch ms). */
export function parisDayLabel(at: number): string {
  return DateTime.fromMillis(at, { zone: PARIS }).toISODate() ?? ''
}

/** The Paris midnight that starts a `YYYY-MM-DD` day (epoch ms). */
export function parisDayStartOf(label: string): number {
  return DateTime.fromISO(label, { zone: PARIS }).startOf('day').toMillis()
}

/** The labels of every Paris day that overlaps `[from, to)`, ascending. */
export function parisDaysBetween(from: number, to: number): string[] {
  const days: string[] = []
  if (!(to > from)) return days
  let day = DateTime.fromMillis(from, { zone: PARIS }).startOf('day')
  while (day.toMillis() < to) {
    days.push(day.toISODate() ?? '')
    day = day.plus({ days: 1 })
  }
  return days
}

export const DAY_LABEL = /^\d{4}-\d{2}-\d{2}$/

/**
 * The bank's time: its calendar day (the daily limit, 00:00–23:59:59.999, BANK "Limits") and its 62-day window are
 * Europe/Paris days, with their 23- and 25-hour DST days. Also the one parser of the `dateFrom`/`dateTo` formats.
 */
import { DateTime } from 'luxon'

export const BANK_ZONE = 'Europe/Paris'

function inParis(epochMs: number): DateTime {
  return DateTime.fromMillis(epochMs, { zone: BANK_ZONE })
}

interface KnownDay {
  readonly start: number
  readonly end: number
  readonly label: string
  /** `parisDayBack` answers for this day, by days back. */
  readonly back: Map<number, string>
}
/**
 * The last Paris days seen, with their bounds: the bank asks the day of `now` twice per call and of every day of a
 * statement per /transactions call; luxon's zone maths for each one set the benchmark's pace once every load
 * connection read its own PSU (issue 16). A time inside a day's [start, end) is in that day by definition: exact on
 * 23- and 25-hour days.
 */
const knownDays: KnownDay[] = []

function knownDayOf(epochMs: number): KnownDay {
  for (const day of knownDays) if (epochMs >= day.start && epochMs < day.end) return day
  const start = inParis(epochMs).startOf('day')
  const day: KnownDay = {
    start: start.toMillis(),
    end: start.plus({ days: 1 }).toMillis(),
    label: start.toFormat('yyyy-MM-dd'),
    back: new Map(),
  }
  if (knownDays.length >= 128) knownDays.length = 0
  knownDays.unshift(day)
  return day
}

/** `YYYY-MM-DD` of the Paris calendar day holding `epochMs`. */
export function parisDay(epochMs: number): string {
  return knownDayOf(epochMs).label
}

/** `parisDay(parisTimeOnDay(epochMs, daysBack, 12, 0, 0))`: the calendar day `daysBack` days before `epochMs`'s. */
export function parisDayBack(epochMs: number, daysBack: number): string {
  const today = knownDayOf(epochMs)
  let label = today.back.get(daysBack)
  if (label === undefined) {
    label = parisDay(parisTimeOnDay(epochMs, daysBack, 12, 0, 0))
    today.back.set(daysBack, label)
  }
  return label
}

/** `dd/MM/yyyy`, as in the bank's balance name "Solde comptable au 28/09/2018". */
export function parisDayFrench(epochMs: number): string {
  return inParis(epochMs).toFormat('dd/MM/yyyy')
}

/** Epoch ms of 00:00 Paris, `daysBack` calendar days before the day holding `epochMs`. */
export function startOfParisDay(epochMs: number, daysBack = 0): number {
  return inParis(epochMs).startOf('day').minus({ days: daysBack }).toMillis()
}

/** Epoch ms of `hour:minute:second` Paris time on the day `daysBack` days before the one holding `epochMs`. */
export function parisTimeOnDay(
  epochMs: number,
  daysBack: number,
  hour: number,
  minute: number,
  second: number,
): number {
  return inParis(epochMs).startOf('day').minus({ days: daysBack }).set({ hour, minute, second }).toMillis()
}

/** ISO 8601 with milliseconds and the Paris offset (`2025-11-20T14:23:05.000+01:00`). */
export function toParisIso(epochMs: number): string {
  const iso = inParis(epochMs).toISO()
  if (iso === null) throw new Error(`cannot format ${epochMs} as an ISO date-time`)
  return iso
}

/**
 * The bank's accepted formats (BANK "Get transactions history"): `YYYY-MM-DDTHH:MM:SS.SSS` (read as Paris time),
 * `…SSSZ`, `…SSS+HHMM`, `…SSS+HH:MM` (or `-`). Milliseconds are required. Anything else, or an impossible date such as
 * 2024-13-45, gives `undefined` (→ 400). A raw `+` arrives as a space after query decoding and is rejected too.
 */
const STET_DATE_PATTERN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})(Z|[+-]\d{2}:?\d{2})?$/

export function parseStetDateTime(value: string): number | undefined {
  const match = STET_DATE_PATTERN.exec(value)
  if (!match) return undefined
  const local = match[1] ?? ''
  const offset = match[2]
  let parsed: DateTime
  if (offset === undefined) {
    parsed = DateTime.fromISO(local, { zone: BANK_ZONE })
  } else {
    const normalised = offset === 'Z' ? 'Z' : offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset
    parsed = DateTime.fromISO(`${local}${normalised}`, { setZone: true })
  }
  return parsed.isValid ? parsed.toMillis() : undefined
}

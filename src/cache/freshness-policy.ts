/**
 * How long a cached value may serve an unattended (batch) read: the few bank calls of a window are spread over it
 * (DESIGN "Making four calls a day count"). A value is fresh while its age is below the time left until the window
 * frees a call divided by the calls left, never below a floor (so a burst cannot burn the budget in a minute).
 *
 * Example, calendar day: at 08:00 with 4 calls left and 16 h to Paris midnight a value stays fresh 4 h; the next
 * call at ~12:00 leaves 3 for 12 h (4 h again), so the calls cover the day instead of the first minute.
 * With the rolling 24 hours enforced too (the default), calls are also kept at least 24 h ÷ limit apart (6 h for 4):
 * otherwise four calls between 22:00 and midnight would leave nothing until 22:00 the next day.
 */
export interface BudgetView {
  /** Unattended calls still allowed in the current window(s). */
  readonly remaining: number
  /** When the current window ends and the budget refills (epoch ms). */
  readonly windowEndsAt: number
  /**
   * The least time between two calls that a rolling 24-hour window can sustain (24 h ÷ limit), 0 without one. A call
   * made late in a calendar day still counts against the rolling window until the same time the next day, so calls
   * closer together than this would only move the shortage to the next morning.
   */
  readonly minSpacingMs: number
}

export interface FreshnessPolicyOptions {
  /** The floor: a batch read never refreshes a value younger than this. */
  readonly minMaxAgeMs: number
}

export class FreshnessPolicy {
  readonly #minMaxAgeMs: number

  constructor(options: FreshnessPolicyOptions) {
    this.#minMaxAgeMs = options.minMaxAgeMs
  }

  /**
   * The age below which a cached value serves a batch read as fresh. With no call left it is the floor: older
   * values are still served, but flagged stale (stale-when-exhausted).
   */
  maxAgeMs(budget: BudgetView, now: number): number {
    if (budget.remaining <= 0) return this.#minMaxAgeMs
    const share = Math.max(0, budget.windowEndsAt - now) / budget.remaining
    return Math.max(this.#minMaxAgeMs, share, budget.minSpacingMs)
  }

  /** Fresh whatever the budget: younger than the floor, below which {@link maxAgeMs} never goes. */
  isWithinFloor(fetchedAt: number, now: number): boolean {
    return now - fetchedAt < this.#minMaxAgeMs
  }

  isFresh(fetchedAt: number, budget: BudgetView, now: number): boolean {
    return now - fetchedAt < this.maxAgeMs(budget, now)
  }
}

/**
 * How long a cached value may serve an unattended (batch) read: the few bank calls of a window are spread over it
 * (DESIGN "Making four calls a day count"). A value is fresh while its age is below the time left until the window
 * frees a call divided by the calls left, never below a floor (so a burst cannot burn the budget in a minute).
 *
 * Example, calendar day: at 08:00 with 4 calls left and 16 h to Paris midnight a value stays fresh 4 h; the next
 * call at ~12:00 leaves 3 for 12 h (4 h again), so the calls cover the day instead of the first minute.
 */
export interface BudgetView {
  /** Unattended calls still allowed in the current window(s). */
  readonly remaining: number
  /** When the current window ends and the budget refills (epoch ms). */
  readonly windowEndsAt: number
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
    return Math.max(this.#minMaxAgeMs, share)
  }

  isFresh(fetchedAt: number, budget: BudgetView, now: number): boolean {
    return now - fetchedAt < this.maxAgeMs(budget, now)
  }
}

/** Epoch milliseconds. Injected wherever a day, an age or an expiry matters (STYLE.md B5), never `Date.now()` inline. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

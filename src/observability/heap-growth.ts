/**
 * How far V8 lets the old generation grow past what survived the last full collection before it collects again.
 * Left to itself V8 picks a factor of 1.1–4 from its GC speed, and under load it takes the top of that range: a
 * heap snapshot of the gateway at saturation held 51 MB of live objects against a 253 MB peak RSS (bench/RESULTS.md,
 * issue 16). A fixed, smaller factor bounds the peak by what is live, without a hard limit: `--max-old-space-size`
 * would turn a burst into an out-of-memory crash, this only makes major collections (mostly concurrent) more frequent.
 *
 * V8 reads the flag each time it sets the next limit, so it takes effect when set at start, before the load. Called
 * by the process entries only (main.ts, and the bench's gateway process as main does): a test process keeps V8's own
 * policy.
 */
import { setFlagsFromString } from 'node:v8'

/** `percent` 0 keeps V8's own factor. */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`)
}

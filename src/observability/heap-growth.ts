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

/**
 * Flags that work only on the command line: Node refuses them in NODE_OPTIONS, and `v8.setFlagsFromString` at start
 * was measured to change nothing (the reducing collections still ran: bench/RESULTS.md, tenth pass). `npm start`, the
 * Dockerfile's CMD and the bench start the gateway with them (test/observability/heap-growth.test.ts).
 *
 * `--no-memory-reducer`: V8 shrinks the heap of a process that stops allocating for a while ("Mark-Compact (reduce)",
 * committed 78 → 34 MB while the bench's gateway waited between cells), and with its growth bounded (below) the
 * gateway climbs back in 30 % steps, one major collection each, when the next burst comes. The cold aliased query cost
 * 1.65–1.71 × the hand-written aggregator's CPU at saturation with the reducer, 1.22–1.27 × without, at the same peak
 * RSS (bench/RESULTS.md, tenth pass). What a burst made V8 commit stays committed until the next, within the bound.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--no-memory-reducer']

/** `percent` 0 keeps V8's own factor. */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`)
}

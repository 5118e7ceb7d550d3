/**
 * The load generators, on undici: a closed loop of N connections for throughput at saturation, and an open loop at a
 * fixed offered rate for latency, measured from each request's scheduled send time (no coordinated omission). Both
 * are bounded: a warm-up, a measured window, then at most `graceMs` for what is still in flight.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'

export interface RequestSpec {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: string
}

/** A response counts as good when 2xx and, for GraphQL, with no `errors`. */
export interface Outcome {
  readonly ok: boolean
  readonly status: number
}

export interface MeasureHooks {
  /** Called when the measured window opens (after the warm-up) and when it closes. */
  readonly onStart: () => Promise<void> | void
  readonly onEnd: () => Promise<void> | void
}

export interface ClosedLoopResult {
  readonly completed: number
  readonly failed: number
  readonly seconds: number
  readonly rps: number
  readonly statuses: Record<string, number>
}

export interface OpenLoopResult {
  readonly sent: number
  readonly completed: number
  readonly failed: number
  /** Requests still unanswered after the grace period (their latency counts as the grace period's end). */
  readonly unanswered: number
  readonly latenciesMs: number[]
  readonly statuses: Record<string, number>
}

async function fire(pool: Pool, spec: RequestSpec): Promise<Outcome> {
  try {
    const res = await pool.request({
      method: spec.method,
      path: spec.path,
      headers: spec.headers,
      ...(spec.body === undefined ? {} : { body: spec.body }),
    })
    const text = await res.body.text()
    const good = res.statusCode >= 200 && res.statusCode < 300 && !text.includes('"errors":')
    return { ok: good, status: res.statusCode }
  } catch {
    return { ok: false, status: 0 }
  }
}

/** One request for every send, or one per closed-loop connection / open-loop send (a pool of PSUs: issue 16). */
export type RequestSource = RequestSpec | ((index: number) => RequestSpec)

const specAt = (source: RequestSource, index: number): RequestSpec =>
  typeof source === 'function' ? source(index) : source

export async function closedLoop(
  origin: string,
  source: RequestSource,
  options: { connections: number; warmupMs: number; durationMs: number },
  hooks: MeasureHooks,
): Promise<ClosedLoopResult> {
  const pool = new Pool(origin, { connections: options.connections, pipelining: 1 })
  let measuring = false
  let stop = false
  let completed = 0
  let failed = 0
  const statuses: Record<string, number> = {}
  const worker = async (_: unknown, connection: number): Promise<void> => {
    const spec = specAt(source, connection)
    while (!stop) {
      const outcome = await fire(pool, spec)
      if (!measuring) continue
      if (outcome.ok) completed++
      else failed++
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1
    }
  }
  const workers = Array.from({ length: options.connections }, worker)
  await sleep(options.warmupMs)
  await hooks.onStart()
  measuring = true
  const started = performance.now()
  await sleep(options.durationMs)
  measuring = false
  const seconds = (performance.now() - started) / 1000
  await hooks.onEnd()
  stop = true
  await Promise.race([Promise.all(workers), sleep(10_000)])
  await pool.destroy()
  return { completed, failed, seconds, rps: completed / seconds, statuses }
}

export async function openLoop(
  origin: string,
  source: RequestSource,
  options: { rate: number; warmupMs: number; durationMs: number; graceMs: number },
  hooks: MeasureHooks,
): Promise<OpenLoopResult> {
  const pool = new Pool(origin, { connections: 256, pipelining: 1 })
  const latenciesMs: number[] = []
  const statuses: Record<string, number> = {}
  let sent = 0
  let completed = 0
  let failed = 0
  const interval = 1000 / options.rate
  const start = performance.now()
  const measureFrom = start + options.warmupMs
  const measureTo = measureFrom + options.durationMs
  const pending = new Set<Promise<void>>()
  /** Measured requests still unanswered: id → scheduled time. */
  const open = new Map<number, number>()
  let startHook: Promise<void> | void | undefined
  for (let i = 0; ; i++) {
    const scheduled = start + i * interval
    if (scheduled >= measureTo) break
    const wait = scheduled - performance.now()
    if (wait > 1) await sleep(wait)
    // Not awaited: the schedule must not slip while the hook reads counters.
    if (startHook === undefined && scheduled >= measureFrom) startHook = hooks.onStart()
    const measured = scheduled >= measureFrom
    if (measured) {
      sent++
      open.set(i, scheduled)
    }
    const p = fire(pool, specAt(source, i)).then((outcome) => {
      if (!measured) return
      open.delete(i)
      // Latency from the scheduled send time: a server that falls behind is charged for the queue it causes.
      latenciesMs.push(performance.now() - scheduled)
      if (outcome.ok) completed++
      else failed++
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1
    })
    pending.add(p)
    void p.finally(() => pending.delete(p))
  }
  await Promise.race([Promise.all(pending), sleep(options.graceMs)])
  const graceEnd = performance.now()
  const unanswered = open.size
  for (const scheduled of open.values()) latenciesMs.push(graceEnd - scheduled)
  await startHook
  await hooks.onEnd()
  await pool.destroy()
  return { sent, completed, failed, unanswered, latenciesMs, statuses }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

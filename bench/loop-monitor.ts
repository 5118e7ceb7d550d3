/**
 * Event-loop delay of a server under test, measured from inside (the gateway has no endpoint for it): SIGUSR2
 * prints the histogram since the last SIGUSR2 as one JSON line on stdout and starts a new one, so the bench
 * brackets each measured cell with two signals.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface LoopDelay {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

export function installLoopMonitor(): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  process.on('SIGUSR2', () => {
    const eld: LoopDelay = {
      p50Ms: histogram.percentile(50) / 1e6,
      p99Ms: histogram.percentile(99) / 1e6,
      maxMs: histogram.max / 1e6,
    }
    process.stdout.write(`${JSON.stringify({ eld })}\n`)
    histogram.reset()
  })
}

/** The line a server entry prints once it listens. */
export function announceReady(url: string): void {
  process.stdout.write(`${JSON.stringify({ ready: { url } })}\n`)
}

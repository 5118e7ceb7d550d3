/**
 * Liveness and readiness. Alive (`/healthz`) is the process answering. Ready (`/readyz`) is every probe passing: the
 * store reachable, the keys loaded, the bank accepting our credentials. A probe that starts failing logs ONE error
 * naming what to check, then stays quiet until it recovers (an orchestrator polls every few seconds: the log must not
 * repeat the same line forever). Slow probes (the bank's) keep their answer for `cacheMs` and run one at a time.
 */
import type { Clock } from '../clock.js'
import type { Logger } from './logger.js'

export interface ProbeResult {
  readonly ok: boolean
  /** A short word for the report: `ok`, `unreachable`, `rejected`, … */
  readonly status: string
  /** When failing: one sentence naming the setting or the part to check (logged once). */
  readonly problem?: string
}

export interface ReadinessProbe {
  readonly name: string
  check(): Promise<ProbeResult>
  /** Reuse an answer this young (default 0: ask every time). */
  readonly cacheMs?: number
}

export interface ReadinessReport {
  readonly ready: boolean
  readonly checks: Readonly<Record<string, string>>
}

type Phase = 'starting' | 'running' | 'stopping'

export class Readiness {
  readonly #probes: ReadinessProbe[] = []
  readonly #logger: Logger
  readonly #clock: Clock
  readonly #last = new Map<string, { result: ProbeResult; at: number }>()
  readonly #inFlight = new Map<string, Promise<ProbeResult>>()
  #phase: Phase = 'starting'

  constructor(deps: { logger: Logger; clock: Clock }) {
    this.#logger = deps.logger
    this.#clock = deps.clock
  }

  add(probe: ReadinessProbe): void {
    this.#probes.push(probe)
  }

  /** Start-up finished: probes now decide. */
  running(): void {
    this.#phase = 'running'
  }

  /** Shutting down: not ready, so that a load balancer stops sending work while in-flight operations finish. */
  stopping(): void {
    this.#phase = 'stopping'
  }

  async report(): Promise<ReadinessReport> {
    if (this.#phase !== 'running') return { ready: false, checks: { phase: this.#phase } }
    const results = await Promise.all(this.#probes.map(async (p) => [p.name, await this.run(p.name)] as const))
    return {
      ready: results.every(([, r]) => r.ok),
      checks: Object.fromEntries(results.map(([name, r]) => [name, r.status])),
    }
  }

  /** Runs one probe (or reuses its answer), logging a transition to failure once. */
  async run(name: string): Promise<ProbeResult> {
    const probe = this.#probes.find((p) => p.name === name)
    if (probe === undefined) throw new TypeError(`no readiness probe named ${name}`)
    const last = this.#last.get(name)
    if (last !== undefined && this.#clock() - last.at < (probe.cacheMs ?? 0)) return last.result
    let pending = this.#inFlight.get(name)
    if (pending === undefined) {
      pending = probe
        .check()
        .catch((error: unknown): ProbeResult => ({ ok: false, status: 'error', problem: String(error) }))
        .then((result) => {
          this.#record(name, result, last?.result)
          return result
        })
        .finally(() => this.#inFlight.delete(name))
      this.#inFlight.set(name, pending)
    }
    return pending
  }

  #record(name: string, result: ProbeResult, previous: ProbeResult | undefined): void {
    this.#last.set(name, { result, at: this.#clock() })
    if (!result.ok && (previous === undefined || previous.ok || previous.status !== result.status)) {
      this.#logger.error({ check: name, status: result.status }, `not ready: ${result.problem ?? result.status}`)
    } else if (result.ok && previous !== undefined && !previous.ok) {
      this.#logger.info({ check: name }, 'readiness check recovered')
    }
  }
}

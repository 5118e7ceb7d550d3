/**
 * Prometheus metrics (prom-client, text format at `/metrics`), fed by the `diagnostics_channel` events core code
 * publishes (STYLE.md B7, after undici's core/diagnostics.js): the STET client, the quota ledger, the cache and the
 * GraphQL plugin know nothing of metrics. Observability is a leaf, so the event shapes are restated here as the
 * fields read; test/observability/metrics.test.ts checks them against the publishers.
 *
 * Labels never hold a PSU id, an IBAN, an account id, a path or a token: bank codes, AIS methods, statuses, error
 * codes and operation names only. Operation names come from clients, so they are bounded (a GraphQL name, at most
 * `MAX_OPERATION_NAMES` distinct ones; the rest are `other`).
 */
import diagnosticsChannel from 'node:diagnostics_channel'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

const MAX_OPERATION_NAMES = 100
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

interface StetRequestFields {
  bank: string
  operation: string
  status: number | undefined
  errorCode?: string
  durationMs: number
  access: 'psu' | 'reservation' | 'probe'
}
interface QuotaReserveFields {
  bank: string
  method: string
  kind: 'granted' | 'refused'
  reason?: string
}
interface QuotaReleaseFields {
  bank: string
  method: string
}
interface CacheReadFields {
  bank: string
  method: string
  outcome: 'hit' | 'miss' | 'stale'
}
interface SingleFlightJoinFields {
  scope: 'process' | 'replica'
}
interface GraphqlOperationFields {
  operationName: string | undefined
  durationMs: number
  errorCodes: string[]
}

const PRESENCE = { psu: 'present', reservation: 'unattended', probe: 'probe' } as const

export class GatewayMetrics {
  readonly registry = new Registry()
  readonly #unsubscribe: (() => void)[] = []
  readonly #operationNames = new Set<string>()

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'stetgw_' })
    const registers = [this.registry]
    const bankCalls = new Counter({
      name: 'stetgw_bank_requests_total',
      help: 'Requests sent to the bank, by bank, AIS method, outcome (HTTP status or network error) and presence',
      labelNames: ['bank', 'method', 'outcome', 'presence'] as const,
      registers,
    })
    const bankDuration = new Histogram({
      name: 'stetgw_bank_request_duration_seconds',
      help: 'Time to the bank answer, by bank and AIS method',
      labelNames: ['bank', 'method'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    })
    const reservations = new Counter({
      name: 'stetgw_quota_reservations_total',
      help: 'Quota reservations for unattended calls: granted, refused (with the reason) and released',
      labelNames: ['bank', 'method', 'outcome', 'reason'] as const,
      registers,
    })
    const cacheReads = new Counter({
      name: 'stetgw_cache_reads_total',
      help: 'Bank-backed reads: hit (fresh from the cache), stale (from the cache, flagged stale), miss (bank called)',
      labelNames: ['bank', 'method', 'outcome'] as const,
      registers,
    })
    const joins = new Counter({
      name: 'stetgw_single_flight_joins_total',
      help: 'Reads that waited for an identical in-flight read instead of calling the bank (process or replica)',
      labelNames: ['scope'] as const,
      registers,
    })
    const operations = new Counter({
      name: 'stetgw_graphql_operations_total',
      help: 'GraphQL operations by name and outcome (ok, or the first error code)',
      labelNames: ['operation', 'outcome'] as const,
      registers,
    })
    const operationDuration = new Histogram({
      name: 'stetgw_graphql_operation_duration_seconds',
      help: 'GraphQL operation duration by name',
      labelNames: ['operation'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    })
    const errors = new Counter({
      name: 'stetgw_graphql_errors_total',
      help: 'Errors in GraphQL responses, by operation name and extensions.code',
      labelNames: ['operation', 'code'] as const,
      registers,
    })

    this.#on<StetRequestFields>('gateway:stet:request', (e) => {
      const outcome = e.status === undefined ? (e.errorCode ?? 'network-error') : String(e.status)
      bankCalls.inc({ bank: e.bank, method: e.operation, outcome, presence: PRESENCE[e.access] })
      bankDuration.observe({ bank: e.bank, method: e.operation }, e.durationMs / 1000)
    })
    this.#on<QuotaReserveFields>('gateway:quota:reserve', (e) =>
      reservations.inc({ bank: e.bank, method: e.method, outcome: e.kind, reason: e.reason ?? '' }),
    )
    this.#on<QuotaReleaseFields>('gateway:quota:release', (e) =>
      reservations.inc({ bank: e.bank, method: e.method, outcome: 'released', reason: '' }),
    )
    this.#on<CacheReadFields>('gateway:cache:read', (e) =>
      cacheReads.inc({ bank: e.bank, method: e.method, outcome: e.outcome }),
    )
    this.#on<SingleFlightJoinFields>('gateway:cache:single-flight-join', (e) => joins.inc({ scope: e.scope }))
    this.#on<GraphqlOperationFields>('gateway:graphql:operation', (e) => {
      const operation = this.#operationLabel(e.operationName)
      operations.inc({ operation, outcome: e.errorCodes[0] ?? 'ok' })
      operationDuration.observe({ operation }, e.durationMs / 1000)
      for (const code of e.errorCodes) errors.inc({ operation, code })
    })
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }

  /** Stops listening (a gateway that closes; several gateways in one test process). */
  close(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe()
  }

  #on<T>(name: string, handle: (event: T) => void): void {
    const listener = (message: unknown): void => handle(message as T)
    diagnosticsChannel.subscribe(name, listener)
    this.#unsubscribe.push(() => diagnosticsChannel.unsubscribe(name, listener))
  }

  #operationLabel(name: string | undefined): string {
    if (name === undefined || name === '') return 'anonymous'
    if (!OPERATION_NAME.test(name)) return 'other'
    if (this.#operationNames.has(name)) return name
    if (this.#operationNames.size >= MAX_OPERATION_NAMES) return 'other'
    this.#operationNames.add(name)
    return name
  }
}

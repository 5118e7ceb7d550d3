/**
 * The operation a bank call belongs to. Every request gets an id (the caller's `X-Request-ID` when well formed), and
 * every bank request it makes sends that id suffixed per call (`<id>.1`, `<id>.2`, …) as its `X-Request-ID`.
 *
 * Carried explicitly (the GraphQL context → the operation's budget → the `PsuContext` or `Reservation` the STET client
 * is given), not by `AsyncLocalStorage`: on Node 20 its promise hooks run for every promise of the process and cost a
 * warm read 16–22 % of its CPU (bench/RESULTS.md, issue 16, eighth pass).
 */
import { randomUUID } from 'node:crypto'

/** A caller's `X-Request-ID` is kept when it is this (leaves room for the per-call suffix within 70 characters). */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,59}$/

/** The caller's id when well formed, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header
  return value !== undefined && WELL_FORMED.test(value) ? value : randomUUID()
}

/** The shape of stet-api/access.ts `RequestIds` (observability does not import the wire types). */
interface RequestIds {
  next(): string
}

/** One operation's bank request ids. */
export class OperationRequestIds implements RequestIds {
  readonly requestId: string
  #calls = 0

  constructor(requestId: string) {
    this.requestId = requestId
  }

  next(): string {
    this.#calls += 1
    return `${this.requestId}.${this.#calls}`
  }
}

/** The X-Request-ID of the next bank call: the operation's next one, or a UUID outside any operation. */
export function bankRequestId(ids: RequestIds | undefined): string {
  return ids?.next() ?? randomUUID()
}

/**
 * The operation a piece of work belongs to, carried by `AsyncLocalStorage` from the HTTP edge down to the STET client
 * and the logger: every log line of an operation carries its request id (the logger's mixin reads it), and every
 * bank request sends it as `X-Request-ID`, suffixed per call (`<id>.1`, `<id>.2`, …) since the header identifies one
 * request and is at most 70 characters (NOTES §2.7). Threading it through every service signature instead would
 * touch each layer for what is only a correlation label.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'

interface RequestContext {
  readonly requestId: string
  bankCalls: number
}

const storage = new AsyncLocalStorage<RequestContext>()

/** A caller's `X-Request-ID` is kept when it is this (leaves room for the per-call suffix within 70 characters). */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,59}$/

/** The caller's id when well formed, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header
  return value !== undefined && WELL_FORMED.test(value) ? value : randomUUID()
}

export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId, bankCalls: 0 }, work)
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId
}

/** The X-Request-ID of the next bank call: the operation's id and a sequence number, or a UUID outside any operation. */
export function nextBankRequestId(): string {
  const context = storage.getStore()
  if (context === undefined) return randomUUID()
  context.bankCalls += 1
  return `${context.requestId}.${context.bankCalls}`
}

/**
 * How the sandbox answers on the wire: HAL+JSON bodies, STET ErrorModel errors with the bank's non-ISO timestamps
 * (NOTES §5), `X-Request-ID` echoed (NOTES §2.7). A handler throws `BankHttpError` to answer an error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import { DateTime } from 'luxon'
import type { ErrorModel } from '../stet-api/wire.js'
import { BANK_ZONE } from './paris-calendar.js'

export const HAL_JSON = 'application/hal+json; charset=utf-8'
export const PLAIN_JSON = 'application/json; charset=utf-8'
const MAX_BODY_BYTES = 1024 * 1024

export interface BankResponse {
  status: number
  /** Serialised as JSON; absent for 201/204. */
  body?: unknown
  /** Sent as is instead of `body` (the login page's HTML). */
  text?: string
  headers?: Record<string, string>
  contentType?: string
}

/**
 * An error answer from inside the sandbox. Not a GatewayError: the sandbox may import nothing of the gateway
 * (DESIGN.md "Who imports whom"), and this never leaves the sandbox except as an HTTP response.
 */
export class BankHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'BankHttpError'
  }
}

/**
 * An error as Groupe BPCE's gateway words it: the `message` is a code (`TMRQ`, `NAAC`, `INTE`, `NIMP`), the body has no
 * `error` field and comes as plain JSON (NOTES §5 "Real BPCE bodies").
 */
export class BpceCodeError extends BankHttpError {
  constructor(status: number, code: string, headers: Record<string, string> = {}) {
    super(status, code, headers)
    this.name = 'BpceCodeError'
  }
}

/** The BPCE gateway's timestamp style, `2021-04-07T23:51:12+0200` (NOTES §5). */
function bankTimestamp(epochMs: number): string {
  return DateTime.fromMillis(epochMs, { zone: BANK_ZONE }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZZ")
}

export function errorModel(status: number, message: string, path: string, epochMs: number): ErrorModel {
  return { timestamp: bankTimestamp(epochMs), status, error: STATUS_CODES[status] ?? 'Error', message, path }
}

export function errorResponse(error: BankHttpError, path: string, epochMs: number): BankResponse {
  if (error instanceof BpceCodeError) {
    const body: ErrorModel = { timestamp: bankTimestamp(epochMs), status: error.status, message: error.message, path }
    return { status: error.status, body, headers: error.headers, contentType: PLAIN_JSON }
  }
  return { status: error.status, body: errorModel(error.status, error.message, path, epochMs), headers: error.headers }
}

export function send(res: ServerResponse, response: BankResponse, requestId: string | undefined): void {
  const headers: Record<string, string> = { ...response.headers }
  if (requestId !== undefined) headers['X-Request-ID'] = requestId
  if (response.text !== undefined) {
    const payload = Buffer.from(response.text, 'utf8')
    headers['Content-Type'] = response.contentType ?? 'text/plain; charset=utf-8'
    headers['Content-Length'] = String(payload.length)
    res.writeHead(response.status, headers)
    res.end(payload)
    return
  }
  if (response.body === undefined) {
    res.writeHead(response.status, headers)
    res.end()
    return
  }
  const payload = Buffer.from(JSON.stringify(response.body), 'utf8')
  headers['Content-Type'] = response.contentType ?? HAL_JSON
  headers['Content-Length'] = String(payload.length)
  res.writeHead(response.status, headers)
  res.end(payload)
}

/** The exact body bytes: the Digest is checked against them (NOTES §2.5). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > MAX_BODY_BYTES) throw new BankHttpError(413, 'Request body too large')
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}

/** A header's single value (Node joins repeated headers with ", ", as draft-cavage §2.3 does). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  if (value === undefined) return undefined
  return Array.isArray(value) ? value.join(', ') : value
}

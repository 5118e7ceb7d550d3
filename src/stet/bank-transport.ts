/**
 * The one undici dispatcher every request to the bank goes through (resources, /token, /revoke): mutual TLS with the
 * QWAC (NOTES §1: on every call, /token included), bounded timeouts, a bounded pool per origin, and NO retry of any
 * kind. Every attempt that reaches the bank may count against its 4-a-day limit (bank page "Limits"), so undici's
 * retry interceptor and RetryAgent are never installed; a plain Agent fails the running request on a socket error
 * instead of re-sending it (undici 7 client-h1 `onHttpSocketClose`: "Fail head of pipeline").
 */
import { Agent } from 'undici'
import type { Dispatcher } from 'undici'

export interface BankTlsOptions {
  /** The QWAC certificate (PEM), presented as the TLS client certificate. */
  certPem: string
  keyPem: string
  /** Extra trust anchor for the bank's server certificate (the dev PKI's CA); absent = the system's CAs. */
  caPem?: string
}

export interface BankDispatcherOptions {
  /** Absent = no client certificate (plain http to a local sandbox). */
  tls?: BankTlsOptions
  timeouts: { connectMs: number; headersMs: number; bodyMs: number }
  maxConnectionsPerOrigin: number
}

/** A pooled Agent for all banks' origins; the caller owns it and closes it. */
export function createBankDispatcher(options: BankDispatcherOptions): Agent {
  const { timeouts, tls } = options
  for (const [name, value] of Object.entries(timeouts)) {
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`timeouts.${name} must be a positive integer`)
  }
  if (!Number.isInteger(options.maxConnectionsPerOrigin) || options.maxConnectionsPerOrigin < 1) {
    throw new TypeError('maxConnectionsPerOrigin must be a positive integer')
  }
  return new Agent({
    connections: options.maxConnectionsPerOrigin,
    // One request per socket at a time: a reset can then only fail the request that was on it (no pipelined victims).
    pipelining: 1,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    connect: {
      timeout: timeouts.connectMs,
      ...(tls === undefined
        ? {}
        : { cert: tls.certPem, key: tls.keyPem, ...(tls.caPem === undefined ? {} : { ca: tls.caPem }) }),
    },
  })
}

/** Codes that prove the request never reached the bank: nothing listened, or the name did not resolve (invariant 4). */
const NEVER_LEFT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined
  return typeof value.code === 'string' ? value.code : undefined
}

/**
 * True only when the failure provably happened before any byte of the request could reach the bank. Looks at the
 * error's `code` and its `cause`'s (undici wraps some connector errors). A connect timeout is NOT counted: the TCP
 * handshake may have completed on the far side (conservative: the reservation stays spent).
 */
export function hasNeverLeft(error: unknown): boolean {
  const own = codeOf(error)
  if (own !== undefined && NEVER_LEFT_CODES.has(own)) return true
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined
  const causeCode = codeOf(cause)
  return causeCode !== undefined && NEVER_LEFT_CODES.has(causeCode)
}

/** The failure's code for metrics (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`), never its message. */
export function networkErrorCode(error: unknown): string {
  return (
    codeOf(error) ??
    codeOf(typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined) ??
    'UNKNOWN'
  )
}

/** Larger than any legitimate answer (500 transactions at most, bank page "Limits"); protects memory, not the quota. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024

export class ResponseTooLargeError extends Error {
  constructor() {
    super(`the bank's response exceeded ${MAX_RESPONSE_BYTES} bytes`)
    this.name = 'ResponseTooLargeError'
  }
}

/**
 * Reads the whole body (undici needs every body consumed or destroyed to reuse the socket), bounded in size. Listeners
 * rather than `for await`: the async iterator, its promise per chunk and its end-of-stream watcher were about 5 KiB of
 * a cold one-account read's allocations (bench/RESULTS.md, eighth pass); a one-chunk body is decoded without a copy.
 */
export function readBodyText(body: Dispatcher.ResponseData['body']): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (): void => {
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
    }
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += buffer.length
      if (size > MAX_RESPONSE_BYTES) {
        done()
        // Destroying an undici body emits its abort as an error: nobody is listening for it any more.
        body.on('error', () => undefined)
        body.destroy()
        reject(new ResponseTooLargeError())
        return
      }
      chunks.push(buffer)
    }
    const onEnd = (): void => {
      done()
      resolve((chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8'))
    }
    const onError = (error: Error): void => {
      done()
      reject(error)
    }
    // Closed before its end without an error (a reset the parser did not report): as an async iteration would.
    const onClose = (): void => {
      done()
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }))
    }
    body.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}

/** Appends a STET path to an origin that may carry a path prefix (a proxy mounted under a sub-path). */
export function joinPath(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path
}

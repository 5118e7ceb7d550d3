/**
 * The gateway's node:http server: bound first thing at start (a busy port is a one-line start-up error before any
 * bank call), and closed gracefully: stop accepting, let in-flight requests finish within a bound, then cut what is
 * left. Idle keep-alive connections are closed at once so that they do not hold the process open.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServerLimits } from '../config/config.js'
import { applyServerLimits, serverOptions } from './server-limits.js'

export class PortUnavailableError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    code: string,
    options?: { cause?: unknown },
  ) {
    super(
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use: stop the other process or set PORT to another port`
        : `cannot listen on ${host}:${port} (${code}): check HOST and PORT`,
      options,
    )
    this.name = 'PortUnavailableError'
  }
}

export interface HttpListener {
  readonly server: Server
  readonly port: number
  /** Stops accepting; waits up to `timeoutMs` for in-flight requests, then closes every connection. */
  close(timeoutMs: number): Promise<void>
}

export async function listenEarly(
  http: { host: string; port: number } & ServerLimits,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpListener> {
  let inFlight = 0
  const server = createServer(serverOptions(http), (req, res) => {
    inFlight += 1
    res.once('close', () => (inFlight -= 1))
    handler(req, res)
  })
  applyServerLimits(server, http)
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new PortUnavailableError(http.host, http.port, error.code ?? 'error', { cause: error })),
    )
    server.listen(http.port, http.host, resolve)
  })
  const port = (server.address() as AddressInfo).port
  let closing: Promise<void> | undefined
  return {
    server,
    port,
    close: (timeoutMs) =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        const deadline = Date.now() + timeoutMs
        while (inFlight > 0 && Date.now() < deadline) {
          await sleep(20)
          server.closeIdleConnections()
        }
        server.closeAllConnections()
        await closed
      })()),
  }
}

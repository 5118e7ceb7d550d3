/**
 * The node:http server's own bounds (DESIGN inv. 12): a client that sends its headers slowly, never finishes its
 * body, or opens sockets by the thousand holds a bounded share of the process. The operation's own time bound is
 * LIMIT_OPERATION_TIMEOUT_MS (operation-deadline.ts).
 */
import type { Server, ServerOptions } from 'node:http'
import type { ServerLimits } from '../config/config.js'

/** Options only `createServer` takes: how often node looks for requests past their header or request timeout. */
export function serverOptions(limits: ServerLimits): ServerOptions {
  // Node's default is every 30 s, which lets a slow client hold its socket up to 30 s past HTTP_HEADERS_TIMEOUT_MS.
  return { connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 2)) }
}

export function applyServerLimits(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs
  server.requestTimeout = limits.requestTimeoutMs
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
  server.maxConnections = limits.maxConnections
  // A request line and headers over 16 KB are refused by node itself (431); a hundred headers is plenty.
  server.maxHeadersCount = 100
  // Idle keep-alive sockets are closed by keepAliveTimeout; one socket serves at most this many requests.
  server.maxRequestsPerSocket = 1_000
}

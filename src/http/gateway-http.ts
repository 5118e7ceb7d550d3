/**
 * The HTTP edge on node:http: `/graphql` through Apollo's `executeHTTPGraphQLRequest` (no framework middleware,
 * PERF-BASELINE: ≈ 37 µs per request saved), `/graphiql` with local assets, and whatever routes the composition root
 * adds (health, metrics). The caller is verified before Apollo runs, so an unauthenticated request never reaches a
 * resolver.
 *
 * Routes are a table of `{ method, path, handler }` (STYLE.md Part D): a new endpoint is one more row, not one more
 * option. A path ending in `/*` matches by prefix. A known path asked with another method is 405 with `Allow`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ApolloServer, BaseContext } from '@apollo/server'
import { HeaderMap } from '@apollo/server'
import type { Caller } from '../auth/caller.js'
import { GatewayError, type GatewayErrorCode } from '../errors.js'
import type { Logger } from '../observability/logger.js'
import { OperationRequestIds, requestIdFrom } from '../observability/request-context.js'
import { handleCors } from './cors.js'
import { isCsrfSuspect } from './csrf.js'
import { GraphiqlAssetsMissingError, loadGraphiqlAssets } from './graphiql-assets.js'
import { renderGraphiqlPage } from './graphiql-page.js'
import { TIMED_OUT, withDeadline } from './operation-deadline.js'

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

/** `requestIds`: the request's own (its id and the X-Request-IDs of the bank calls it makes). */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestIds: OperationRequestIds,
) => Promise<void> | void

export interface Route {
  readonly method: HttpMethod
  /** An exact path, or a prefix ending in `/*`. */
  readonly path: string
  readonly handler: RouteHandler
}

/** Generic over the context so that the edge never imports `graphql/` (only the composition root does). */
export interface GatewayHttpOptions<TContext extends BaseContext> {
  readonly apollo: ApolloServer<TContext>
  readonly verifyCaller: (req: IncomingMessage) => Promise<Caller>
  readonly createContext: (caller: Caller, req: IncomingMessage, requestIds: OperationRequestIds) => TContext
  /** The header GraphiQL opens with (a development token only in sandbox mode, to a loopback client). */
  readonly graphiqlHeaders: (req: IncomingMessage) => Promise<Record<string, string>>
  /** More rows for the table (health, metrics), matched after the GraphQL and GraphiQL routes. */
  readonly routes?: readonly Route[]
  readonly maxBodyBytes?: number
  /** Browser origins allowed to call (CORS_ORIGINS). */
  readonly corsOrigins?: readonly string[]
  /** Whether /graphiql is served at all. */
  readonly graphiql?: boolean
  readonly operationTimeoutMs?: number
  /** Tells the operation's context that its deadline passed, so that it starts no further bank read. */
  readonly markTimedOut?: (context: TContext, afterMs: number) => void
  /** One debug line per request (request id, method, path, status, duration). */
  readonly logger?: Logger
}

export async function createGatewayHandler<TContext extends BaseContext>(
  options: GatewayHttpOptions<TContext>,
): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const routes: Route[] = [
    ...graphqlRoutes(options),
    ...((options.graphiql ?? true) ? graphiqlRoutes(options) : []),
    ...(options.routes ?? []),
  ]
  return (req, res) => {
    // Every request gets an id (the caller's X-Request-ID when well formed): returned, logged, sent to the bank.
    const requestId = requestIdFrom(req.headers['x-request-id'])
    res.setHeader('x-request-id', requestId)
    handle(req, res, new OperationRequestIds(requestId))
  }

  function handle(req: IncomingMessage, res: ServerResponse, requestIds: OperationRequestIds): void {
    const startedAt = performance.now()
    const url = new URL(req.url ?? '/', 'http://gateway')
    const run = async (): Promise<void> => {
      const matching = routes.filter((r) => matchesPath(r.path, url.pathname))
      if (matching.length === 0) return sendError(res, 404, 'NOT_FOUND', 'not found')
      const route = matching.find((r) => r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'))
      if (route === undefined) {
        res.setHeader('allow', [...new Set(matching.map((r) => r.method))].join(', '))
        return sendError(res, 405, 'BAD_REQUEST', `method ${req.method ?? ''} not allowed on ${url.pathname}`)
      }
      await route.handler(req, res, url, requestIds)
    }
    run()
      .catch(() => {
        if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.')
        else res.destroy()
      })
      .finally(() =>
        options.logger?.debug(
          {
            requestId: requestIds.requestId,
            method: req.method,
            path: url.pathname,
            status: res.statusCode,
            durationMs: performance.now() - startedAt,
          },
          'request',
        ),
      )
  }
}

function matchesPath(pattern: string, pathname: string): boolean {
  return pattern.endsWith('/*') ? pathname.startsWith(pattern.slice(0, -1)) : pathname === pattern
}

function graphqlRoutes<TContext extends BaseContext>(options: GatewayHttpOptions<TContext>): Route[] {
  const maxBody = options.maxBodyBytes ?? 1_000_000
  const timeoutMs = options.operationTimeoutMs ?? 30_000
  const graphql: RouteHandler = async (req, res, url, requestIds) => {
    if (handleCors(req, res, options.corsOrigins ?? [])) return
    if (req.method === 'OPTIONS') return sendError(res, 405, 'BAD_REQUEST', 'OPTIONS is only for CORS preflights')
    if (isCsrfSuspect(req))
      return sendError(
        res,
        400,
        'BAD_REQUEST',
        'a request carrying cookies must be preflighted: send Content-Type: application/json or an apollo-require-preflight header',
      )
    let timedOut = false
    let context: TContext | undefined
    const answered = await withDeadline(serve(), timeoutMs, () => {
      timedOut = true
      if (context !== undefined) options.markTimedOut?.(context, timeoutMs)
    })
    if (answered === TIMED_OUT && !res.headersSent)
      sendError(res, 503, 'OPERATION_TIMEOUT', `the operation took longer than ${timeoutMs} ms and was abandoned`)

    async function serve(): Promise<void> {
      let caller: Caller
      try {
        caller = await options.verifyCaller(req)
      } catch (error) {
        const message = error instanceof GatewayError ? error.message : 'authentication failed'
        return sendError(res, 401, 'UNAUTHENTICATED', message)
      }
      // An operator exports the audit trail; it reads no PSU's data (its `sub` names no PSU it acts for).
      if (caller.operator === true)
        return sendError(res, 403, 'FORBIDDEN', 'an operator token is for the audit export, not for /graphql')
      const headers = new HeaderMap()
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
      }
      let body: unknown
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
      // GraphQL over HTTP: the body of a POST is JSON; any other (or no) media type SHOULD get a 4xx.
      if (req.method === 'POST' && mediaType !== 'application/json')
        return sendError(res, 415, 'BAD_REQUEST', 'a POST needs Content-Type: application/json')
      if (req.method === 'POST') {
        const raw = Number(req.headers['content-length'] ?? 0) > maxBody ? undefined : await readBody(req, maxBody)
        if (raw === undefined) {
          // The rest of the body is not read: the connection cannot carry another request.
          res.setHeader('connection', 'close')
          return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `the request body exceeds ${maxBody} bytes`)
        }
        try {
          body = raw.length === 0 ? {} : JSON.parse(raw)
        } catch {
          return sendError(res, 400, 'BAD_REQUEST', 'the body is not valid JSON')
        }
      }
      const result = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => {
          context = options.createContext(caller, req, requestIds)
          if (timedOut) options.markTimedOut?.(context, timeoutMs)
          return context
        },
      })
      if (timedOut) return
      for (const [name, value] of result.headers) res.setHeader(name, value)
      res.statusCode = result.status ?? 200
      if (result.body.kind === 'complete') {
        res.end(result.body.string)
        return
      }
      for await (const chunk of result.body.asyncIterator) res.write(chunk)
      res.end()
    }
  }
  return [
    { method: 'POST', path: '/graphql', handler: graphql },
    { method: 'GET', path: '/graphql', handler: graphql },
    { method: 'OPTIONS', path: '/graphql', handler: graphql },
  ]
}

function graphiqlRoutes<TContext extends BaseContext>(options: GatewayHttpOptions<TContext>): Route[] {
  // Read on the first GraphiQL visit, not at start: a production gateway that nobody browses keeps ~1.5 MB less.
  let assets: Promise<Map<string, { body: Buffer; type: string }>> | undefined
  return [
    {
      method: 'GET',
      path: '/graphiql',
      handler: async (req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8')
        // The page may embed a development token: never let a shared cache keep it.
        res.setHeader('cache-control', 'no-store')
        res.end(renderGraphiqlPage({ endpoint: '/graphql', headers: await options.graphiqlHeaders(req) }))
      },
    },
    {
      method: 'GET',
      path: '/graphiql/assets/*',
      handler: async (_req, res, url) => {
        assets ??= loadGraphiqlAssets()
        let loaded: Map<string, { body: Buffer; type: string }>
        try {
          loaded = await assets
        } catch (error) {
          assets = undefined
          if (error instanceof GraphiqlAssetsMissingError) return sendError(res, 503, 'NOT_FOUND', error.message)
          throw error
        }
        const asset = loaded.get(url.pathname.slice('/graphiql/assets/'.length))
        if (asset === undefined) return sendError(res, 404, 'NOT_FOUND', 'not found')
        res.setHeader('content-type', `${asset.type}; charset=utf-8`)
        res.setHeader('cache-control', 'public, max-age=86400')
        res.end(asset.body)
      },
    },
    {
      method: 'GET',
      path: '/',
      handler: (_req, res) => {
        res.statusCode = 302
        res.setHeader('location', '/graphiql')
        res.end()
      },
    },
  ]
}

/** Error bodies outside GraphQL take GraphQL's shape and the same code union, so a client reads one format. */
export function sendError(res: ServerResponse, status: number, code: GatewayErrorCode, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] })
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.end(JSON.stringify(body))
}

/**
 * The body as text, or undefined past `maxBytes` (the request is then destroyed, as an abandoned async iteration
 * would). Listeners rather than `for await`: the iterator's promise per chunk was 2 % of a warm read's samples.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > maxBytes) {
        done()
        req.destroy()
        resolve(undefined)
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      done()
      resolve((chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8'))
    }
    const onError = (error: Error): void => {
      done()
      reject(error)
    }
    // The client went away before the end: what `for await` reports as a premature close.
    const onClose = (): void => {
      done()
      reject(new Error('the request was aborted'))
    }
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}

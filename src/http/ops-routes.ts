/**
 * The operator's routes: `/healthz` (alive: the process answers), `/readyz` (every readiness probe passes; 503
 * otherwise, with the failing check named), `/health` (the former name of `/readyz`, kept for existing probes) and
 * `/metrics` (Prometheus text).
 */
import type { GatewayMetrics } from '../observability/metrics.js'
import type { Readiness } from '../observability/health.js'
import { sendJson, type Route } from './gateway-http.js'

export function healthRoutes(readiness: Readiness): Route[] {
  const ready: Route['handler'] = async (_req, res) => {
    const report = await readiness.report()
    res.setHeader('cache-control', 'no-store')
    sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', ...report.checks })
  }
  return [
    {
      method: 'GET',
      path: '/healthz',
      handler: (_req, res) => {
        res.setHeader('cache-control', 'no-store')
        sendJson(res, 200, { status: 'alive' })
      },
    },
    { method: 'GET', path: '/readyz', handler: ready },
    { method: 'GET', path: '/health', handler: ready },
  ]
}

export function metricsRoute(metrics: GatewayMetrics): Route {
  return {
    method: 'GET',
    path: '/metrics',
    handler: async (_req, res) => {
      const text = await metrics.text()
      res.setHeader('content-type', metrics.contentType)
      res.setHeader('cache-control', 'no-store')
      res.end(text)
    },
  }
}
